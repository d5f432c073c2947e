import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecurityError } from '@patchcast/core';
import { downloadToFile } from '../../src/download.js';
import { fetchBounded } from '../../src/http-fetch.js';

const BODY = randomBytes(256 * 1024);
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const FAST = { attempts: 4, baseDelayMs: 5 };

type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

async function serve(t: { after(fn: () => Promise<void>): void }, handler: Handler) {
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    handler(req, res, ranges.length - 1);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-download-test-'));
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}/tuf/targets/app/${sha(BODY)}.bundle.tar`;
  return { url, dir, ranges };
}

/** Serves BODY with byte ranges; `cut` writes only that many bytes, then drops the socket. */
function rangeServer(cutAt: (index: number) => number | undefined, honourRange = true): Handler {
  return (req, res, index) => {
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = honourRange && match !== null ? Number(match[1]) : 0;
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('content-length', BODY.length - start);
    if (start > 0) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${BODY.length - 1}/${BODY.length}`);
    }
    const cut = cutAt(index);
    if (cut === undefined) {
      res.end(BODY.subarray(start));
      return;
    }
    res.flushHeaders();
    res.write(BODY.subarray(start, start + cut), () => res.socket?.destroy());
  };
}

test('a connection cut mid-body is resumed with a Range request', async (t) => {
  const { url, dir, ranges } = await serve(
    t,
    rangeServer((i) => (i < 2 ? 50_000 : undefined)),
  );
  const file = join(dir, 'out');
  const result = await downloadToFile(url, file, { maxLength: BODY.length, ...FAST });
  assert.deepEqual(result, { length: BODY.length, requests: 3 });
  assert.equal(sha(await readFile(file)), sha(BODY));
  assert.equal(ranges[0], undefined);
  assert.match(ranges[1] ?? '', /^bytes=\d+-$/);
  assert.ok(Number(/\d+/.exec(ranges[2] ?? '')?.[0]) > Number(/\d+/.exec(ranges[1] ?? '')?.[0]));
});

test('a server that ignores Range is downloaded again from the start', async (t) => {
  const { url, dir } = await serve(
    t,
    rangeServer((i) => (i === 0 ? 70_000 : undefined), false),
  );
  const file = join(dir, 'out');
  const result = await downloadToFile(url, file, { maxLength: BODY.length, ...FAST });
  assert.equal(result?.requests, 2);
  assert.equal(sha(await readFile(file)), sha(BODY));
});

test('more bytes than the signed length are refused, and the partial file removed', async (t) => {
  const { url, dir } = await serve(
    t,
    rangeServer(() => undefined),
  );
  const file = join(dir, 'out');
  await assert.rejects(
    downloadToFile(url, file, { maxLength: BODY.length - 1, ...FAST }),
    (error) => {
      assert.ok(error instanceof SecurityError);
      assert.equal(error.code, 'SECURITY_LENGTH_EXCEEDED');
      return true;
    },
  );
  const chunked = await serve(t, (_req, res) => res.end(BODY)); // no content-length up front
  await assert.rejects(
    downloadToFile(chunked.url, join(chunked.dir, 'out'), { maxLength: 1000, ...FAST }),
    { code: 'SECURITY_LENGTH_EXCEEDED' },
  );
  assert.deepEqual(await readdir(dir), []);
  assert.deepEqual(await readdir(chunked.dir), []);
});

test('404 is null; server errors are retried with backoff, then SERVER_UNREACHABLE', async (t) => {
  const missing = await serve(t, (_req, res) => res.writeHead(404).end());
  assert.equal(
    await downloadToFile(missing.url, join(missing.dir, 'x'), { maxLength: 10, ...FAST }),
    null,
  );
  const failing = await serve(t, (_req, res) => res.writeHead(503).end());
  await assert.rejects(
    downloadToFile(failing.url, join(failing.dir, 'x'), { maxLength: 10, ...FAST }),
    { code: 'SERVER_UNREACHABLE', message: /failed 4 times: HTTP 503/ },
  );
  assert.equal(failing.ranges.length, 4);
  const forbidden = await serve(t, (_req, res) => res.writeHead(403).end());
  await assert.rejects(
    downloadToFile(forbidden.url, join(forbidden.dir, 'x'), { maxLength: 10, ...FAST }),
    { code: 'SERVER_ERROR' },
  );
  assert.equal(forbidden.ranges.length, 1);
});

test('fetchBounded resumes content-addressed target downloads', async (t) => {
  const { url, ranges } = await serve(
    t,
    rangeServer((i) => (i === 0 ? 100_000 : undefined)),
  );
  const result = await fetchBounded(url, BODY.length);
  assert.equal(sha(result?.bytes ?? new Uint8Array()), sha(BODY));
  assert.equal(ranges.length, 2);
});
