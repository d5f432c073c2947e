import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastClient } from '@patchcast/protocol';
import { Harness } from '../harness.js';
import {
  agentFileExists,
  editDatabase,
  logEvents,
  publishFile,
  restartServer,
  rollOut,
  securityEvents,
} from './log-helpers.js';

test('agents install patches proven in the log, refuse a tampered entry, and install after repair', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    let server = await h.startServer(dataDir);
    const { log } = await new PatchcastClient({ server: h.server, token: h.token }).status();
    const agent = await h.start(
      ['agent', '--server', h.server, '--data', h.agentDirs('alpha').data]
        .concat(['--root', h.agentDirs('alpha').root, '--name', 'alpha'])
        .concat(['--enroll', await h.enrollToken(), '--log-key', log.key]),
      /connected to /,
    );
    assert.doesNotMatch(agent.proc.output(), /no --log-key given/, 'the key came out of band');

    await publishFile(h, 'app', '1');
    assert.equal((await rollOut(h, 'app@1')).state, 'completed', 'a valid proof installs');
    assert.ok(await agentFileExists(h, 'alpha', 'app'));
    const checkpoint = await readFile(join(h.agentDirs('alpha').data, 'log/checkpoint'), 'utf8');
    assert.match(checkpoint, /^patchcast\/[0-9a-f]{16}\n\d+\n/);

    await publishFile(h, 'app', '2');
    let original: Buffer = Buffer.alloc(0);
    await server.stop('SIGTERM');
    editDatabase(dataDir, (db) => {
      const where = "WHERE subject = 'patch:app@2'";
      original = db.prepare<[], { leaf: Buffer }>(`SELECT leaf FROM log_entries ${where}`).get()
        ?.leaf as Buffer;
      const forged = original.toString().replace('"by":"initial-admin"', '"by":"someone-else"');
      db.prepare(`UPDATE log_entries SET leaf = ? ${where}`).run(Buffer.from(forged));
    });
    server = await restartServer(h, server, dataDir);
    const refused = await rollOut(h, 'app@2');
    assert.equal(refused.state, 'completed-with-failures');
    assert.equal(refused.devices[0]?.error?.code, 'SECURITY_PROOF_INVALID');
    assert.match(agent.proc.output(), /app@2: REFUSED: SECURITY_PROOF_INVALID/);
    assert.equal(await readFile(join(h.agentDirs('alpha').root, 'etc/app'), 'utf8'), 'app 1\n');
    const raised = securityEvents(await logEvents(h.server), 'agent-refused');
    assert.equal(raised.length, 1, 'the refusal is itself in the log');

    await server.stop('SIGTERM');
    editDatabase(dataDir, (db) => {
      db.prepare("UPDATE log_entries SET leaf = ? WHERE subject = 'patch:app@2'").run(original);
    });
    server = await restartServer(h, server, dataDir);
    assert.equal((await rollOut(h, 'app@2')).state, 'completed', 'installs after repair');
    assert.equal(await readFile(join(h.agentDirs('alpha').root, 'etc/app'), 'utf8'), 'app 2\n');
  } finally {
    await h.close();
  }
});
