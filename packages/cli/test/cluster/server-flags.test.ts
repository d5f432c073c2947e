/** `patchcast server` cluster flags a user can get wrong: one clear line, a stable code, exit > 0. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';

function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('patchcast server: bus and lease flags', () => {
  let h: Harness;
  after(() => h.close());
  const server = (...flags: string[]) =>
    h.cli(['server', '--data', join(h.dir, 'server'), '--listen', '127.0.0.1:0', ...flags]);

  test('NATS that is not there: BUS_UNAVAILABLE naming the URL, with a hint', async () => {
    h = await Harness.create();
    const url = `nats://127.0.0.1:${await deadPort()}`;
    const result = await server('--bus', url);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[BUS_UNAVAILABLE\]: NATS at nats:\/\/127\.0\.0\.1:\d+/);
    assert.match(result.stderr, /hint: start nats-server with JetStream/);
  });

  test('a bus that is neither memory nor nats:// is CONFIG_INVALID', async () => {
    const result = await server('--bus', 'redis://127.0.0.1:6379');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error\[CONFIG_INVALID\]: unknown bus "redis:\/\/127\.0\.0\.1:6379"/,
    );
  });

  test('a node id NATS cannot name a consumer after is CONFIG_INVALID', async () => {
    const result = await server('--bus', 'nats://127.0.0.1:1', '--node-id', 'node.one');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[CONFIG_INVALID\]: node id "node\.one" is not allowed/);
  });

  test('a node-id file in the data dir that holds no id is CONFIG_INVALID naming it', async () => {
    const data = join(h.dir, 'server');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'node-id'), 'node.one\n');
    const result = await server('--bus', 'nats://127.0.0.1:1');
    await rm(join(data, 'node-id'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[CONFIG_INVALID\]: \S+node-id does not hold a node id/);
    assert.match(result.stderr, /hint: .*remove it to get a new one/);
  });

  test('--lease-seconds out of range is a usage error', async () => {
    for (const value of ['1', '0', 'ten', '99999']) {
      const result = await server('--lease-seconds', value);
      assert.equal(result.code, 2, value);
      assert.match(result.stderr, /error\[USAGE\]: --lease-seconds must be a whole number/);
    }
  });

  test('--bus-stream with characters NATS refuses is CONFIG_INVALID', async () => {
    const result = await server('--bus', 'nats://127.0.0.1:1', '--bus-stream', 'a.b');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[CONFIG_INVALID\]: stream name "a\.b" is not allowed/);
  });
});
