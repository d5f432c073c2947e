/**
 * The Bus conformance suite: every adapter must pass it unchanged. Adapters call
 * `busConformance(name, harness)` from their own test file.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Bus, BusEvents } from '../../src/bus/bus.js';

export interface BusHarness {
  /** Opens node `nodeId`'s bus; opening the same id again is that node restarted. */
  open(nodeId: string): Promise<Bus>;
  /** Removes whatever the runs left behind (streams, consumers). */
  cleanup(): Promise<void>;
}

type Result = BusEvents['device-result'];

const result = (id: string, node = 'n1'): Result => ({
  id,
  rolloutId: 'ro_1',
  deviceId: `dev_${id}`,
  state: 'installed',
  node,
});

/**
 * Collects events until `count` distinct ids arrived. The deadline only keeps a broken adapter
 * from hanging the run; no assertion depends on timing.
 */
export class Collector<E extends { readonly id?: string }> {
  readonly events: E[] = [];
  #waiters: { done: () => boolean; resolve: () => void }[] = [];

  readonly handler = (event: E): Promise<void> => {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
    return Promise.resolve();
  };

  ids(): string[] {
    return [...new Set(this.events.map((e) => e.id ?? ''))];
  }

  /** Resolves once `id` arrived. */
  untilId(id: string): Promise<void> {
    return this.#wait(() => this.ids().includes(id), `event ${id}`);
  }

  until(count: number, what = 'events'): Promise<void> {
    return this.#wait(() => this.ids().length >= count, `${count} ${what}`);
  }

  #wait(done: () => boolean, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gave up waiting for ${what}; got ${this.ids().join(',')}`)),
        20_000,
      );
      this.#waiters.push({
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

export function busConformance(name: string, harness: BusHarness): void {
  describe(`Bus conformance: ${name}`, () => {
    const open: Bus[] = [];
    const node = async (id: string) => {
      const bus = await harness.open(id);
      open.push(bus);
      return bus;
    };
    after(async () => {
      await Promise.all(open.map((b) => b.close()));
      await harness.cleanup();
    });

    test('a subscriber receives a published event unchanged, and the bus is healthy', async () => {
      const bus = await node('a1');
      const got = new Collector<Result>();
      bus.subscribe('device-result', got.handler);
      await bus.ready();
      await bus.publish('device-result', result('r1'));
      await got.until(1);
      assert.deepEqual(got.events[0], result('r1'));
      assert.deepEqual(bus.health(), { state: 'ok' });
    });

    test('events of one topic arrive in publish order', async () => {
      const bus = await node('b1');
      const got = new Collector<Result>();
      bus.subscribe('device-result', got.handler);
      await bus.ready();
      const ids = Array.from({ length: 40 }, (_, i) => `o${String(i).padStart(2, '0')}`);
      for (const id of ids) await bus.publish('device-result', result(id));
      await got.until(ids.length);
      assert.deepEqual(got.ids(), ids);
    });

    test('every subscriber of every node gets every event; topics stay apart', async () => {
      const [one, two] = [await node('c1'), await node('c2')];
      const first = new Collector<Result>();
      const second = new Collector<Result>();
      const remote = new Collector<Result>();
      const notices = new Collector<BusEvents['notice']>();
      one.subscribe('device-result', first.handler);
      one.subscribe('device-result', second.handler);
      two.subscribe('device-result', remote.handler);
      two.subscribe('notice', notices.handler);
      await Promise.all([one.ready(), two.ready()]);
      await one.publish('device-result', result('f1', 'c1'));
      await two.publish('device-result', result('f2', 'c2'));
      await two.publish('notice', {
        id: 'n1',
        rolloutId: 'ro_1',
        patch: { name: 'p', version: '1' },
        targetPath: 'p/1/bundle.tar',
        deviceIds: ['dev_1'],
      });
      await Promise.all([first.until(2), second.until(2), remote.until(2), notices.until(1)]);
      for (const c of [first, second, remote]) assert.deepEqual(c.ids(), ['f1', 'f2']);
      assert.deepEqual(notices.ids(), ['n1']);
      assert.deepEqual(notices.events[0]?.deviceIds, ['dev_1']);
    });

    test('an unsubscribed handler gets nothing more; others on the node still do', async () => {
      const bus = await node('d1');
      const stays = new Collector<Result>();
      const leaves = new Collector<Result>();
      bus.subscribe('device-result', stays.handler);
      const unsubscribe = bus.subscribe('device-result', leaves.handler);
      await bus.ready();
      await bus.publish('device-result', result('u1'));
      await Promise.all([stays.until(1), leaves.until(1)]);
      unsubscribe();
      await bus.publish('device-result', result('u2'));
      await stays.until(2);
      assert.deepEqual(leaves.ids(), ['u1']);
    });

    test('a restarted node catches up on what was published while it was down', async () => {
      const publisher = await node('e1');
      let restarting = await node('e2');
      const before = new Collector<Result>();
      restarting.subscribe('device-result', before.handler);
      await Promise.all([publisher.ready(), restarting.ready()]);
      await publisher.publish('device-result', result('k1'));
      await before.until(1);
      await restarting.close();
      for (const id of ['k2', 'k3', 'k4']) await publisher.publish('device-result', result(id));
      restarting = await node('e2');
      const afterRestart = new Collector<Result>();
      restarting.subscribe('device-result', afterRestart.handler);
      await restarting.ready();
      await afterRestart.untilId('k4');
      // at least once: k1 may come again if its acknowledgement was lost with the old process
      const missed = afterRestart.ids().filter((id) => id !== 'k1');
      assert.deepEqual(missed, ['k2', 'k3', 'k4']);
    });

    test('rollout events carry their id, kind and node', async () => {
      const bus = await node('f1');
      const got = new Collector<BusEvents['rollout-event']>();
      bus.subscribe('rollout-event', got.handler);
      await bus.ready();
      const event = {
        id: 'ev1',
        rolloutId: 'ro_9',
        kind: 'taken-over',
        node: 'f1',
        at: '2026-01-01T00:00:00.000Z',
      } as const;
      await bus.publish('rollout-event', event);
      await got.until(1);
      assert.deepEqual(got.events[0], event);
    });
  });
}
