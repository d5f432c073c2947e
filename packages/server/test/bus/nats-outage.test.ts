/**
 * NATS down at start and lost mid-run, against nats-server processes of our own on free loopback
 * ports (JetStream in a temp folder). Skipped with a message when nats-server is not installed.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchcastError } from '@patchcast/core';
import type { StatusResponse } from '@patchcast/protocol';
import { NatsBus } from '../../src/bus/nats/nats-bus.js';
import type { BusEvents } from '../../src/bus/bus.js';
import { startServer } from '../../src/main.js';
import { Collector } from './bus-conformance.js';
import { OwnNatsServer, freePort, natsServerMissing } from './nats-harness.js';

const missing = natsServerMissing();
const quiet = () => undefined;
const result = (id: string): BusEvents['device-result'] => ({
  id,
  rolloutId: 'ro_1',
  deviceId: 'dev_1',
  state: 'installed',
  node: 'a',
});

/** Polls `probe` until it returns true; the bound only keeps a broken build from hanging. */
async function eventually(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await probe()) return;
    await sleep(100);
  }
  assert.fail(`gave up waiting until ${what}`);
}

describe('NATS down at start', () => {
  test('opening the bus on a port where nothing listens is BUS_UNAVAILABLE', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    await assert.rejects(NatsBus.open({ url, nodeId: 'n1', onError: quiet }), (error) => {
      assert.ok(error instanceof PatchcastError);
      assert.equal(error.code, 'BUS_UNAVAILABLE');
      assert.match(error.message, /127\.0\.0\.1/);
      assert.match(error.hint ?? '', /nats-server/);
      return true;
    });
  });

  test('startServer --bus to a dead NATS fails with BUS_UNAVAILABLE and does not hang', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-bus-'));
    try {
      const bus = `nats://127.0.0.1:${await freePort()}`;
      await assert.rejects(startServer({ dataDir: dir, port: 0, logLevel: 'fatal', bus }), {
        code: 'BUS_UNAVAILABLE',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a bad node id is CONFIG_INVALID', async () => {
    await assert.rejects(
      NatsBus.open({ url: 'nats://127.0.0.1:1', nodeId: 'a.b', onError: quiet }),
      { code: 'CONFIG_INVALID' },
    );
  });

  test(
    'NATS without JetStream is BUS_UNAVAILABLE naming JetStream',
    { skip: missing },
    async () => {
      const nats = await OwnNatsServer.start({ jetstream: false });
      try {
        await assert.rejects(NatsBus.open({ url: nats.url, nodeId: 'n1', onError: quiet }), (e) => {
          assert.ok(e instanceof PatchcastError);
          assert.equal(e.code, 'BUS_UNAVAILABLE');
          assert.match(e.message, /JetStream/);
          return true;
        });
      } finally {
        await nats.stop();
      }
    },
  );
});

describe('NATS lost mid-run', { skip: missing }, () => {
  let nats: OwnNatsServer;
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  test('the bus degrades, delivers on its own node meanwhile, and recovers', async () => {
    nats = await OwnNatsServer.start();
    cleanup.push(() => nats.stop());
    const a = await NatsBus.open({ url: nats.url, nodeId: 'a', onError: quiet });
    const b = await NatsBus.open({ url: nats.url, nodeId: 'b', onError: quiet });
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    const onA = new Collector<BusEvents['device-result']>();
    const onB = new Collector<BusEvents['device-result']>();
    a.subscribe('device-result', onA.handler);
    b.subscribe('device-result', onB.handler);
    await Promise.all([a.ready(), b.ready()]);
    await a.publish('device-result', result('before'));
    await Promise.all([onA.until(1), onB.until(1)]);

    await nats.kill();
    await eventually('node a reports degraded', () => a.health().state === 'degraded');
    assert.match(a.health().detail ?? '', /NATS/);
    await a.publish('device-result', result('during'));
    assert.ok(onA.ids().includes('during'), 'delivered on the publishing node while degraded');

    await nats.resume();
    await eventually('both nodes are healthy again', () =>
      [a, b].every((bus) => bus.health().state === 'ok'),
    );
    await a.publish('device-result', result('after'));
    await Promise.all([onA.untilId('after'), onB.untilId('after')]);
    assert.deepEqual(
      onB.ids().filter((id) => id !== 'during'),
      ['before', 'after'],
      'node b: in order (the degraded publish may still arrive: at least once)',
    );
  });

  test('a server shows the degraded bus in /api/v1/status and recovers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-bus-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const server = await startServer({
      dataDir: dir,
      port: 0,
      logLevel: 'fatal',
      bus: nats.url,
      nodeId: 'status-node',
    });
    cleanup.push(() => server.close());
    const token = server.initialAdminToken ?? '';
    const status = async (): Promise<StatusResponse> => {
      const response = await fetch(`${server.url}/api/v1/status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (await response.json()) as StatusResponse;
    };
    const first = await status();
    assert.equal(first.bus, 'nats');
    assert.equal(first.node, 'status-node');
    assert.deepEqual(first.busHealth, { state: 'ok' });

    await nats.kill();
    await eventually('status says degraded', async () => {
      return (await status()).busHealth?.state === 'degraded';
    });
    assert.match((await status()).busHealth?.detail ?? '', /lost the connection to NATS/);
    await nats.resume();
    await eventually('status says ok again', async () => {
      return (await status()).busHealth?.state === 'ok';
    });
  });
  test('a NATS that comes back without its storage gets the stream and consumers anew', async () => {
    const a = await NatsBus.open({ url: nats.url, nodeId: 'w1', onError: quiet });
    const b = await NatsBus.open({ url: nats.url, nodeId: 'w2', onError: quiet });
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    const onB = new Collector<BusEvents['device-result']>();
    b.subscribe('device-result', onB.handler);
    await Promise.all([a.ready(), b.ready()]);
    await a.publish('device-result', result('w-before'));
    await onB.until(1);

    await nats.kill();
    await nats.wipe();
    await nats.resume();
    let probe = 0;
    await eventually('events flow again', async () => {
      await a.publish('device-result', result(`w-after-${probe++}`));
      return onB.ids().some((id) => id.startsWith('w-after-'));
    });
    await eventually('both nodes are healthy', () =>
      [a, b].every((bus) => bus.health().state === 'ok'),
    );
  });
});
