/**
 * Planned rollouts end to end with real processes: one server, six agents, a plan with three
 * waves. A patch whose health check fails on two of the three canaries is judged (Fisher exact
 * test against the control cohort's health), pauses after wave 1, and an operator rollback
 * undoes the one canary that installed. A good patch goes through every wave, across a kill -9
 * of the server at an approval gate, and no device installs it twice; found bad later, the
 * completed rollout is rolled back and every device's root is byte for byte as before it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface Progress {
  id: string;
  state: string;
  phase: string;
  wave: number;
  allowed: string[];
  waves: {
    name: string;
    devices: number;
    succeeded: number;
    failed: number;
    control: number;
    controlReports: number;
    verdict: { verdict: string; findings: { subject: string; p: number | null }[] } | null;
  }[];
  decisions: { to: string; detail: string; by: string | null }[];
  devices: {
    name: string;
    wave: number | null;
    state: string;
    timings: Record<string, number> | null;
    health: { healthy: boolean; metrics: Record<string, number> } | null;
  }[];
  rollback: { total: number; pending: number } | null;
}

/** Every path under `dir` with its type, mode and (for files) the SHA-256 of its bytes. */
async function treeOf(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const path = join(prefix, name);
    const stats = await lstat(join(dir, path));
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isDirectory()) out.push(`${path}/ ${mode}`, ...(await treeOf(dir, path)));
    else {
      const digest = createHash('sha256')
        .update(await readFile(join(dir, path)))
        .digest('hex');
      out.push(`${path} ${mode} ${digest}`);
    }
  }
  return out;
}

const CANARIES = ['canary-1', 'canary-2', 'canary-3'];
const OTHERS = ['main-1', 'main-2', 'main-3'];

/** Alpha 0.5 split over 2 judged waves: with 3 canaries vs 3 controls, 2 failures give p = 0.2. */
const PLAN = `version: 1
target: { all: true }
waves:
  - name: canary
    labels: { ring: canary }
    bake: 1s
  - name: early
    count: 1
    bake: 1s
    approval: true
  - name: rest
    rest: true
    bake: 1s
thresholds: { successPercent: 30, failurePercent: 70 }
installTimeout: 2m
judge:
  alpha: 0.5
  control: 3
  minSamples: 2
  failureRateTolerance: 10
  onMarginal: pause
onFail: pause
`;

