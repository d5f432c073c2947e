/**
 * The event stream over real HTTP with a session cookie: a change the log records (an API token
 * made) reaches an open stream as a `log` event once its checkpoint is stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_ROUTES, ROUTES } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';

test('a logged change reaches an open event stream as a log event', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-console-stream-'));
  const server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
  const admin = server.initialAdminToken ?? '';
  const abort = new AbortController();
  try {
    const signedIn = await fetch(`${server.url}${CONSOLE_ROUTES.session}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: admin }),
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const stream = await fetch(`${server.url}${CONSOLE_ROUTES.events}`, {
      headers: { cookie },
      signal: AbortSignal.any([abort.signal, AbortSignal.timeout(20_000)]),
    });
    const reader = stream.body?.getReader();
    assert.ok(reader !== undefined);
    let text = '';
    const next = async (): Promise<void> => {
      const chunk = (await reader.read()) as { value?: Uint8Array; done: boolean };
      assert.ok(!chunk.done, `the stream ended: ${text}`);
      text += new TextDecoder().decode(chunk.value);
    };
    while (!text.includes('"kind":"hello"')) await next();
    const made = await fetch(`${server.url}${ROUTES.tokens}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', role: 'viewer' }),
    });
    assert.equal(made.status, 200);
    for (let i = 0; i < 50 && !text.includes('"kind":"log"'); i++) await next();
    assert.match(text, /event: change\ndata: \{"kind":"log","at":"[^"]+"\}/);
  } finally {
    abort.abort();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
