/**
 * The lease sub-port's conformance suite (storage/lease-store.ts), run on every adapter:
 * exclusive holders, tokens that grow on every change of hands, and fenced writes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '@patchcast/core';
import type { PendingLogEntry, RolloutRecord, Store } from '../../src/storage/store.js';
import type { EngineSave } from '../../src/storage/rollout-engine-store.js';

const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

export function leaseConformance(name: string, open: () => Promise<Store>): void {
  describe(`Lease conformance: ${name}`, () => {
    test('one holder at a time; renewing keeps the token; expiry hands over with token + 1', async () => {
      const store = await open();
      try {
        const { leases } = store;
        const first = await leases.acquire('rollout:a', 'n1', T(0), T(10));
        assert.deepEqual(first, { name: 'rollout:a', holder: 'n1', token: 1, expiresAt: T(10) });
        assert.equal(await leases.acquire('rollout:a', 'n2', T(5), T(15)), undefined);
        const renewed = await leases.acquire('rollout:a', 'n1', T(6), T(16));
        assert.deepEqual(renewed, { ...first, expiresAt: T(16) });
        assert.equal(await leases.acquire('rollout:a', 'n2', T(15), T(25)), undefined);
        const taken = await leases.acquire('rollout:a', 'n2', T(16), T(26));
        assert.deepEqual(taken, { name: 'rollout:a', holder: 'n2', token: 2, expiresAt: T(26) });
        assert.equal(await leases.acquire('rollout:a', 'n1', T(17), T(27)), undefined);
        assert.deepEqual(await leases.get('rollout:a'), taken);
        assert.equal(await leases.get('rollout:none'), undefined);
      } finally {
        await store.close();
      }
    });

    test('a released lease is free at once; a stale release changes nothing', async () => {
      const store = await open();
      try {
        const { leases } = store;
        await leases.acquire('l', 'n1', T(0), T(10));
        await leases.release('l', 'n1', 99, T(1));
        assert.equal(await leases.acquire('l', 'n2', T(2), T(12)), undefined);
        await leases.release('l', 'n1', 1, T(3));
        assert.equal((await leases.acquire('l', 'n2', T(3), T(13)))?.token, 2);
        await leases.release('l', 'n1', 1, T(4));
        assert.equal((await leases.get('l'))?.holder, 'n2');
        assert.equal((await leases.get('l'))?.expiresAt, T(13));
      } finally {
        await store.close();
      }
    });

    test('a fenced end lands only under the current token, once, with its log entry', async () => {
      const store = await open();
      try {
        await store.createRollout(rolloutRecord('ro_fence'), []);
        const { leases } = store;
        await leases.acquire('rollout:ro_fence', 'n1', T(0), T(10));
        await leases.acquire('rollout:ro_fence', 'n2', T(11), T(21));
        const end = (token: number, at: string) => ({
          state: 'completed' as const,
          at,
          logged: [entry(`end ${token} ${at}`)],
          fence: { lease: 'rollout:ro_fence', token },
        });
        const before = await pendingLeaves(store);
        assert.equal(await store.completeRollout('ro_fence', end(1, T(12))), false, 'old token');
        assert.equal((await store.getRollout('ro_fence'))?.state, 'in-progress');
        assert.deepEqual(await pendingLeaves(store), before, 'no log entry without the change');
        assert.equal(await store.completeRollout('ro_fence', end(2, T(13))), true);
        assert.equal(await store.completeRollout('ro_fence', end(2, T(14))), false, 'only once');
        const stored = await store.getRollout('ro_fence');
        assert.equal(stored?.state, 'completed');
        assert.equal(stored?.completedAt, T(13));
        assert.deepEqual(await pendingLeaves(store), [...before, `end 2 ${T(13)}`]);
      } finally {
        await store.close();
      }
    });

    test('a fenced engine save under an old token writes nothing: LEASE_LOST', async () => {
      const store = await open();
      try {
        await plannedRollout(store, 'ro_save');
        await store.leases.acquire('rollout:ro_save', 'n1', T(0), T(10));
        await store.leases.acquire('rollout:ro_save', 'n2', T(11), T(21));
        const before = await pendingLeaves(store);
        await assert.rejects(
          store.rolloutEngine.save('ro_save', save('n1', 1, 'rollout:ro_save', 1)),
          (e: unknown) => e instanceof PatchcastError && e.code === 'LEASE_LOST',
        );
        assert.deepEqual(await store.rolloutEngine.load('ro_save'), FIRST, 'snapshot unchanged');
        assert.deepEqual(await store.rolloutEngine.decisions('ro_save'), []);
        assert.deepEqual(await pendingLeaves(store), before);
        await store.rolloutEngine.save('ro_save', save('n2', 1, 'rollout:ro_save', 2));
        assert.equal(
          (await store.rolloutEngine.load('ro_save'))?.snapshot,
          '{"by":"n2","round":1}',
        );
        assert.equal((await store.rolloutEngine.decisions('ro_save')).length, 1);
      } finally {
        await store.close();
      }
    });

    test('racing acquirers: exactly one wins a free lease', async () => {
      const store = await open();
      try {
        const results = await Promise.all(
          ['n1', 'n2', 'n3', 'n4'].map((n) => store.leases.acquire('race', n, T(0), T(10))),
        );
        const winners = results.filter((r) => r !== undefined);
        assert.equal(winners.length, 1);
        assert.equal(winners[0]?.token, 1);
      } finally {
        await store.close();
      }
    });
  });
}

const FIRST = { snapshot: '{}', inputSeq: 0 };

function rolloutRecord(id: string): RolloutRecord {
  return {
    id,
    patch: { name: 'p', version: '1' },
    targetPath: 'p/1/bundle.tar',
    selector: { all: true },
    state: 'in-progress',
    createdAt: T(0),
    createdBy: 'admin',
    completedAt: null,
  };
}

export async function plannedRollout(store: Store, id: string): Promise<void> {
  await store.rolloutEngine.create(rolloutRecord(id), [], FIRST, []);
}

function entry(text: string): PendingLogEntry {
  return { leaf: new TextEncoder().encode(text), subject: null };
}

/** One step of a driver `node` in `round` (its decision numbered `seq`), under `lease` with `token`. */
export function save(
  node: string,
  round: number,
  lease: string,
  token: number,
  seq = round,
): EngineSave {
  const at = T(round);
  const decision = {
    seq,
    at,
    wave: 0,
    from: null,
    to: 'in-wave',
    event: node,
    detail: '',
    by: null,
  };
  return {
    snapshot: { snapshot: JSON.stringify({ by: node, round }), inputSeq: round },
    decisions: [decision],
    logged: [entry(`${node} ${round}`)],
    fence: { lease, token },
  };
}

export async function pendingLeaves(store: Store): Promise<string[]> {
  const pending = await store.log.pending(10_000);
  return pending.map((p) => new TextDecoder().decode(p.leaf));
}
