/**
 * The console's events: what another node publishes on the bus reaches this node's listeners
 * (two in-process buses on one hub stand for two nodes).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsoleEvent } from '@patchcast/protocol';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { MemoryBusHub } from '../../src/bus/memory/memory-bus-hub.js';
import { ConsoleEvents } from '../../src/features/console/console-events.js';

const AT = new Date('2026-12-07T12:00:00.000Z');

describe('console events', () => {
  test("another node's device results, health, rollout events and disconnections arrive", async () => {
    const hub = new MemoryBusHub();
    const fail = (error: unknown): void => assert.fail(String(error));
    const here = new MemoryBus(fail, { hub, nodeId: 'a' });
    const there = new MemoryBus(fail, { hub, nodeId: 'b' });
    const events = new ConsoleEvents({ bus: here, now: () => AT });
    const heard: ConsoleEvent[] = [];
    const stop = events.listen((event) => heard.push(event));
    await here.ready();
    await there.publish('device-result', {
      id: 'r1',
      rolloutId: 'ro_1',
      deviceId: 'dev_1',
      state: 'installed',
      node: 'b',
    });
    await there.publish('device-health', {
      id: 'h',
      rolloutId: 'ro_2',
      deviceId: 'd',
      node: 'b',
      wave: 1,
    });
    await there.publish('rollout-event', {
      id: 'e',
      rolloutId: 'ro_3',
      kind: 'completed',
      node: 'b',
      at: AT.toISOString(),
    });
    await there.publish('device-disconnect', {
      id: 'x',
      deviceId: 'dev_9',
      publicKey: 'k',
      reason: 'revoked',
      node: 'b',
    });
    events.emit('rollout', 'ro_4');
    const at = AT.toISOString();
    assert.deepEqual(heard, [
      { kind: 'rollout', id: 'ro_1', at },
      { kind: 'device', id: 'dev_1', at },
      { kind: 'rollout', id: 'ro_2', at },
      { kind: 'rollout', id: 'ro_3', at },
      { kind: 'device', id: 'dev_9', at },
      { kind: 'rollout', id: 'ro_4', at },
    ]);
    stop();
    events.emit('log');
    assert.equal(heard.length, 6, 'a listener that stopped hears nothing more');
    events.close();
    await Promise.all([here.close(), there.close()]);
  });
});
