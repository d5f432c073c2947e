/**
 * The console's events: what another node publishes on the bus reaches this node's listeners
 * (two in-process buses on one hub stand for two nodes), and the device list's search and paging.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsoleEvent } from '@patchcast/protocol';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { MemoryBusHub } from '../../src/bus/memory/memory-bus-hub.js';
import { ConsoleEvents } from '../../src/features/console/console-events.js';
import { devicePage } from '../../src/features/devices/device-query.js';
import type { DeviceRecord } from '../../src/storage/store.js';

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

function device(i: number, labels: Record<string, string>): DeviceRecord {
  const inventory = { hostname: `h${i}`, os: 'debian', arch: 'x86_64', packages: [] };
  return {
    id: `dev_${String(i).padStart(5, '0')}`,
    name: `host-${String(i).padStart(5, '0')}`,
    publicKey: 'k',
    labels,
    inventory: inventory as unknown as DeviceRecord['inventory'],
    enrolledAt: AT.toISOString(),
    lastSeenAt: null,
    lastTimestampVersion: 0,
  };
}

describe('device search and paging', () => {
  const fleet = Array.from({ length: 1000 }, (_, i) =>
    device(999 - i, { env: i % 10 === 0 ? 'prod' : 'lab' }),
  );

  test('without a query: every device, as before', () => {
    const { page, total } = devicePage(fleet, {});
    assert.equal(page.length, 1000);
    assert.equal(total, 1000);
  });

  test('pages are sorted by name and cover the matches once', () => {
    const names: string[] = [];
    for (let offset = 0; offset < 1000; offset += 50) {
      const { page, total } = devicePage(fleet, { offset, limit: 50 });
      assert.equal(total, 1000);
      names.push(...page.map((d) => d.name));
    }
    assert.deepEqual(names, fleet.map((d) => d.name).sort());
  });

  test('q matches the name or id without case; label matches key=value', () => {
    assert.equal(devicePage(fleet, { q: 'HOST-0012' }).total, 10);
    assert.equal(devicePage(fleet, { q: 'dev_00999' }).total, 1);
    const prod = devicePage(fleet, { label: 'env=prod', limit: 1000 });
    assert.equal(prod.total, 100);
    assert.ok(prod.page.every((d) => d.labels.env === 'prod'));
    assert.equal(devicePage(fleet, { label: 'env=' }).total, 0);
  });
});
