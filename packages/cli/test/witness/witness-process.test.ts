import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MerkleTree,
  formatAddCheckpoint,
  generateNoteKeys,
  parseCosignatureLines,
  parseCosignatureVerifierKey,
  parseNote,
  parseSignerKey,
  signCheckpoint,
  verifyCosignatures,
} from '@patchcast/core';
import type { Ed25519NoteSigner } from '@patchcast/core';
import { Harness } from '../harness.js';
import type { Proc } from '../harness.js';

const ORIGIN = 'example.com/witnessed-log';

function treeOf(count: number, salt = 0): MerkleTree {
  const tree = new MerkleTree();
  for (let i = 0; i < count; i += 1) tree.append(new Uint8Array([salt, i]));
  return tree;
}

function checkpointOf(tree: MerkleTree, signer: Ed25519NoteSigner, size = tree.size): string {
  return signCheckpoint({ origin: signer.name, size, rootHash: tree.root(size), extensions: [] }, [
    signer,
  ]);
}

async function post(url: string, body: string) {
  const response = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
  };
}

test('patchcast witness: cosigns, refuses forks and bad requests with the C2SP statuses, and persists', async () => {
  const h = await Harness.create();
  try {
    const keyFile = join(h.dir, 'witness.key');
    const made = await h.cliJson<{ vkeyFile: string; verifierKey: string }>([
      'witness',
      'keygen',
      '--name',
      'witness.test/w1',
      '--out',
      keyFile,
    ]);
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    const vkey = parseCosignatureVerifierKey(await readFile(made.vkeyFile, 'utf8'));
    assert.equal(vkey.verifierKey, made.verifierKey);
    const twice = await h.cli(['witness', 'keygen', '--name', 'again', '--out', keyFile]);
    assert.notEqual(twice.code, 0);
    assert.match(twice.stderr, /CONFLICT/);
    const log = parseSignerKey(generateNoteKeys(ORIGIN).signerKey);
    const impostor = parseSignerKey(generateNoteKeys(ORIGIN).signerKey);
    const other = parseSignerKey(generateNoteKeys('example.com/other-log').signerKey);
    await writeFile(join(h.dir, 'log.vkey'), `${log.verifierKey}\n`);
    const state = join(h.dir, 'state');
    const start = async (): Promise<{ proc: Proc; url: string }> => {
      const args = ['witness', '--key', keyFile, '--state', state, '--listen', '127.0.0.1:0'];
      const { proc, match } = await h.start(
        [...args, '--log', join(h.dir, 'log.vkey')],
        /listening on (http:\/\/\S+)/,
      );
      return { proc, url: match[1] ?? '' };
    };
    let witness = await start();
    const tree = treeOf(10);
    const cosignedBy = (note: string, answer: { status: number; body: string }) => {
      assert.equal(answer.status, 200, answer.body);
      const lines = parseCosignatureLines(note, answer.body);
      return verifyCosignatures(parseNote(note).text, lines, [vkey]);
    };

    // A first checkpoint: old size 0, no proof.
    const first = checkpointOf(tree, log, 4);
    const one = await post(
      witness.url,
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: first }),
    );
    assert.equal(cosignedBy(first, one).length, 1);

    // A stale old size: 409 with the size it cosigned, as text/x.tlog.size.
    const second = checkpointOf(tree, log, 10);
    const stale = await post(
      witness.url,
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: second }),
    );
    assert.deepEqual([stale.status, stale.type, stale.body], [409, 'text/x.tlog.size', '4\n']);

    // A wrong proof (422), then the right one (200).
    const wrong = treeOf(10, 1).consistencyProof(4, 10);
    const bad = await post(
      witness.url,
      formatAddCheckpoint({ oldSize: 4, proof: wrong, checkpoint: second }),
    );
    assert.equal(bad.status, 422);
    const proof = tree.consistencyProof(4, 10);
    const two = await post(
      witness.url,
      formatAddCheckpoint({ oldSize: 4, proof, checkpoint: second }),
    );
    assert.equal(cosignedBy(second, two).length, 1);

    // A fork: another history of the same log, properly signed by the log key, extending size 4
    // of its own: the witness refuses it, whatever proof comes with it.
    const fork = treeOf(12, 2);
    const forked = checkpointOf(fork, log);
    const refused = await post(
      witness.url,
      formatAddCheckpoint({
        oldSize: 10,
        proof: fork.consistencyProof(10, 12),
        checkpoint: forked,
      }),
    );
    assert.equal(refused.status, 422);
    const sameSize = checkpointOf(fork, log, 10);
    const split = await post(
      witness.url,
      formatAddCheckpoint({ oldSize: 10, proof: [], checkpoint: sameSize }),
    );
    assert.equal(split.status, 422);

    // Wrong log key (403), unknown log (404), old size beyond the checkpoint (400), garbage (400).
    const foreign = checkpointOf(tree, impostor, 10);
    assert.equal(
      (
        await post(
          witness.url,
          formatAddCheckpoint({ oldSize: 10, proof: [], checkpoint: foreign }),
        )
      ).status,
      403,
    );
    const unknown = checkpointOf(tree, other, 10);
    assert.equal(
      (await post(witness.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: unknown })))
        .status,
      404,
    );
    assert.equal(
      (await post(witness.url, formatAddCheckpoint({ oldSize: 11, proof: [], checkpoint: second })))
        .status,
      400,
    );
    assert.equal((await post(witness.url, 'old 1\n\nnot a note\n')).status, 400);
    assert.match(
      witness.proc.output(),
      /refused a checkpoint for example\.com\/witnessed-log \(422\)/,
    );

    // Restart: it remembers size 10, serves its cosigned checkpoint to monitors, and still
    // refuses the fork.
    await witness.proc.stop('SIGTERM');
    witness = await start();
    const again = await post(
      witness.url,
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: second }),
    );
    assert.deepEqual([again.status, again.body], [409, '10\n']);
    const hash = createHash('sha256').update(ORIGIN).digest('hex');
    const monitored = await fetch(`${witness.url}/${hash}/checkpoint`);
    const note = await monitored.text();
    assert.equal(monitored.status, 200);
    assert.equal(
      verifyCosignatures(parseNote(note).text, parseNote(note).signatures, [vkey]).length,
      1,
    );
    assert.equal(parseNote(note).text, parseNote(second).text);
    const afterRestart = await post(
      witness.url,
      formatAddCheckpoint({
        oldSize: 10,
        proof: fork.consistencyProof(10, 12),
        checkpoint: forked,
      }),
    );
    assert.equal(afterRestart.status, 422);
    const third = checkpointOf(treeOf(12), log);
    const three = await post(
      witness.url,
      formatAddCheckpoint({
        oldSize: 10,
        proof: treeOf(12).consistencyProof(10, 12),
        checkpoint: third,
      }),
    );
    assert.equal(cosignedBy(third, three).length, 1);
  } finally {
    await h.close();
  }
});
