/**
 * Target downloads kept under the agent's data folder: the bandwidth cap, and partial files that
 * a later run (an agent restart) continues with a Range request. A real HTTP server on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepositoryOps } from '@patchcast/core';
import { downloadsDir, targetDownloads } from '../../src/download-target.js';

const MiB = 1024 * 1024;
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const unused: RepositoryOps = {
  fetchMetadata: () => Promise.reject(new Error('not used')),
  fetchTarget: () => Promise.reject(new Error('not used')),
};

/** Serves `body` at any path, honouring `Range: bytes=N-`; records every Range header. */
async function serve(t: { after(fn: () => Promise<void>): void }, body: Uint8Array) {
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('content-length', body.length - start);
    if (start > 0) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${body.length - 1}/${body.length}`);
    }
    res.end(body.subarray(start));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dataDir = await mkdtemp(join(tmpdir(), 'patchcast-target-download-'));
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server: `http://127.0.0.1:${port}`, dataDir, ranges };
}

function ops(server: string, dataDir: string, maxBytesPerSecond?: number): RepositoryOps {
  return targetDownloads({ base: unused, server: () => server, dataDir, maxBytesPerSecond });
}

test('a capped download of a few MiB takes at least size / cap', async (t) => {
  const body = randomBytes(3 * MiB);
  const { server, dataDir } = await serve(t, body);
  const cap = 1 * MiB;
  const started = performance.now();
  const bytes = await ops(server, dataDir, cap).fetchTarget(
    `app/${sha(body)}.bundle.tar`,
    body.length,
  );
  const elapsed = performance.now() - started;
  assert.equal(sha(bytes), sha(body));
  // The lower bound follows from the cap alone (a slow machine only makes it longer).
  const floor = (body.length / cap) * 1000;
  assert.ok(elapsed >= floor - 5, `took ${Math.round(elapsed)} ms, the cap allows ${floor} ms`);
  assert.deepEqual(await readdir(downloadsDir(dataDir)), [], 'nothing kept once complete');
});

test('a partial file from an earlier run is continued with Range: bytes=N-', async (t) => {
  const body = randomBytes(512 * 1024);
  const { server, dataDir, ranges } = await serve(t, body);
  const dir = downloadsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const have = 200_000;
  await writeFile(join(dir, `${sha(body)}.${body.length}.part`), body.subarray(0, have));
  await writeFile(join(dir, `${'0'.repeat(64)}.10.part`), 'another target');
  await writeFile(join(dir, `${sha(body)}.${body.length + 1}.part`), 'other signed length');
  const bytes = await ops(server, dataDir).fetchTarget(`app/${sha(body)}.b.tar`, body.length);
  assert.equal(sha(bytes), sha(body));
  assert.deepEqual(ranges, [`bytes=${have}-`]);
  assert.deepEqual(await readdir(dir), [], 'stale partial files are discarded');
});

test('a complete file kept by an earlier run is used without a request', async (t) => {
  const body = randomBytes(100_000);
  const { server, dataDir, ranges } = await serve(t, body);
  const dir = downloadsDir(dataDir);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${sha(body)}.${body.length}.part`), body);
  const bytes = await ops(server, dataDir).fetchTarget(`app/${sha(body)}.b.tar`, body.length);
  assert.equal(sha(bytes), sha(body));
  assert.deepEqual(ranges, []);
  assert.deepEqual(await readdir(dir), []);
});

test('a kept partial that does not match is discarded and fetched again from the start', async (t) => {
  const body = randomBytes(300_000);
  const { server, dataDir, ranges } = await serve(t, body);
  const dir = downloadsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const corrupt = Buffer.from(body.subarray(0, 100_000));
  corrupt[5] = (corrupt[5] ?? 0) ^ 0xff; // e.g. an unsynced tail after a power cut
  await writeFile(join(dir, `${sha(body)}.${body.length}.part`), corrupt);
  const bytes = await ops(server, dataDir).fetchTarget(`app/${sha(body)}.b.tar`, body.length);
  assert.equal(sha(bytes), sha(body));
  assert.deepEqual(ranges, ['bytes=100000-', undefined]);
  await writeFile(join(dir, `${sha(body)}.${body.length}.part`), randomBytes(body.length + 10));
  ranges.length = 0;
  const again = await ops(server, dataDir).fetchTarget(`app/${sha(body)}.b.tar`, body.length);
  assert.equal(sha(again), sha(body));
  assert.deepEqual(ranges, [undefined], 'a partial longer than the signed length starts over');
});

test('a security failure or a 404 keeps no partial file', async (t) => {
  const body = randomBytes(200_000);
  const { server, dataDir } = await serve(t, body);
  await assert.rejects(
    ops(server, dataDir).fetchTarget(`app/${sha(body)}.b.tar`, body.length - 1),
    { code: 'SECURITY_LENGTH_EXCEEDED' },
  );
  assert.deepEqual(await readdir(downloadsDir(dataDir)), [], 'a security failure keeps nothing');
  const missing = createServer((_req, res) => res.writeHead(404).end());
  missing.listen(0, '127.0.0.1');
  await once(missing, 'listening');
  t.after(() => new Promise<void>((resolve) => missing.close(() => resolve())));
  const address = missing.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await assert.rejects(
    ops(`http://127.0.0.1:${port}`, dataDir).fetchTarget(`app/${sha(body)}.b.tar`, body.length),
    { code: 'NOT_FOUND' },
  );
  assert.deepEqual(await readdir(downloadsDir(dataDir)), []);
});
