/**
 * Issue 17, atomic records (ADR 0033): a real server is killed with SIGKILL at random points
 * while real agents install and report and an operator publishes and starts rollouts (real CLI
 * processes), then started again on the same data, on SQLite and on PostgreSQL. At the end a real
 * `patchcast audit verify` must find no problem: no gap in the log, every published target,
 * rollout, decision and end logged, and every final device result logged exactly once.
 * Bounded in rounds and in time; the seed of the kill points is printed to repeat a run
 * (PATCHCAST_CRASH_SEED).
 */
import { after, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { freshDatabase } from '../pg-database.js';
import { prng } from '../../src/bench/vulns/synthetic-data.js';

const ROUNDS = 5;
/** Where a round's kill lands: some random time after the operator's step or the reports began. */
const PHASES = ['publish', 'rollout start', 'reports'] as const;
type Phase = (typeof PHASES)[number];
/**
 * Rounds whose server kills itself at a named point (PATCHCAST_CRASH_AT, server/src/crash-point.ts)
 * instead: after a publication, or a device result, committed and before its log entry is
 * sequenced, the window a change and its entry in separate steps would lose.
 */
const CRASH_POINTS: Readonly<Record<number, string>> = {
  2: 'publication-stored',
  3: 'device-result-stored',
};
const BUDGET_MS = 150_000;
const AGENTS = ['a1', 'a2', 'a3'];

interface RolloutRow {
  readonly id: string;
  readonly state: string;
  readonly counts: { readonly installed: number; readonly failed: number; readonly total: number };
}

interface AuditJson {
  readonly ok: boolean;
  readonly log: { readonly size: number };
  readonly checked: { readonly records: number | null };
  readonly problems: readonly { readonly where: string; readonly what: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function crashRun(t: TestContext, db: string | undefined): Promise<void> {
  const seed = Number(process.env.PATCHCAST_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`PATCHCAST_CRASH_SEED=${seed}`);
  const next = prng(seed);
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    const dbArgs = db === undefined ? [] : ['--db', db];
    let server: Proc = await h.startServer(dataDir, dbArgs);
    const port = new URL(h.server).port;
    for (const name of AGENTS) await h.startAgent(name);
    const deadline = Date.now() + BUDGET_MS;
    let crashes = 0;
    for (let round = 1; round <= ROUNDS && Date.now() < deadline; round++) {
      const crashAt = CRASH_POINTS[round];
      if (crashAt === undefined) await randomKill(t, { h, server, round, next });
      else {
        t.diagnostic(`round ${round}: the server kills itself at ${crashAt}`);
        const acting = operate(h, round, () => undefined);
        assert.equal(await exited(server), 'SIGKILL', `the server never reached ${crashAt}`);
        await acting;
      }
      crashes++;
      await sleep(Math.floor(next() * 300));
      const env: Record<string, string> = {};
      const nextPoint = CRASH_POINTS[round + 1];
      if (nextPoint !== undefined) env.PATCHCAST_CRASH_AT = nextPoint;
      const args = ['server', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...dbArgs];
      ({ proc: server } = await h.start(args, /listening on /, 20_000, env));
    }
    const rollouts = await settledRollouts(h);
    const results = rollouts.reduce((n, r) => n + r.counts.installed + r.counts.failed, 0);
    t.diagnostic(`${crashes} crashes, ${rollouts.length} rollouts, ${results} device results`);
    assert.ok(crashes >= 2, 'the server was killed more than once');
    assert.ok(results > 0, 'devices reported results across the crashes');

    const audit = await h.cli(['audit', 'verify', '--json']);
    const report = JSON.parse(audit.stdout) as AuditJson;
    assert.deepEqual(report.problems, [], 'audit verify finds nothing wrong');
    assert.equal(audit.code, 0, audit.stderr);
    assert.ok(report.ok);
    assert.ok((report.checked.records ?? 0) >= results, 'the device results were checked');
  } finally {
    await h.close();
  }
}

/** The operator's round, and SIGKILL some random time after a random phase of it began. */
async function randomKill(
  t: TestContext,
  run: { h: Harness; server: Proc; round: number; next: () => number },
): Promise<void> {
  const phase = PHASES[Math.floor(run.next() * PHASES.length)] ?? 'reports';
  const delay = Math.floor(run.next() * 4000);
  t.diagnostic(`round ${run.round}: SIGKILL ${delay} ms after ${phase} began`);
  let reached = () => {};
  const killPoint = new Promise<void>((resolve) => (reached = resolve));
  const acting = operate(run.h, run.round, (p) => p === phase && reached());
  await Promise.race([killPoint, acting]);
  await sleep(delay);
  assert.equal(await run.server.stop('SIGKILL'), null, 'killed, not stopped');
  await acting;
}

/** How the process ended (its signal), or 'running' if it still runs after a minute. */
async function exited(proc: Proc): Promise<string> {
  const { child } = proc;
  if (child.exitCode === null && child.signalCode === null)
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(60_000)]);
  return child.signalCode ?? (child.exitCode === null ? 'running' : `exit ${child.exitCode}`);
}

/**
 * The operator: publishes a patch and starts a rollout of it to every device, telling `began`
 * each phase. Either step may fail when the server dies under it; the next round carries on.
 */
async function operate(h: Harness, round: number, began: (phase: Phase) => void): Promise<void> {
  began('publish');
  const source = await writePatchSource(join(h.dir, `src-${round}`), {
    [`etc/crash-${round}`]: `round ${round}\n`,
  });
  const key = join(h.dir, 'server/keys/targets.key');
  const published = await h.cli([
    'publish',
    source,
    '--name',
    'crash',
    '--version',
    String(round),
    '--key',
    key,
  ]);
  if (published.code !== 0) return;
  began('rollout start');
  const started = await h.cli(['rollout', 'start', `crash@${round}`, '--devices', 'all']);
  if (started.code === 0) began('reports');
}

/** Waits until the agents are back and every rollout has ended; returns the rollouts. */
async function settledRollouts(h: Harness): Promise<RolloutRow[]> {
  await eventually(
    async () => {
      const { devices } = await h.cliJson<{ devices: { online: boolean }[] }>(['devices']);
      return devices.length === AGENTS.length && devices.every((d) => d.online) ? true : undefined;
    },
    'every agent to reconnect',
    60_000,
  );
  return eventually(
    async () => {
      const { rollouts } = await h.cliJson<{ rollouts: RolloutRow[] }>(['rollout', 'list']);
      return rollouts.every((r) => r.state !== 'in-progress') ? rollouts : undefined;
    },
    'every rollout to end',
    120_000,
  );
}

describe('atomic records: SIGKILL while agents report and an operator acts', () => {
  test('SQLite: after every crash and restart, audit verify finds each record logged once', (t) =>
    crashRun(t, undefined));
});

const database = await freshDatabase();
describe(
  'atomic records on PostgreSQL',
  { skip: typeof database === 'string' ? database : false },
  () => {
    after(async () => {
      if (typeof database !== 'string') await database.drop();
    });
    test('PostgreSQL: after every crash and restart, audit verify finds each record logged once', (t) =>
      crashRun(t, typeof database === 'string' ? undefined : database.url));
  },
);
