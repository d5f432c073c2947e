import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateNoteKeys, parseVerifierKey } from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import {
  editDatabase,
  logEvents,
  publishFile,
  restartServer,
  rollOut,
  securityEvents,
} from './log-helpers.js';

test('a server that swaps its log key or rewrites its history is refused, and the split view raised', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    let server = await h.startServer(dataDir);
    const agent = await h.startAgent('alpha');
    const { log } = await new PatchcastClient({ server: h.server, token: h.token }).status();
    await publishFile(h, 'app', '1');
    assert.equal((await rollOut(h, 'app@1')).state, 'completed');

    // A compromised server signs with a key of its own (and drops the checkpoints it cannot sign).
    await server.stop('SIGTERM');
    const original = await readFile(join(dataDir, 'keys/log.key'), 'utf8');
    const swapped = generateNoteKeys(parseVerifierKey(log.key).name);
    await writeFile(join(dataDir, 'keys/log.key'), `${swapped.signerKey}\n`, { mode: 0o600 });
    // It also rewrites the key set recorded at the first start, which would refuse the new key.
    editDatabase(dataDir, (db) =>
      db.exec("DELETE FROM log_checkpoints; DELETE FROM settings WHERE key = 'keyset'"),
    );
    server = await restartServer(h, server, dataDir);
    await publishFile(h, 'app', '2');
    const refused = await rollOut(h, 'app@2');
    assert.equal(refused.devices[0]?.error?.code, 'SECURITY_SIGNATURE_INVALID');
    assert.match(agent.output(), /app@2: REFUSED: SECURITY_SIGNATURE_INVALID/);
    assert.equal(securityEvents(await logEvents(h.server), 'foreign-checkpoint').length, 1);

    // With the right key back, it rewrites history: the same publications, another tree.
    await server.stop('SIGTERM');
    await writeFile(join(dataDir, 'keys/log.key'), original, { mode: 0o600 });
    editDatabase(dataDir, (db) =>
      db.exec(
        "DELETE FROM log_entries; DELETE FROM log_leaf_hashes; DELETE FROM log_checkpoints; DELETE FROM settings WHERE key = 'keyset'",
      ),
    );
    server = await restartServer(h, server, dataDir);
    const split = await eventually(async () => {
      const found = securityEvents(await logEvents(h.server), 'split-view');
      return found.length > 0 ? found : undefined;
    }, 'the agent to report its checkpoint on reconnect');
    assert.equal(
      split[0]?.type === 'security-event' && split[0].deviceId?.startsWith('dev_'),
      true,
    );
    await publishFile(h, 'app', '3');
    const forked = await rollOut(h, 'app@3');
    assert.equal(forked.devices[0]?.error?.code, 'SECURITY_PROOF_INVALID');
    assert.match(agent.output(), /app@3: REFUSED: SECURITY_PROOF_INVALID/);
  } finally {
    await h.close();
  }
});
