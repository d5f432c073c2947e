/**
 * Byte ranges on a real `patchcast server`, and the agent's downloader resuming through a proxy
 * that cuts the first response mid-body.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { downloadToFile } from '@patchcast/agent';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

/** Forwards to `port`; the first connection is cut after `cutAfter` bytes of response. */
async function cuttingProxy(
  port: number,
  cutAfter: number,
): Promise<{ server: Server; port: number }> {
  let connections = 0;
  const server = createServer((client: Socket) => {
    const first = connections++ === 0;
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream);
    let forwarded = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (first && forwarded + chunk.length > cutAfter) {
        client.write(chunk.subarray(0, cutAfter - forwarded), () => client.destroy());
        upstream.destroy();
        forwarded = cutAfter;
        return;
      }
      forwarded += chunk.length;
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

describe('target downloads resume with byte ranges', () => {
  let h: Harness;
  let url = '';
  let bytes: Buffer;
  before(async () => {
    h = await Harness.create();
    await h.startServer();
    const noise = randomBytes(300_000).toString('base64');
    const source = await writePatchSource(join(h.dir, 'src'), { 'opt/big.txt': noise });
    const { sha256 } = await h.publish(source, 'big', '1.0.0');
    url = `${h.server}/tuf/targets/big/1.0.0/${sha256}.bundle.tar`;
    const whole = await fetch(url);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256);
  });
  after(() => h.close());

  test('the server answers 206 for a range and 416 past the end', async () => {
    const tail = await fetch(url, { headers: { range: 'bytes=1000-' } });
    assert.equal(tail.status, 206);
    assert.equal(
      tail.headers.get('content-range'),
      `bytes 1000-${bytes.length - 1}/${bytes.length}`,
    );
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(1000));
    const suffix = await fetch(url, { headers: { range: 'bytes=-10' } });
    assert.equal(suffix.status, 206);
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), bytes.subarray(bytes.length - 10));
    const middle = await fetch(url, { headers: { range: 'bytes=5-9' } });
    assert.deepEqual(Buffer.from(await middle.arrayBuffer()), bytes.subarray(5, 10));
    const past = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${bytes.length}`);
    await past.body?.cancel();
    const many = await fetch(url, { headers: { range: 'bytes=0-1,5-6' } });
    assert.equal(many.status, 200);
    await many.body?.cancel();
  });

  test('the agent downloader resumes a cut download from the real server', async () => {
    const port = Number(new URL(h.server).port);
    const proxy = await cuttingProxy(port, 120_000);
    try {
      const proxied = url.replace(h.server, `http://127.0.0.1:${proxy.port}`);
      const file = join(h.dir, 'download.tar');
      const result = await downloadToFile(proxied, file, {
        maxLength: bytes.length,
        baseDelayMs: 5,
      });
      assert.equal(result?.requests, 2);
      assert.deepEqual(await readFile(file), bytes);
    } finally {
      proxy.server.close();
    }
  });
});
