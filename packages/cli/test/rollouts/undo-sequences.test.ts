/**
 * Rollback sequences as a property (issue 21, ADR 0015): random sequences of rollouts (to every
 * device or to one), rollbacks (plain or --cascade) and agent crashes (kill -9 between steps or
 * in the middle of an install or undo, then a restart), run against a real server and two real
 * agents. After every step each device's disk holds exactly the files its model stack says, and
 * the server's record, the agent's state and its inventory all name the model's top version;
 * every refusal is the one the model predicts. Bounded: a few short sequences on one server and
 * fleet (each sequence rolls out a patch of its own name), so that it stays well under two
 * minutes on a busy machine.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Device } from '@patchcast/protocol';
import { Harness } from '../harness.js';
import type { Proc } from '../harness.js';
import { cli, cliJson, finished, publishVersion, recordsSay } from './undo-helpers.js';
import { UndoModel } from './undo-model.js';

const DEVICES = ['dev-a', 'dev-b'];
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0'];
/** Few runs by default (each starts a server and two agents); more for a deeper local search. */
const RUNS = Number(process.env.PATCHCAST_PROPERTY_RUNS ?? 5);

type Step =
  | { kind: 'rollout'; version: number; target: number; crash: boolean }
  | { kind: 'rollback'; pick: number; cascade: boolean; crash: boolean }
  | { kind: 'crash'; device: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('rollout' as const),
      version: fc.nat(2),
      target: fc.nat(2),
      crash: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('rollback' as const),
      pick: fc.nat(9),
      cascade: fc.boolean(),
      crash: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), device: fc.nat(1) }) },
);

/** Every file under `dir` as `path=content`, sorted. */
async function filesOf(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await filesOf(dir, path)));
    else out.push(`${path}=${await readFile(join(dir, path), 'utf8')}`);
  }
  return out.sort();
}

function codeOf(stderr: string): string {
  return /error\[([A-Z_]+)\]/.exec(stderr)?.[1] ?? `no error code in: ${stderr}`;
}

/** One server and its agents, shared by every sequence. */
class Fleet {
  readonly agents = new Map<string, Proc>();
  readonly ids = new Map<string, string>();

  constructor(readonly h: Harness) {}

  async start(): Promise<void> {
    await this.h.startServer();
    for (const name of DEVICES) this.agents.set(name, await this.h.startAgent(name));
    const { devices } = await cliJson<{ devices: Device[] }>(this.h, 'devices');
    for (const d of devices) this.ids.set(d.name, d.id);
  }

  /** kill -9, then a restart that recovers interrupted transactions and reconnects. */
  async crash(name: string): Promise<void> {
    await this.agents.get(name)?.stop('SIGKILL');
    this.agents.set(name, await this.h.startAgent(name));
  }
}

/** One sequence: its own patch name, its model, what it published. */
class Sequence {
  readonly model = new UndoModel(DEVICES);
  readonly published = new Set<string>();
  readonly log: string[] = [];
  readonly h: Harness;

  constructor(
    readonly fleet: Fleet,
    readonly patch: string,
  ) {
    this.h = fleet.h;
  }

  crash(name: string): Promise<void> {
    return this.fleet.crash(name);
  }

  async run(s: Step): Promise<void> {
    this.log.push(JSON.stringify(s));
    if (s.kind === 'crash') return this.crash(DEVICES[s.device] ?? '');
    if (s.kind === 'rollout') return this.#rollout(s);
    return this.#rollback(s);
  }

  async #rollout(s: Extract<Step, { kind: 'rollout' }>): Promise<void> {
    const version = VERSIONS[s.version] ?? '';
    if (!this.published.has(version)) await publishVersion(this.h, this.patch, version);
    this.published.add(version);
    const targets = s.target === 2 ? DEVICES : [DEVICES[s.target] ?? ''];
    const selector = s.target === 2 ? 'all' : `id=${this.fleet.ids.get(targets[0] ?? '') ?? ''}`;
    const expected = this.model.rolloutOutcome(targets, version);
    const result = await cli(
      this.h,
      'rollout',
      'start',
      `${this.patch}@${version}`,
      '--devices',
      selector,
      '--json',
    );
    if (expected !== 'ok') {
      assert.equal(result.code, 1, `${expected} expected: ${result.stdout}`);
      assert.equal(codeOf(result.stderr), expected);
      return;
    }
    assert.equal(result.code, 0, result.stderr);
    const id = (JSON.parse(result.stdout) as { id: string }).id;
    if (s.crash) await this.crash(targets[0] ?? '');
    assert.equal((await finished(this.h, id)).state, 'completed');
    this.model.rolledOut(id, targets, version);
  }

  async #rollback(s: Extract<Step, { kind: 'rollback' }>): Promise<void> {
    const all = this.model.rollouts;
    const picked = all[s.pick % Math.max(1, all.length)];
    if (picked === undefined) return;
    const expected = this.model.rollbackOutcome(picked.id, s.cascade);
    const args = ['rollout', 'rollback', picked.id, ...(s.cascade ? ['--cascade'] : []), '--json'];
    const running = cli(this.h, ...args);
    if (s.crash && expected === 'ok') await this.crash(DEVICES[s.pick % 2] ?? '');
    const result = await running;
    if (expected !== 'ok') {
      assert.equal(result.code, 1, `${expected} expected: ${result.stdout}`);
      assert.equal(codeOf(result.stderr), expected);
      return;
    }
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await finished(this.h, picked.id)).state, 'rolled-back');
    this.model.rollBack(picked.id);
  }

  /** Disk, server record, agent state and inventory all agree with the model. */
  async check(): Promise<void> {
    for (const name of DEVICES) {
      const top = this.model.top(name)?.version ?? null;
      await recordsSay(this.h, name, this.patch, top);
      assert.deepEqual(
        (await filesOf(this.h.agentDirs(name).root)).filter((f) =>
          f.startsWith(`etc/${this.patch}/`),
        ),
        this.model.expectedFiles(name, this.patch),
        `${name}'s disk after: ${this.log.join(' ; ')}`,
      );
    }
  }
}

let fleet: Fleet;
let sequences = 0;

before(async () => {
  fleet = new Fleet(await Harness.create());
  await fleet.start();
});
after(() => fleet.h.close());

test('rollback sequences on real agents: disk equals the server record after every step', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 6 }), async (steps) => {
      sequences += 1;
      const sequence = new Sequence(fleet, `app${sequences}`);
      for (const s of steps) {
        await sequence.run(s);
        await sequence.check();
      }
    }),
    { numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
  );
});
