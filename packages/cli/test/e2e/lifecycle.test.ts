import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

test('the server stops cleanly on SIGTERM, keeps its state, and agents reconnect by themselves', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    const server = await h.startServer(dataDir);
    const firstUrl = h.server;
    const token = h.token;
    await h.startAgent('steady');
    assert.equal(await server.stop('SIGTERM'), 0, 'SIGTERM exits 0');

    const port = new URL(firstUrl).port;
    const { proc, match } = await h.start(
      ['server', '--data', dataDir, '--listen', `127.0.0.1:${port}`],
      /listening on (http:\/\/\S+)/,
    );
    assert.equal(match[1], firstUrl);
    assert.doesNotMatch(
      proc.output(),
      /Initial admin token/,
      'the admin token is made once per database',
    );
    assert.equal((await readFile(join(dataDir, 'initial-admin-token'), 'utf8')).trim(), token);

    await eventually(async () => {
      const { devices } = await h.cliJson<{ devices: { online: boolean }[] }>(['devices']);
      return devices[0]?.online === true ? true : undefined;
    }, 'the agent to reconnect after the restart');

    const source = await writePatchSource(join(h.dir, 'src'), { 'etc/after-restart': 'ok\n' });
    await h.cliJson([
      'publish',
      source,
      '--name',
      'after-restart',
      '--version',
      '1',
      '--key',
      join(dataDir, 'keys/targets.key'),
    ]);
    const started = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'after-restart@1',
      '--devices',
      'all',
    ]);
    const done = await h.cliJson<{ state: string }>(['rollout', 'status', started.id, '--watch']);
    assert.equal(done.state, 'completed');
    assert.equal(
      await readFile(join(h.agentDirs('steady').root, 'etc/after-restart'), 'utf8'),
      'ok\n',
    );
  } finally {
    await h.close();
  }
});
