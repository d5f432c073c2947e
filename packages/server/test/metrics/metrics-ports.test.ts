/**
 * The metrics' own parts: the --metrics-listen address follows the main port's transport rule
 * before anything is created, store and bus calls are timed by method (failures too), the
 * notice clock stays bounded, and HTTP requests are labelled by route pattern.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { startServer } from '../../src/index.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { ServerMetrics } from '../../src/features/metrics/server-metrics.js';
import { timedBus, timedStore } from '../../src/features/metrics/timed-ports.js';
import { NoticeClock } from '../../src/features/metrics/notice-clock.js';

async function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-metrics-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `name{labels} value` lines of one metric in the text format. */
async function samples(metrics: ServerMetrics, name: string): Promise<string[]> {
  return (await metrics.text()).split('\n').filter((line) => line.startsWith(name));
}

test('--metrics-listen beyond loopback without TLS is refused before the data folder is made', async () => {
  await withDir(async (dir) => {
    const data = join(dir, 'data');
    await assert.rejects(
      startServer({
        dataDir: data,
        port: 0,
        logLevel: 'fatal',
        metricsListen: { host: '0.0.0.0', port: 0 },
      }),
      (e) =>
        e instanceof PatchcastError &&
        e.code === 'TLS_REQUIRED' &&
        /plain HTTP on 0\.0\.0\.0 \(--metrics-listen\): fleet metrics/.test(e.message),
    );
    assert.deepEqual(await readdir(dir), [], 'nothing created');
  });
});

test('store calls are timed by method, sub-ports as part.method, failed ones too', async () => {
  await withDir(async (dir) => {
    const metrics = new ServerMetrics();
    const store = timedStore(new SqliteStore(join(dir, 'db')), metrics.storeDuration);
    try {
      assert.equal(await store.getDevice('nope'), undefined);
      assert.equal(await store.log.size(), 0);
      await assert.rejects(store.applyReport(undefined as never));
      assert.equal(store.kind, 'sqlite');
      const counts = await samples(metrics, 'patchcast_store_operation_duration_seconds_count');
      assert.deepEqual(counts.sort(), [
        'patchcast_store_operation_duration_seconds_count{operation="applyReport"} 1',
        'patchcast_store_operation_duration_seconds_count{operation="getDevice"} 1',
        'patchcast_store_operation_duration_seconds_count{operation="log.size"} 1',
      ]);
    } finally {
      await store.close();
    }
  });
});

test('bus publishes are timed by topic; subscriptions still receive', async () => {
  const metrics = new ServerMetrics();
  const bus = timedBus(new MemoryBus(() => undefined), metrics.busPublishDuration);
  const got: string[] = [];
  bus.subscribe('rollout-event', (event) => Promise.resolve(void got.push(event.id)));
  await bus.ready();
  const event = { id: 'e1', rolloutId: 'r', kind: 'created', node: 'n', at: 'now' } as const;
  await bus.publish('rollout-event', event);
  assert.deepEqual(got, ['e1']);
  assert.deepEqual(await samples(metrics, 'patchcast_bus_publish_duration_seconds_count'), [
    'patchcast_bus_publish_duration_seconds_count{topic="rollout-event"} 1',
  ]);
  await bus.close();
});

test('the notice clock times the first report only, and forgets the oldest past its bound', async () => {
  const metrics = new ServerMetrics();
  let now = 0;
  const clock = new NoticeClock(metrics.noticeLatency, () => now);
  clock.noticeSent('r1', ['d1', 'd2']);
  now = 250;
  clock.reportReceived('r1', 'd1');
  clock.reportReceived('r1', 'd1'); // a second report of the same notice is not timed
  clock.reportReceived('r9', 'd1'); // nor one for a notice never sent
  assert.deepEqual(await samples(metrics, 'patchcast_notice_latency_seconds_count'), [
    'patchcast_notice_latency_seconds_count 1',
  ]);
  assert.deepEqual(await samples(metrics, 'patchcast_notice_latency_seconds_sum'), [
    'patchcast_notice_latency_seconds_sum 0.25',
  ]);
  const many = Array.from({ length: 100_005 }, (_, i) => `d${i}`);
  clock.noticeSent('r2', many);
  assert.equal(clock.pending, 100_000);
});

test('HTTP requests are labelled by route pattern, unknown paths as unmatched', async () => {
  await withDir(async (dir) => {
    const server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    try {
      const { fastify } = server.app;
      await fastify.inject({ url: '/api/v1/rollouts/r-secret-1' });
      await fastify.inject({ url: '/no/such/path/r-secret-2' });
      const lines = await samples(
        server.app.metrics,
        'patchcast_http_request_duration_seconds_count',
      );
      assert.ok(
        lines.includes(
          'patchcast_http_request_duration_seconds_count{route="/api/v1/rollouts/:id",method="GET",status_code="401"} 1',
        ),
        lines.join('\n'),
      );
      assert.ok(
        lines.includes(
          'patchcast_http_request_duration_seconds_count{route="unmatched",method="GET",status_code="404"} 1',
        ),
      );
      assert.doesNotMatch(await server.app.metrics.text(), /r-secret/);
    } finally {
      await server.close();
    }
  });
});
