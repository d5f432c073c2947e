/**
 * Every refusal has the catalog's body shape and status, also those made before a route runs: by
 * Node's HTTP parser (header overflow, a malformed request line), by the router (bad URL
 * encoding, a parameter over the length limit) and by the body parsers (content type, JSON). A
 * real server on loopback, spoken to over raw sockets so that nothing on the client side fixes
 * the request first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CATALOG, isErrorCode } from '@patchcast/core';
import { startServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Sends raw request bytes; resolves with the status and the parsed JSON body. */
function raw(url: string, request: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, body: JSON.parse(body) as unknown });
      } catch {
        resolve({ status, body });
      }
    });
    socket.end(request);
  });
}

const get = (path: string, headers = '') =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`;
const post = (path: string, type: string, body: string, token: string) =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\n` +
  `Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('refusals before a route runs', () => {
  let dir: string;
  let server: RunningServer;
  let token: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-refusals-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    token = server.initialAdminToken ?? '';
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The answer is `{"error":{"code","message",...}}` with the code's own status. */
  function assertRefusal(answer: Answer, code: string, status = -1): void {
    const error = (answer.body as { error?: { code?: unknown; message?: unknown } }).error;
    assert.equal(error?.code, code, JSON.stringify(answer.body));
    assert.ok(isErrorCode(code));
    assert.equal(typeof error.message, 'string');
    assert.equal(answer.status, status === -1 ? ERROR_CATALOG[code].http : status);
  }

  test('a header section over 16 KiB: 431 HEADERS_TOO_LARGE', async () => {
    const answer = await raw(server.url, get('/healthz', `X-Big: ${'a'.repeat(20_000)}\r\n`));
    assertRefusal(answer, 'HEADERS_TOO_LARGE');
  });

  test('a malformed request line: 400 INVALID_INPUT', async () => {
    assertRefusal(await raw(server.url, 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n'), 'INVALID_INPUT');
    assertRefusal(await raw(server.url, 'GET / HTTP/9\r\n\r\n'), 'INVALID_INPUT');
  });

  test('bad URL encoding and an over-long parameter: INVALID_INPUT (400, 414)', async () => {
    const bad = await raw(server.url, get('/api/v1/devices/%E0%A4%A'));
    assertRefusal(bad, 'INVALID_INPUT');
    const long = await raw(server.url, get(`/api/v1/devices/${'a'.repeat(600)}`));
    assertRefusal(long, 'INVALID_INPUT', 414);
  });

  test('a body of another content type: 415 UNSUPPORTED_MEDIA_TYPE; bad JSON: 400', async () => {
    const weird = await raw(server.url, post('/api/v1/rollouts', 'text/weird', 'x', token));
    assertRefusal(weird, 'UNSUPPORTED_MEDIA_TYPE');
    const json = await raw(server.url, post('/api/v1/rollouts', 'application/json', '{x', token));
    assertRefusal(json, 'INVALID_INPUT');
  });
});
