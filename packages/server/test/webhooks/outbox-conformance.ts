/**
 * The webhook sub-port's conformance suite (storage/webhook-store.ts), run on SQLite and, with
 * PATCHCAST_TEST_PG, PostgreSQL: fan-out by subscription, one row per (webhook, event id),
 * leases that keep a row from a second claimer until they expire, settling only by the holder,
 * the delivery log, removal; and events written in the rollout engine's own transaction.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/storage/store.js';
import type { WebhookRecord } from '../../src/storage/webhook-store.js';
import { webhookEvent } from '../../src/features/webhooks/webhook-events.js';

export const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

export function hook(id: string, events: WebhookRecord['events']): WebhookRecord {
  return {
    id,
    url: `https://${id}.example/hook`,
    events,
    secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
    allowPrivate: false,
    createdAt: T(0),
    createdBy: 'test',
  };
}

const checkpoint = (n: number) => webhookEvent('log.checkpoint', `cp${n}`, T(n), { size: n });

export function outboxConformance(name: string, open: () => Promise<Store>): void {
  describe(`Webhook outbox conformance: ${name}`, () => {
    test('events fan out to the webhooks subscribed to their type, once per event id', async () => {
      const store = await open();
      try {
        const { webhooks } = store;
        await webhooks.create(hook('wa', ['log.checkpoint', 'rollout.completed']));
        await webhooks.create(hook('wb', ['rollout.completed']));
        assert.equal(await webhooks.enqueue([checkpoint(1), checkpoint(1)]), 1);
        const done = webhookEvent('rollout.completed', 'r1', T(2), { rolloutId: 'r1' });
        assert.equal(await webhooks.enqueue([done]), 2);
        assert.equal(await webhooks.enqueue([done, checkpoint(1)]), 0, 'repeats write nothing');
        const a = await webhooks.deliveries('wa', 10);
        assert.deepEqual(
          a.map((d) => [d.type, d.state, d.attempts, d.nextAttemptAt]),
          [
            ['rollout.completed', 'pending', 0, T(2)],
            ['log.checkpoint', 'pending', 0, T(1)],
          ],
        );
        assert.deepEqual(
          (await webhooks.deliveries('wb', 10)).map((d) => d.eventId),
          [done.id],
        );
        assert.deepEqual(
          (await webhooks.list()).map((w) => [w.id, w.events]),
          [
            ['wa', ['log.checkpoint', 'rollout.completed']],
            ['wb', ['rollout.completed']],
          ],
        );
      } finally {
        await store.close();
      }
    });

    test('a claim leases due rows; another claimer gets them only once the lease expired', async () => {
      const store = await open();
      try {
        const { webhooks } = store;
        await webhooks.create(hook('wc', ['log.checkpoint']));
        await webhooks.enqueue([checkpoint(1), checkpoint(5)]);
        const first = await webhooks.claim('n1', T(2), T(12), 10);
        assert.deepEqual(
          first.map((c) => [c.eventId, c.attempts, c.url]),
          [[checkpoint(1).id, 0, 'https://wc.example/hook']],
        );
        assert.equal(first[0]?.body, checkpoint(1).body);
        assert.deepEqual(
          await webhooks.claim('n2', T(6), T(16), 10).then((c) => c.map((x) => x.eventId)),
          [checkpoint(5).id],
        );
        assert.deepEqual(await webhooks.claim('n2', T(11), T(21), 10), [], 'all leased');
        const taken = await webhooks.claim('n2', T(12), T(22), 10);
        assert.deepEqual(
          taken.map((c) => c.eventId),
          [checkpoint(1).id],
          'n1 lease expired',
        );
        const row = { webhookId: 'wc', eventId: checkpoint(1).id };
        const attempt = {
          attempt: 1,
          at: T(13),
          statusCode: 500,
          error: 'HTTP 500',
          durationMs: 3,
        };
        const retry = { state: 'pending', nextAttemptAt: T(30) } as const;
        assert.equal(await webhooks.settle(row, 'n1', attempt, retry), false, 'n1 lost it');
        assert.equal(await webhooks.settle(row, 'n2', attempt, retry), true);
        const expired = await webhooks.claim('n3', T(29), T(39), 10);
        assert.deepEqual(
          expired.map((c) => c.eventId),
          [checkpoint(5).id],
          "n2's lease on it expired; the retried row is not due yet",
        );
        const again = await webhooks.claim('n3', T(30), T(40), 10);
        assert.deepEqual(
          again.map((c) => [c.eventId, c.attempts]),
          [[checkpoint(1).id, 1]],
        );
        const ok = { attempt: 2, at: T(31), statusCode: 204, error: null, durationMs: 4 };
        assert.equal(await webhooks.settle(row, 'n3', ok, { state: 'delivered' }), true);
        const [latest, oldest] = await webhooks.deliveries('wc', 10);
        assert.equal(latest?.state, 'pending');
        assert.deepEqual(
          [
            oldest?.state,
            oldest?.attempts,
            oldest?.nextAttemptAt,
            oldest?.log.map((l) => l.statusCode),
          ],
          ['delivered', 2, null, [500, 204]],
        );
        assert.deepEqual(await webhooks.claim('n4', T(100), T(110), 10).then((c) => c.length), 1);
        assert.equal(await webhooks.prune(T(1)), 0, 'nothing created before 1 s');
        assert.equal(await webhooks.prune(T(200)), 1, 'the delivered row; the pending stays');
        assert.deepEqual(
          (await webhooks.deliveries('wc', 10)).map((d) => [d.eventId, d.state]),
          [[checkpoint(5).id, 'pending']],
        );
      } finally {
        await store.close();
      }
    });

    test('a rollout engine create and save write their events in the same transaction', async () => {
      const store = await open();
      try {
        await store.webhooks.create(hook('wf', ['rollout.started', 'rollout.completed']));
        const rollout = {
          id: 'ro_outbox',
          patch: { name: 'p', version: '1' },
          targetPath: 'p/1/bundle.tar',
          selector: { all: true },
          state: 'in-progress',
          createdAt: T(1),
          createdBy: 'test',
          completedAt: null,
        } as const;
        const started = webhookEvent('rollout.started', 'ro_outbox', T(1), {
          rolloutId: 'ro_outbox',
        });
        const snapshot = { snapshot: '{}', inputSeq: 0 };
        await store.rolloutEngine.create(rollout, [], snapshot, [], [started]);
        const done = webhookEvent('rollout.completed', 'ro_outbox', T(2), { state: 'completed' });
        const finish = { state: 'completed', at: T(2) } as const;
        await store.rolloutEngine.save('ro_outbox', {
          snapshot,
          decisions: [],
          finish,
          events: [done],
        });
        assert.equal((await store.getRollout('ro_outbox'))?.state, 'completed');
        assert.deepEqual((await store.webhooks.deliveries('wf', 10)).map((d) => d.type).sort(), [
          'rollout.completed',
          'rollout.started',
        ]);
      } finally {
        await store.close();
      }
    });

    test('removing a webhook drops its rows and log; others keep theirs', async () => {
      const store = await open();
      try {
        const { webhooks } = store;
        await webhooks.create(hook('wd', ['log.checkpoint']));
        await webhooks.create(hook('we', ['log.checkpoint']));
        await webhooks.enqueue([checkpoint(1)]);
        const removed = await webhooks.remove('wd');
        assert.equal(removed?.id, 'wd');
        assert.equal(await webhooks.remove('wd'), undefined);
        assert.equal(await webhooks.get('wd'), undefined);
        assert.deepEqual(await webhooks.deliveries('wd', 10), []);
        assert.equal((await webhooks.deliveries('we', 10)).length, 1);
        assert.deepEqual(
          (await webhooks.claim('n', T(5), T(9), 10)).map((c) => c.webhookId),
          ['we'],
        );
      } finally {
        await store.close();
      }
    });
  });
}