describe('planned rollouts with real server and agent processes', () => {
  let h: Harness;
  let server: Proc;
  const agents = new Map<string, Proc>();
  /** Each device's root before the good patch, and the rollout that installed it. */
  const prePatch = new Map<string, string[]>();
  let goodRollout = '';
  const dataDir = () => join(h.dir, 'server');
  const root = (name: string) => h.agentDirs(name).root;
  const status = (id: string) => h.cliJson<Progress>(['rollout', 'status', id]);
  const phaseOf = async (id: string, phase: string) =>
    eventually(
      async () => {
        const p = await status(id);
        return p.phase === phase || p.state !== 'in-progress' ? p : undefined;
      },
      `rollout ${id} to reach ${phase}`,
      60_000,
    );

  before(async () => {
    h = await Harness.create();
    server = await h.startServer(dataDir());
    for (const name of CANARIES) agents.set(name, await h.startAgent(name, ['ring=canary']));
    for (const name of OTHERS) agents.set(name, await h.startAgent(name, ['ring=main']));
    await writeFile(join(h.dir, 'plan.yaml'), PLAN);
  });
  after(() => h.close());

  test('a plan with an unknown field is refused naming its line and field; nothing starts', async () => {
    await writeFile(
      join(h.dir, 'bad.yaml'),
      PLAN.replace('bake: 1s\n', 'bake: 1s\n    baek: 2s\n'),
    );
    const result = await h.cli(['rollout', 'start', 'app@1', '--plan', 'bad.yaml']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error\[PLAN_INVALID\]: bad\.yaml:7:\d+: waves\[0\]\.baek: unknown field/,
    );
    const { rollouts } = await h.cliJson<{ rollouts: unknown[] }>(['rollout', 'list']);
    assert.equal(rollouts.length, 0);
  });

  test('a patch failing its health check on canaries is judged, paused, and rolled back', async () => {
    for (const name of CANARIES.slice(0, 2)) {
      await mkdir(join(root(name), 'etc'), { recursive: true });
      await writeFile(join(root(name), 'etc/hw-old'), 'old hardware\n');
    }
    const source = await writePatchSource(
      join(h.dir, 'src-bad'),
      { 'etc/app.conf': 'v=bad\n' },
      {
        health: {
          command: '[ "$PATCHCAST_CONTROL" = 1 ] || [ ! -f etc/hw-old ]',
          timeoutSeconds: 10,
        },
      },
    );
    await h.publish(source, 'app', '1.0.0');
    const started = await h.cliJson<Progress>([
      'rollout',
      'start',
      'app@1.0.0',
      '--plan',
      'plan.yaml',
    ]);
    const paused = await phaseOf(started.id, 'paused (judge-fail)');
    assert.equal(paused.phase, 'paused (judge-fail)', JSON.stringify(paused.decisions));
    assert.equal(paused.wave, 1);
    const canary = paused.waves[0];
    assert.equal(canary?.succeeded, 1);
    assert.equal(canary?.failed, 2);
    assert.equal(canary?.controlReports, 3, 'every control device reported its health');
    assert.equal(canary?.verdict?.verdict, 'fail');
    const fisher = canary?.verdict?.findings.find((f) => f.subject === 'failure-rate');
    assert.ok(fisher?.p !== null && Math.abs((fisher?.p ?? 0) - 0.2) < 1e-9, 'Fisher p = 0.2');
    assert.deepEqual(
      paused.waves.slice(1).map((w) => w.succeeded + w.failed),
      [0, 0],
    );
    assert.deepEqual(paused.allowed.sort(), ['abort', 'resume', 'rollback']);
    for (const name of OTHERS)
      await assert.rejects(readFile(join(root(name), 'etc/app.conf')), { code: 'ENOENT' });
    const installed = paused.devices.find((d) => d.state === 'installed');
    assert.ok(installed?.timings?.downloadMs !== undefined, 'per-phase timings are shown');
    assert.ok(installed?.health?.metrics.healthMs !== undefined, 'health metrics are shown');

    const refused = await h.cli(['rollout', 'approve', started.id]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /error\[ROLLOUT_TRANSITION_REFUSED\]: .*is paused: .*allowed now: resume, abort, rollback/,
    );

    await h.cliJson(['rollout', 'rollback', started.id]);
    const done = await eventually(
      async () => {
        const p = await status(started.id);
        return p.state === 'rolled-back' ? p : undefined;
      },
      'the rollback to finish',
      60_000,
    );
    assert.equal(done.rollback?.pending, 0);
    for (const name of CANARIES)
      await assert.rejects(readFile(join(root(name), 'etc/app.conf')), { code: 'ENOENT' });
    assert.ok(done.decisions.some((d) => d.to === 'rolling-back' && d.by !== null));
    assert.deepEqual(done.allowed, []);
    const ended = await h.cli(['rollout', 'resume', started.id]);
    assert.equal(ended.code, 1);
    assert.match(
      ended.stderr,
      /error\[ROLLOUT_TRANSITION_REFUSED\]: .*is rolled-back: resume is not allowed once it has ended; allowed now: nothing/,
    );
  });

  test('a good patch flows through every wave, across a kill -9 of the server', async () => {
    const source = await writePatchSource(
      join(h.dir, 'src-good'),
      { 'etc/app.conf': 'v=good\n' },
      {
        health: {
          command: 'grep -q v=good etc/app.conf || [ "$PATCHCAST_CONTROL" = 1 ]',
          timeoutSeconds: 10,
        },
      },
    );
    await h.publish(source, 'app', '2.0.0');
    for (const name of [...CANARIES, ...OTHERS]) {
      await mkdir(join(root(name), 'etc'), { recursive: true }); // folders a patch creates stay
      prePatch.set(name, await treeOf(root(name)));
    }
    const started = await h.cliJson<Progress>([
      'rollout',
      'start',
      'app@2.0.0',
      '--plan',
      'plan.yaml',
    ]);
    goodRollout = started.id;
    const gate = await phaseOf(started.id, 'pending-approval');
    assert.equal(gate.phase, 'pending-approval');
    assert.equal(gate.waves[0]?.verdict?.verdict, 'pass');

    await server.stop('SIGKILL');
    const port = new URL(h.server).port;
    server = (
      await h.start(
        ['server', '--data', dataDir(), '--listen', `127.0.0.1:${port}`],
        /listening on /,
      )
    ).proc;
    const resumed = await status(started.id);
    assert.equal(resumed.phase, 'pending-approval', 'the restarted server resumes where it was');

    await h.cliJson(['rollout', 'approve', started.id]);
    const done = await eventually(
      async () => {
        const p = await status(started.id);
        return p.state === 'in-progress' ? undefined : p;
      },
      'the rollout to complete',
      90_000,
    );
    assert.equal(done.state, 'completed', JSON.stringify(done.decisions));
    assert.deepEqual(
      done.waves.map((w) => w.succeeded),
      [3, 1, 2],
    );
    for (const name of [...CANARIES, ...OTHERS]) {
      assert.equal(await readFile(join(root(name), 'etc/app.conf'), 'utf8'), 'v=good\n');
      const installs =
        agents
          .get(name)
          ?.output()
          .match(/app@2\.0\.0: installed/g) ?? [];
      assert.equal(installs.length, 1, `${name} installed app@2.0.0 exactly once`);
    }
  });

  test('a completed rollout is rolled back later: every device is back to its pre-patch bytes', async () => {
    assert.notEqual(goodRollout, '', 'the good patch rollout ran');
    const completed = await status(goodRollout);
    assert.equal(completed.state, 'completed');
    assert.deepEqual(completed.allowed, ['rollback']);
    const refused = await h.cli(['rollout', 'resume', goodRollout]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is completed: .*allowed now: rollback/);

    await h.cliJson(['rollout', 'rollback', goodRollout]);
    const done = await eventually(
      async () => {
        const p = await status(goodRollout);
        return p.state === 'rolled-back' ? p : undefined;
      },
      'the rollback of the completed rollout to finish',
      60_000,
    );
    assert.deepEqual(done.rollback, { total: 6, pending: 0 });
    const rollback = done.decisions.find((d) => d.to === 'rolling-back');
    assert.ok(rollback?.by !== null && rollback?.detail.includes('rollback'), 'who rolled back');
    assert.deepEqual(done.allowed, []);
    for (const name of [...CANARIES, ...OTHERS]) {
      assert.deepEqual(await treeOf(root(name)), prePatch.get(name), `${name} is as before`);
      const undone =
        agents
          .get(name)
          ?.output()
          .match(/app@2\.0\.0: rolled back/g) ?? [];
      assert.equal(undone.length, 1, `${name} rolled app@2.0.0 back once`);
    }
    assert.deepEqual(
      done.devices.map((d) => d.state),
      Array<string>(6).fill('rolled-back'),
    );

    // The stored assignments themselves (the plain view reads only the database).
    const response = await fetch(`${h.server}/api/v1/rollouts/${goodRollout}`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    const stored = (await response.json()) as { state: string; devices: { state: string }[] };
    assert.equal(stored.state, 'rolled-back');
    assert.deepEqual(
      stored.devices.map((d) => d.state),
      Array<string>(6).fill('rolled-back'),
    );

    const again = await h.cli(['rollout', 'rollback', goodRollout]);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /error\[ROLLOUT_TRANSITION_REFUSED\]: .*is rolled-back: .*allowed now: nothing/,
    );
  });

  test('the transparency log and the database agree on every rollout (audit verify)', async () => {
    const result = await h.cli(['audit', 'verify', '--json']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const data = await h.cli(['audit', 'verify', '--data', dataDir(), '--json']);
    assert.equal(data.code, 0, data.stdout + data.stderr);
    const report = JSON.parse(data.stdout) as { ok: boolean; checked: { records: number } };
    assert.equal(report.ok, true);
  });
});
