/**
 * The lease sub-port's conformance suite (storage/lease-store.ts), run on every adapter:
 * exclusive holders, tokens that grow on every change of hands, and fenced writes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/storage/store.js';

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

    test('isCurrent is the fencing check: an old token is refused after a takeover', async () => {
      const store = await open();
      try {
        const { leases } = store;
        await leases.acquire('f', 'n1', T(0), T(10));
        assert.equal(await leases.isCurrent('f', 1), true);
        await leases.acquire('f', 'n2', T(11), T(21));
        assert.equal(await leases.isCurrent('f', 1), false);
        assert.equal(await leases.isCurrent('f', 2), true);
        assert.equal(await leases.isCurrent('missing', 1), false);
      } finally {
        await store.close();
      }
    });

    test('completeRollout writes only under the current token, and only once', async () => {
      const store = await open();
      try {
        await store.createRollout(
          {
            id: 'ro_fence',
            patch: { name: 'p', version: '1' },
            targetPath: 'p/1/bundle.tar',
            selector: { all: true },
            state: 'in-progress',
            createdAt: T(0),
            createdBy: 'admin',
            completedAt: null,
          },
          [],
        );
        const { leases } = store;
        await leases.acquire('rollout:ro_fence', 'n1', T(0), T(10));
        await leases.acquire('rollout:ro_fence', 'n2', T(11), T(21));
        const stale = await leases.completeRollout(
          'rollout:ro_fence',
          1,
          'ro_fence',
          'completed',
          T(12),
        );
        assert.equal(stale, false, 'the old holder is fenced off');
        assert.equal((await store.getRollout('ro_fence'))?.state, 'in-progress');
        const done = await leases.completeRollout(
          'rollout:ro_fence',
          2,
          'ro_fence',
          'completed',
          T(13),
        );
        assert.equal(done, true);
        const again = await leases.completeRollout(
          'rollout:ro_fence',
          2,
          'ro_fence',
          'completed',
          T(14),
        );
        assert.equal(again, false, 'a finished rollout is not finished twice');
        const stored = await store.getRollout('ro_fence');
        assert.equal(stored?.state, 'completed');
        assert.equal(stored?.completedAt, T(13));
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
