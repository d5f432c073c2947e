import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { PatchcastClient, buildBundle, readKeyFile } from '@patchcast/protocol';
import type { Rollout } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';
import { readPatchSource } from '../bundle/index.js';
import { publishBundle } from '../publishing.js';
import { watchRollout } from '../rollout-view.js';

const PATCH = { name: 'demo-patch', version: '1.0.0' };
const MOTD = 'Patched by Patchcast: verified, pushed, installed.\n';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a server and N agents in a temporary folder, publish a patch and roll it out',
  usage: 'patchcast demo [--agents N] [--keep-running | --exit] [--json]',
  help: `Starts an embedded server and N agents (default 5) in a temporary folder, publishes a signed demo
patch, rolls it out to every agent with a live progress display, prints a summary, cleans up, and
exits 0 when every agent installed the patch.

It prints the operator console's URL and an operator API token to sign in with (docs/console.md):
open the URL while the rollout runs to watch it live.

Options:
  --agents N      how many agents (1 to 200, default 5)
  --keep-running  after the summary, publish demo-patch 1.0.1, start its planned rollout (a canary
                  wave, then the rest once approved in the console) and keep the server, the
                  agents and the console running until Ctrl-C (the default in a terminal)
  --exit          exit after the summary, also in a terminal (the default elsewhere and with
                  --json)
  --json          print the summary as JSON: {"agents","installed","failed","publishToAllInstalledMs",
                  "consoleUrl","consoleToken",...}`,
  options: {
    agents: { type: 'string' },
    'keep-running': { type: 'boolean' },
    exit: { type: 'boolean' },
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 0 },
  async run(invocation) {
    if (boolFlag(invocation, 'keep-running') && boolFlag(invocation, 'exit'))
      throw new PatchcastError('USAGE', 'give --keep-running or --exit, not both');
    const count = Number(stringFlag(invocation, 'agents') ?? '5');
    if (!Number.isInteger(count) || count < 1 || count > 200)
      throw new PatchcastError('USAGE', '--agents must be a whole number from 1 to 200');
    const dir = await mkdtemp(join(tmpdir(), 'patchcast-demo-'));
    try {
      return await runDemo(invocation, dir, count);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function runDemo(invocation: Invocation, dir: string, count: number): Promise<number> {
  const [{ startServer }, { startAgent }] = await Promise.all([
    import('@patchcast/server'),
    import('@patchcast/agent'),
  ]);
  const json = boolFlag(invocation, 'json');
  const say = (line: string) => json || invocation.io.err(`${line}\n`);
  const server = await startServer({ dataDir: join(dir, 'server'), port: 0, logLevel: 'error' });
  const agents: { stop(): Promise<void> }[] = [];
  try {
    say(`server   ${server.url} (data in ${dir})`);
    const client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
    const consoleUrl = `${server.url}/`;
    const { token: consoleToken } = await client.createToken({
      name: 'demo-console',
      role: 'operator',
    });
    say(`console  ${consoleUrl}  (sign in with the API token ${consoleToken})`);
    for (let i = 1; i <= count; i++) {
      const { token } = await client.createEnrollToken();
      const base = join(dir, 'agents', `agent-${i}`);
      agents.push(
        await startAgent({
          server: server.url,
          enrollToken: token,
          dataDir: join(base, 'data'),
          rootDir: join(base, 'root'),
          name: `demo-agent-${i}`,
          labels: { demo: 'true' },
        }),
      );
    }
    await waitOnline(client, count);
    say(`agents   ${count} enrolled and connected`);
    const publishedAt = Date.now();
    const signers = (await readKeyFile(join(server.dataDir, 'keys', 'targets.key'))).signers;
    const published = await publishBundle({
      client,
      signers,
      ref: PATCH,
      bundle: buildBundle(
        await readPatchSource(await writeDemoSource(dir), PATCH.name, PATCH.version),
      ),
    });
    say(
      `publish  ${PATCH.name}@${PATCH.version} signed with the targets key (sha256 ${published.sha256.slice(0, 16)}...)`,
    );
    const started = await client.createRollout({ patch: PATCH, devices: { all: true } });
    say(`rollout  ${started.id} to ${started.counts.total} devices`);
    const rollout = await watchRollout(client, started.id, invocation.io, !json, 100);
    const verified = await countVerifiedRoots(dir, count);
    const summary = {
      ...summarize(rollout, count, publishedAt, verified),
      consoleUrl,
      consoleToken,
    };
    if (json) printJson(invocation, summary);
    else
      say(
        `summary  ${summary.installed}/${count} installed, ${summary.failed} failed, publish to all installed in ${summary.publishToAllInstalledMs} ms`,
      );
    if (keepsRunning(invocation, json))
      await keepRunning(invocation, dir, client, signers, consoleUrl);
    return summary.installed === count && verified === count ? 0 : 1;
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await server.close();
  }
}

/** A canary wave, then the rest behind an approval: something to watch and approve in the console. */
const DEMO_PLAN = `version: 1
target: { all: true }
waves:
  - { name: canary, count: 1, bake: 10s }
  - { name: everyone, rest: true, bake: 5s, approval: true }
`;

/**
 * Publishes demo-patch 1.0.1, starts its planned rollout (it waits for approval after the
 * canary wave), and keeps everything up until Ctrl-C.
 */
async function keepRunning(
  invocation: Invocation,
  dir: string,
  client: PatchcastClient,
  signers: Parameters<typeof publishBundle>[0]['signers'],
  consoleUrl: string,
): Promise<void> {
  const next = { ...PATCH, version: '1.0.1' };
  const source = await writeDemoSource(join(dir, 'next'));
  const bundle = buildBundle(await readPatchSource(source, next.name, next.version));
  await publishBundle({ client, signers, ref: next, bundle });
  const rollout = await client.createPlannedRollout({
    patch: next,
    plan: DEMO_PLAN,
    planName: 'demo',
    allowEmptyWaves: true,
  });
  invocation.io.err(
    `console stays at ${consoleUrl} with the rollout ${rollout.id} of ${next.name}@${next.version}: ` +
      'approve its second wave there. Ctrl-C stops.\n',
  );
  await untilStopped();
}

/** Resolves on the first SIGINT or SIGTERM (the demo then cleans up and exits). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function writeDemoSource(dir: string): Promise<string> {
  const source = join(dir, 'demo-patch');
  await mkdir(join(source, 'files', 'etc', 'demo'), { recursive: true });
  await writeFile(join(source, 'files', 'etc', 'demo', 'motd'), MOTD);
  await writeFile(
    join(source, 'patchcast.json'),
    JSON.stringify({ health: { command: 'grep -q Patchcast etc/demo/motd', timeoutSeconds: 10 } }),
  );
  return source;
}

async function waitOnline(
  client: PatchcastClient,
  count: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await client.status()).devices.online < count) {
    if (Date.now() > deadline)
      throw new PatchcastError('INTERNAL', `agents did not connect within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function countVerifiedRoots(dir: string, count: number): Promise<number> {
  let ok = 0;
  for (let i = 1; i <= count; i++) {
    const text = await readFile(
      join(dir, 'agents', `agent-${i}`, 'root', 'etc', 'demo', 'motd'),
      'utf8',
    ).catch(() => '');
    if (text === MOTD) ok++;
  }
  return ok;
}

function summarize(rollout: Rollout, agents: number, publishedAt: number, verified: number) {
  const installedAt = rollout.devices
    .filter((d) => d.state === 'installed')
    .map((d) => Date.parse(d.updatedAt));
  return {
    agents,
    installed: rollout.counts.installed,
    failed: rollout.counts.failed,
    verifiedOnDisk: verified,
    rolloutId: rollout.id,
    state: rollout.state,
    publishToAllInstalledMs:
      installedAt.length === 0 ? null : Math.max(...installedAt) - publishedAt,
  };
}

/** In a terminal the demo stays up for the console; in a script or with --json it exits. */
function keepsRunning(invocation: Invocation, json: boolean): boolean {
  if (boolFlag(invocation, 'keep-running')) return true;
  return invocation.io.isTty === true && !json && !boolFlag(invocation, 'exit');
}
