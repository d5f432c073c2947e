import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseCheckpoint,
  parseCosignatureVerifierKey,
  parseNote,
  verifyCosignatures,
} from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { editDatabase, publishFile, restartServer, rollOut } from './log-helpers.js';

/** The cosignatures of `vkeyFile`'s witness on the server's current checkpoint. */
async function cosignaturesOnCheckpoint(h: Harness, vkeyFile: string): Promise<number> {
  const witness = parseCosignatureVerifierKey(await readFile(vkeyFile, 'utf8'));
  const client = new PatchcastClient({ server: h.server });
  const note = parseNote(new TextDecoder().decode(await client.publicFile('/log/checkpoint')));
  return verifyCosignatures(note.text, note.signatures, [witness]).length;
}

async function checkpointSize(h: Harness): Promise<number> {
  const client = new PatchcastClient({ server: h.server });
  const note = parseNote(new TextDecoder().decode(await client.publicFile('/log/checkpoint')));
  return parseCheckpoint(note.text).size;
}

test('an agent requiring one witness installs while it cosigns, and refuses when it is down or shown a fork', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    let server = await h.startServer(dataDir);
    const { log } = await new PatchcastClient({ server: h.server, token: h.token }).status();
    const key = join(h.dir, 'witness.key');
    const vkey = `${key}.vkey`;
    assert.equal(
      (await h.cli(['witness', 'keygen', '--name', 'witness.test/w1', '--out', key])).code,
      0,
    );
    const startWitness = async (port: string): Promise<{ proc: Proc; url: string }> => {
      const args = ['witness', '--key', key, '--state', join(h.dir, 'witness-state')];
      const logKey = join(dataDir, 'keys/log.pub');
      const { proc, match } = await h.start(
        [...args, '--listen', `127.0.0.1:${port}`, '--log', logKey],
        /listening on (http:\/\/\S+)/,
      );
      return { proc, url: match[1] ?? '' };
    };
    let witness = await startWitness('0');
    const witnessFlag = ['--witness', `${witness.url}=${vkey}`];
    server = await restartServer(h, server, dataDir, witnessFlag);
    const requireWitness = ['--log-key', log.key, '--witness', vkey, '--witness-threshold', '1'];
    const alpha = await h.startAgent('alpha', [], requireWitness);

    // The witness runs: the publication's checkpoint is cosigned and the agent installs.
    await publishFile(h, 'app', '1');
    assert.equal((await rollOut(h, 'app@1')).state, 'completed');
    assert.match(alpha.output(), /app@1/);
    await eventually(
      async () => ((await cosignaturesOnCheckpoint(h, vkey)) === 1 ? true : undefined),
      'the served checkpoint to carry the witness cosignature',
    );

    // The witness is down: publishing still works, the agent refuses what no witness cosigned.
    const port = new URL(witness.url).port;
    await witness.proc.stop('SIGTERM');
    await publishFile(h, 'tool', '1');
    const unwitnessed = await rollOut(h, 'tool@1');
    assert.equal(unwitnessed.devices[0]?.error?.code, 'SECURITY_WITNESS_MISSING');
    assert.match(alpha.output(), /tool@1: REFUSED: SECURITY_WITNESS_MISSING/);
    assert.match(server.output(), /witness witness\.test\/w1 did not cosign/);

    // Back on its port with its state: the server catches it up, and installs resume.
    witness = await startWitness(port);
    await publishFile(h, 'app', '2');
    assert.equal((await rollOut(h, 'app@2')).state, 'completed');
    // What was published while it was down is proven against a later, cosigned checkpoint.
    assert.equal((await rollOut(h, 'tool@1')).state, 'completed');
    const cosigned = /cosigned \S+ at size (\d+)/g;
    const sizes = [...witness.proc.output().matchAll(cosigned)].map((m) => Number(m[1]));
    const witnessed = Math.max(...sizes);

    // A forked log: the same key and origin, another history. The witness refuses to cosign it,
    // so an agent that never saw the honest log (and one that did) refuses its publications.
    await server.stop('SIGTERM');
    editDatabase(dataDir, (db) =>
      db.exec('DELETE FROM log_entries; DELETE FROM log_leaf_hashes; DELETE FROM log_checkpoints'),
    );
    server = await restartServer(h, server, dataDir, witnessFlag);
    const beta = await h.startAgent('beta', [], requireWitness);
    // Grow the fork past the witness's size, so that it is judged on a consistency proof.
    for (let i = 0; i < 20 && (await checkpointSize(h)) <= witnessed; i += 1) {
      await publishFile(h, 'filler', String(i));
    }
    await publishFile(h, 'app', '3');
    const forked = await rollOut(h, 'app@3');
    assert.deepEqual(
      forked.devices.map((d) => d.error?.code),
      ['SECURITY_WITNESS_MISSING', 'SECURITY_WITNESS_MISSING'],
    );
    assert.match(beta.output(), /app@3: REFUSED: SECURITY_WITNESS_MISSING/);
    assert.equal(await cosignaturesOnCheckpoint(h, vkey), 0);
    assert.match(witness.proc.output(), /refused a checkpoint for patchcast\/\S+ \(422\)/);
  } finally {
    await h.close();
  }
});
