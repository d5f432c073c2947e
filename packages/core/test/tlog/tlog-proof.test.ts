import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SecurityError } from '../../src/errors.js';
import type { LogIdentity } from '../../src/tlog/index.js';
import {
  MerkleTree,
  TLOG_PROOF_HEADER,
  ed25519NoteSigner,
  formatTlogProof,
  leafHash,
  parseTlogProof,
  parseVerifierKey,
  signCheckpoint,
  verifyTlogProof,
} from '../../src/tlog/index.js';

const ORIGIN = 'patchcast.example/log';
const signer = ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(5));
const log: LogIdentity = { origin: ORIGIN, verifiers: [parseVerifierKey(signer.verifierKey)] };
const entries = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`event ${i}`));
const tree = new MerkleTree();
for (const entry of entries) tree.append(entry);

function checkpointAt(size: number, origin = ORIGIN): string {
  return signCheckpoint({ origin, size, rootHash: tree.root(size), extensions: [] }, [signer]);
}

function proofFor(index: number, size: number, extra?: Uint8Array): string {
  const hashes = tree.inclusionProof(index, size);
  return formatTlogProof({ index, hashes, checkpoint: checkpointAt(size), extra });
}

function rejected(proof: string, index = 7): void {
  assert.throws(
    () => verifyTlogProof(proof, { leafHash: leafHash(entries[index] as Uint8Array), log }),
    SecurityError,
  );
}

test('honest proofs verify for every entry of several tree sizes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, pick) => {
      const index = pick % size;
      const leaf = leafHash(entries[index] as Uint8Array);
      const verified = verifyTlogProof(proofFor(index, size), { leafHash: leaf, log });
      assert.equal(verified.index, index);
      assert.equal(verified.checkpoint.size, size);
      assert.equal(verified.extra, undefined);
    }),
    { numRuns: 60 },
  );
});

test('the text layout is header, extra, index, hashes, blank line, checkpoint', () => {
  const extra = new TextEncoder().encode('age-v1.2.1-darwin-arm64.tar.gz');
  const text = proofFor(5, 8, extra);
  const hashes = tree.inclusionProof(5, 8).map((h) => Buffer.from(h).toString('base64'));
  const head = [TLOG_PROOF_HEADER, `extra ${Buffer.from(extra).toString('base64')}`, 'index 5'];
  assert.equal(text, `${[...head, ...hashes].join('\n')}\n\n${checkpointAt(8)}`);
  const parsed = parseTlogProof(text);
  assert.equal(formatTlogProof(parsed), text);
  const verified = verifyTlogProof(new TextEncoder().encode(text), {
    leafHash: leafHash(entries[5] as Uint8Array),
    log,
  });
  assert.deepEqual(verified.extra, extra);
  const single = proofFor(0, 1);
  assert.ok(single.startsWith(`${TLOG_PROOF_HEADER}\nindex 0\n\n${ORIGIN}\n1\n`));
});

test('a proof for another entry, tree or log is refused', () => {
  const honest = proofFor(7, 100);
  rejected(honest, 8);
  rejected(honest.replace('index 7', 'index 6'));
  rejected(honest.replace(checkpointAt(100), checkpointAt(101)));
  const other = ed25519NoteSigner('other.example/log', new Uint8Array(32).fill(6));
  const foreign = signCheckpoint(
    { origin: 'other.example/log', size: 100, rootHash: tree.root(100), extensions: [] },
    [other],
  );
  rejected(honest.replace(checkpointAt(100), foreign));
  const hashes = tree.inclusionProof(7, 100);
  const flipped = hashes.map((h, i) => (i === 2 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
  rejected(formatTlogProof({ index: 7, hashes: flipped, checkpoint: checkpointAt(100) }));
  rejected(formatTlogProof({ index: 7, hashes: hashes.slice(1), checkpoint: checkpointAt(100) }));
});

test('malformed proof texts are refused', () => {
  const honest = proofFor(7, 100);
  const [header, index, firstHash = ''] = honest.split('\n');
  const rest = honest.slice(`${header}\n${index}\n`.length);
  const bad = [
    honest.replace(TLOG_PROOF_HEADER, 'c2sp.org/tlog-proof@v2'),
    honest.replace(TLOG_PROOF_HEADER, 'wrong-header'),
    `${header}\nextra !!notbase64!!\n${index}\n${rest}`,
    `${header}\nextra\n${index}\n${rest}`,
    `${header}\n${rest}`,
    `${header}\nindex 07\n${rest}`,
    `${header}\nindex -5\n${rest}`,
    `${header}\nindex notanumber\n${rest}`,
    `${header}\nindex  7\n${rest}`,
    `${header}\nindex 7 \n${rest}`,
    `${header}\n${index}\nextra AAAA\n${rest}`,
    honest.replace(firstHash, `${firstHash} `),
    honest.replace(firstHash, firstHash.slice(0, -1)),
    honest.replace(firstHash, Buffer.alloc(64).toString('base64')),
    honest.replace('\n\n', '\n'),
    `${header}\n${index}\n${`${firstHash}\n`.repeat(65)}\n${checkpointAt(100)}`,
    `${header}\r\n${index}\r\n${rest}`,
    `${header}\n${index}\n\n`,
    `${honest.slice(0, 200)}${'x'.repeat(300_000)}`,
  ];
  for (const text of bad) rejected(text);
  assert.throws(
    () => verifyTlogProof(Uint8Array.of(0xff), { leafHash: new Uint8Array(32), log }),
    SecurityError,
  );
});
