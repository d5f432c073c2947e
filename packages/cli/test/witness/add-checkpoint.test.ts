import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MerkleTree,
  formatAddCheckpoint,
  generateNoteKeys,
  keyTransitionLine,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
} from '@patchcast/core';
import type { Checkpoint, LogIdentity } from '@patchcast/core';
import { keyTransitionOf, readSubmission } from '../../src/witness/add-checkpoint.js';

const signer = parseSignerKey(generateNoteKeys('example.com/log').signerKey);
const log: LogIdentity = { origin: signer.name, verifiers: [parseVerifierKey(signer.verifierKey)] };
const logs = new Map([[log.origin, log]]);

function tree(count: number): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < count; i += 1) t.append(new Uint8Array([i]));
  return t;
}

function note(size: number, rootHash = tree(size).root()): string {
  return signCheckpoint({ origin: log.origin, size, rootHash, extensions: [] }, [signer]);
}

function status(body: string | Uint8Array, last?: Checkpoint): number {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const submission = readSubmission(bytes, logs);
  return 'status' in submission ? submission.status : submission.judge(last).status;
}

const at = (size: number): Checkpoint => parseCheckpoint(parseNote(note(size)).text);

test('C2SP tlog-witness: the empty tree, proofs from 0, equal sizes', () => {
  assert.equal(status(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note(0) })), 200);
  const badEmpty = note(0, new Uint8Array(32).fill(1));
  assert.equal(status(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: badEmpty })), 422);
  const proof = tree(5).consistencyProof(2, 5);
  assert.equal(status(formatAddCheckpoint({ oldSize: 0, proof, checkpoint: note(5) })), 422);
  assert.equal(
    status(formatAddCheckpoint({ oldSize: 5, proof: [], checkpoint: note(5) }), at(5)),
    200,
  );
  assert.equal(
    status(
      formatAddCheckpoint({ oldSize: 5, proof: [new Uint8Array(32)], checkpoint: note(5) }),
      at(5),
    ),
    422,
  );
  assert.equal(status(formatAddCheckpoint({ oldSize: 2, proof, checkpoint: note(5) }), at(2)), 200);
  assert.equal(status(formatAddCheckpoint({ oldSize: 2, proof, checkpoint: note(5) }), at(3)), 409);
});

test('hostile bodies are refused with 400, never a crash', () => {
  const good = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note(3) });
  for (const body of [
    '',
    '\n\n',
    good.replace('old 0', 'old -1'),
    good.replace('old 0', 'old 99999999999999999999'),
    good.replace(/\n\n(?=example)/, '\n'),
    good.replace('\u2014', '-'),
    `${good}\u0007`,
    good.replace('example.com/log\n3\n', 'example.com/log\n03\n'),
  ]) {
    assert.equal(status(body), 400, JSON.stringify(body.slice(0, 40)));
  }
  assert.equal(status(new Uint8Array([0x6f, 0x6c, 0x64, 0x20, 0xff, 0x0a, 0x0a])), 400);
});

test('ADR 0028: a key transition is cosigned only if the key in force and the new key signed it', () => {
  const next = parseSignerKey(generateNoteKeys(log.origin).signerKey);
  const intruder = parseSignerKey(generateNoteKeys(log.origin).signerKey);
  const judged = (previous: string, nextKey: string, signers: (typeof signer)[]) => {
    const extensions = [keyTransitionLine(previous, nextKey)];
    const body = signCheckpoint(
      { origin: log.origin, size: 3, rootHash: tree(3).root(), extensions },
      signers,
    );
    const submission = readSubmission(
      new TextEncoder().encode(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: body })),
      logs,
    );
    assert.ok(!('status' in submission));
    const verdict = submission.judge(undefined);
    assert.equal(verdict.status, 200);
    return keyTransitionOf(verdict, log);
  };
  const good = judged(signer.verifierKey, next.verifierKey, [signer, next]);
  assert.ok(good !== undefined && !('status' in good));
  assert.equal(good.next.verifierKey, next.verifierKey);
  const unvouched = judged(signer.verifierKey, next.verifierKey, [signer]);
  assert.equal(unvouched !== undefined && 'status' in unvouched && unvouched.status, 403);
  const foreign = judged(intruder.verifierKey, next.verifierKey, [signer, intruder, next]);
  assert.equal(foreign !== undefined && 'status' in foreign && foreign.status, 403);
});
