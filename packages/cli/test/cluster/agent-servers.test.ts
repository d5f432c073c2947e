/**
 * An agent given several server URLs: real server and agent processes on loopback, no
 * PostgreSQL or NATS needed. The first URL is dead, so the agent reaches the server through the
 * next one; the list is kept in its data folder for starts without --server.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Harness } from '../harness.js';

/** A loopback port with nothing listening on it. */
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

describe('an agent with several server URLs', () => {
  let h: Harness;
  after(() => h.close());

  test('skips a dead URL, connects to the next, and keeps the list', async () => {
    h = await Harness.create();
    await h.startServer();
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const dirs = h.agentDirs('multi');
    const args = ['agent', '--data', dirs.data, '--root', dirs.root, '--name', 'multi'];
    const first = await h.start(
      [...args, '--server', dead, '--server', h.server, '--enroll', await h.enrollToken()],
      /connected to (http:\/\/[^\s]+)/,
    );
    assert.equal(first.match[1], h.server);
    assert.match(first.proc.output(), new RegExp(`retrying at ${h.server.replace(/\./g, '\\.')}`));
    const kept = JSON.parse(await readFile(join(dirs.data, 'servers.json'), 'utf8')) as unknown;
    assert.deepEqual(kept, { servers: [dead, h.server] });
    await first.proc.stop();

    const again = await h.start(args, /connected to (http:\/\/[^\s]+)/);
    assert.equal(again.match[1], h.server, 'a start without --server dials the kept list');
  });

  test('a malformed URL in the list is a usage error', async () => {
    const dirs = h.agentDirs('bad');
    const result = await h.cli([
      'agent',
      ...['--data', dirs.data, '--server', `${h.server},ftp://x`, '--enroll', 'whatever'],
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error\[USAGE\]/);
  });
});
