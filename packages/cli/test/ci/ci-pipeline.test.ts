/**
 * The CI example's steps (examples/ci/publish-and-roll-out.sh, which github-actions.yml and
 * gitlab-ci.yml call) against a real server and real agents: build the patch folder, publish
 * with the targets key from a "secret", start a planned rollout, wait. A good patch passes and
 * lands; a patch whose health check fails pauses the rollout and the script fails closed with
 * the reason, as do `rollout status --wait` afterwards and the abort that follows.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { BIN, Harness, runToEnd } from '../harness.js';
import type { CliResult } from '../harness.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const SCRIPT = join(ROOT, 'examples/ci/publish-and-roll-out.sh');

const PLAN = `version: 1
target: { labels: { env: ci } }
waves:
  - name: canary
    labels: { ring: canary }
    bake: 1s
  - name: rest
    rest: true
    bake: 1s
thresholds: { successPercent: 100, failurePercent: 0 }
installTimeout: 1m
waveTimeout: 5m
onFail: pause
`;

/** `PATCH_BUILD` of a pipeline: writes the patch folder (files/ and patchcast.json). */
function buildCommand(config: string, health: string): string {
  const manifest = JSON.stringify({ health: { command: health, timeoutSeconds: 10 } });
  return [
    'rm -rf patch && mkdir -p patch/files/etc/app',
    `printf '%s\\n' '${config}' > patch/files/etc/app/config`,
    `printf '%s' '${manifest}' > patch/patchcast.json`,
  ].join(' && ');
}

describe('the CI example against a real server', () => {
  let h: Harness;
  let work = '';
  const env: Record<string, string> = {};

  /** Runs the pipeline's script as a CI job would: its own folder, secrets in the environment. */
  const pipeline = (version: string, build: string, out: string): Promise<CliResult> =>
    runToEnd('bash', [SCRIPT, 'ci-app', version, 'patch', 'plan.yaml'], {
      cwd: work,
      env: { ...env, PATCH_BUILD: build, OUT: out },
    });
  const json = async <T>(file: string) => JSON.parse(await readFile(join(work, file), 'utf8')) as T;
  const configOf = (agent: string) =>
    readFile(join(h.agentDirs(agent).root, 'etc/app/config'), 'utf8');

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    await h.startAgent('ci-canary', ['env=ci', 'ring=canary']);
    await h.startAgent('ci-one', ['env=ci']);
    await h.startAgent('ci-two', ['env=ci']);
    work = join(h.dir, 'job');
    const bin = join(work, '.bin');
    await mkdir(bin, { recursive: true });
    await symlink(BIN, join(bin, 'patchcast'));
    await writeFile(join(work, 'plan.yaml'), PLAN);
    const ci = await h.cliJson<{ token: string }>([
      'token',
      'create',
      '--name',
      'ci',
      '--role',
      'publisher',
      '--expires',
      '1d',
    ]);
    const inherited = Object.entries(process.env).filter(
      ([name]) => !name.startsWith('PATCHCAST_'),
    ) as [string, string][];
    Object.assign(env, Object.fromEntries(inherited), {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      PATCHCAST_SERVER: h.server,
      PATCHCAST_TOKEN: ci.token,
      PATCHCAST_TARGETS_KEY: await readFile(join(h.dir, 'server/keys/targets.key'), 'utf8'),
    });
  });
  after(() => h.close());

  test('a good patch: built, published, rolled out wave by wave, exit 0', async () => {
    const run = await pipeline(
      '1.0.0',
      buildCommand('tls=1.3', 'grep -q tls=1.3 etc/app/config'),
      'good',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /published ci-app@1\.0\.0/);
    const rollout = await json<{ id: string; state: string; error?: unknown }>('good/rollout.json');
    assert.equal(rollout.state, 'completed');
    assert.equal(rollout.error, undefined);
    assert.equal((await readFile(join(work, 'good/rollout-id'), 'utf8')).trim(), rollout.id);
    const bundle = await json<{ sha256: string }>('good/bundle.json');
    const published = await json<{ sha256: string }>('good/publish.json');
    assert.equal(bundle.sha256, published.sha256, 'the kept bundle is the published one');
    for (const agent of ['ci-canary', 'ci-one', 'ci-two'])
      assert.equal(await configOf(agent), 'tls=1.3\n', agent);
  });

  test('a patch that fails its health check: the rollout pauses, the job fails with why', async () => {
    const run = await pipeline('2.0.0', buildCommand('tls=broken', 'false'), 'bad');
    assert.equal(run.code, 3, `exit 3: waits for an operator\n${run.stderr}`);
    assert.match(run.stderr, /^error\[ROLLOUT_PAUSED\]: rollout \S+ is paused/m);
    assert.match(run.stderr, /did not complete \(exit 3\)/);
    const rollout = await json<{ id: string; phase: string; error: { code: string } }>(
      'bad/rollout.json',
    );
    assert.equal(rollout.error.code, 'ROLLOUT_PAUSED');
    assert.match(rollout.phase, /^paused/);
    assert.equal(await configOf('ci-canary'), 'tls=1.3\n', 'the canary rolled back');
    assert.equal(await configOf('ci-one'), 'tls=1.3\n', 'the next wave was never touched');

    const again = await h.cli(['rollout', 'status', rollout.id, '--wait']);
    assert.equal(again.code, 3);
    assert.match(again.stderr, /error\[ROLLOUT_PAUSED\]/);
    const aborted = await h.cli(['rollout', 'abort', rollout.id]);
    assert.equal(aborted.code, 0, aborted.stderr);
    const ended = await h.cli(['rollout', 'status', rollout.id, '--wait', '--json']);
    assert.equal(ended.code, 1);
    assert.match(ended.stderr, /^error\[ROLLOUT_ABORTED\]: rollout \S+ was aborted/m);
    assert.equal(
      (JSON.parse(ended.stdout) as { error: { code: string } }).error.code,
      'ROLLOUT_ABORTED',
    );
  });

  test('both pipeline files run that script with the secrets it reads', async () => {
    type Step = { run?: string; env?: Record<string, string> };
    const github = parse(await readFile(join(ROOT, 'examples/ci/github-actions.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Step[] }>;
    };
    const steps = Object.values(github.jobs).flatMap((job) => job.steps);
    const step = steps.find((s) => s.run?.includes('examples/ci/publish-and-roll-out.sh'));
    assert.ok(step !== undefined, 'a GitHub step runs the script');
    for (const name of ['PATCHCAST_SERVER', 'PATCHCAST_TOKEN', 'PATCHCAST_TARGETS_KEY'])
      assert.match(step.env?.[name] ?? '', new RegExp(`secrets\\.${name}`), name);
    const gitlab = parse(await readFile(join(ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { script?: string[] }
    >;
    const script = Object.values(gitlab).flatMap((job) => job.script ?? []);
    assert.ok(script.some((line) => line.includes('examples/ci/publish-and-roll-out.sh')));
  });
});
