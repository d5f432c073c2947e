/**
 * The agent's node:http requests answer as the fetch they replace did: status, headers and body,
 * a body read piece by piece or whole, the whole exchange bounded in time, and a failure to
 * connect thrown with the system error as its cause. Checked against a plain node:http server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../src/http-request.js';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

test('a GET answers with status, headers and the whole body, in pieces or as JSON', async () => {
  const big = Buffer.alloc(300_000, 7);
  const [server, url] = await serve((req, res) => {
    if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url === '/json' ? '{"a":[1,2]}' : big);
  });
  try {
    const json = await httpRequest(`${url}/json`, { timeoutMs: 5000 });
    assert.equal(json.status, 200);
    assert.equal(json.ok, true);
    assert.equal(json.headers.get('Content-Type'), 'application/json');
    assert.equal(json.headers.get('x-absent'), null);
    assert.deepEqual(await json.json(), { a: [1, 2] });
    const bytes = await httpRequest(`${url}/big`, { timeoutMs: 5000 });
    let total = 0;
    for await (const chunk of bytes.body) total += chunk.length;
    assert.equal(total, big.length);
  } finally {
    await close(server);
  }
});

test('a POST sends its body and headers; a 4xx is an answer, not a failure', async () => {
  const [server, url] = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ got: Buffer.concat(chunks).toString(), type: req.headers['x-t'] }));
    });
  });
  try {
    const answer = await httpRequest(url, {
      method: 'POST',
      headers: { 'x-t': 'yes' },
      body: '{"q":1}',
      timeoutMs: 5000,
    });
    assert.equal(answer.status, 409);
    assert.equal(answer.ok, false);
    assert.deepEqual(await answer.json(), { got: '{"q":1}', type: 'yes' });
  } finally {
    await close(server);
  }
});

test('a server that does not answer in time fails the request with a TimeoutError cause', async () => {
  const [server, url] = await serve(() => undefined);
  try {
    const failure = await httpRequest(url, { timeoutMs: 200 }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.equal(failure?.message, 'fetch failed');
    assert.equal((failure?.cause as Error).name, 'TimeoutError');
  } finally {
    await close(server);
  }
});

test('a body that stops arriving fails its reading once the time is up', async () => {
  const [server, url] = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('x'.repeat(10));
  });
  try {
    const answer = await httpRequest(url, { timeoutMs: 300 });
    await assert.rejects(answer.text());
  } finally {
    await close(server);
  }
});

test('a refused connection fails with the system error as its cause', async () => {
  const [server, url] = await serve(() => undefined);
  await close(server);
  const failure = await httpRequest(url, { timeoutMs: 5000 }).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  assert.equal((failure?.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('cancelling a body closes the connection without reading the rest', async () => {
  let closed = false;
  const [server, url] = await serve((_req, res) => {
    res.on('close', () => (closed = true));
    res.writeHead(200);
    res.write('start');
  });
  try {
    const answer = await httpRequest(url, { timeoutMs: 5000 });
    await answer.body.cancel();
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(closed, true);
  } finally {
    await close(server);
  }
});
