/** `patchcast server` on a taken port fails before it makes its data folder or a token. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

test('a busy port: ADDRESS_IN_USE with a hint, no data folder, no token printed', async () => {
  const h = await Harness.create();
  const { server, port } = await occupy();
  try {
    const data = join(h.dir, 'fresh-data');
    const result = await h.cli(['server', '--data', data, '--listen', `127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `error\\[ADDRESS_IN_USE\\]: another process already listens on 127\\.0\\.0\\.1:${port}`,
      ),
    );
    assert.match(result.stderr, /hint: stop it, or pick another address with --listen HOST:PORT/);
    assert.doesNotMatch(result.stderr, /Initial admin token|development key set/);
    await assert.rejects(access(data), { code: 'ENOENT' }, 'the data folder was not created');
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  }
});
