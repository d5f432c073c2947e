import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MerkleTree,
  SecurityError,
  followKeyChain,
  generateNoteKeys,
  keyInForce,
  keyTransitionLine,
  openChainedCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  formatCheckpoint,
  updateKeyChain,
} from '../../src/index.js';
import type { Ed25519NoteSigner } from '../../src/index.js';

const ORIGIN = 'example.com/log';
const key = (): Ed25519NoteSigner => parseSignerKey(generateNoteKeys(ORIGIN).signerKey);
const verifier = (k: Ed25519NoteSigner) => parseVerifierKey(k.verifierKey);

function root(size: number): Uint8Array {
  const tree = new MerkleTree();
  for (let i = 0; i < size; i += 1) tree.append(new Uint8Array([i]));
  return tree.root();
}

function checkpoint(size: number, signers: Ed25519NoteSigner[], extensions: string[] = []): string {
  return signCheckpoint({ origin: ORIGIN, size, rootHash: root(size), extensions }, signers);
}

function transition(
  size: number,
  from: Ed25519NoteSigner,
  to: Ed25519NoteSigner,
  signers = [from, to],
) {
  return checkpoint(size, signers, [keyTransitionLine(from.verifierKey, to.verifierKey)]);
}

const refusedWith = (code: string) => (error: unknown) =>
  error instanceof SecurityError && error.code === code;

test('a chain of two transitions: each key signs only its own sizes', () => {
  const [k0, k1, k2] = [key(), key(), key()];
  const notes = [transition(5, k0, k1), transition(9, k1, k2)];
  const chain = followKeyChain(verifier(k0), notes);
  assert.equal(keyInForce(chain).verifierKey, k2.verifierKey);
  assert.equal(openChainedCheckpoint(checkpoint(3, [k0]), chain).checkpoint.size, 3);
  assert.equal(openChainedCheckpoint(notes[0] as string, chain).checkpoint.size, 5);
  assert.equal(openChainedCheckpoint(checkpoint(7, [k1]), chain).checkpoint.size, 7);
  assert.equal(openChainedCheckpoint(checkpoint(12, [k2]), chain).checkpoint.size, 12);
  // The retired key cannot sign past its transition, nor the new key before it.
  assert.throws(
    () => openChainedCheckpoint(checkpoint(6, [k0]), chain),
    refusedWith('SECURITY_SIGNATURE_INVALID'),
  );
  assert.throws(
    () => openChainedCheckpoint(checkpoint(4, [k1]), chain),
    refusedWith('SECURITY_SIGNATURE_INVALID'),
  );
  // Trusting a later key of the chain accepts the same chain.
  assert.equal(keyInForce(followKeyChain(verifier(k1), notes)).verifierKey, k2.verifierKey);
});

test('forged transitions are SECURITY_KEY_ROTATION_INVALID', () => {
  const [k0, k1, intruder] = [key(), key(), key()];
  const chain = followKeyChain(verifier(k0), []);
  const refused = refusedWith('SECURITY_KEY_ROTATION_INVALID');
  // Signed only by the new key: the key in force did not authorise it.
  assert.throws(() => updateKeyChain(chain, [transition(5, k0, intruder, [intruder])]), refused);
  // Retiring a key that is not in force.
  assert.throws(() => updateKeyChain(chain, [transition(5, k1, intruder)]), refused);
  // Not vouched for by the new key.
  assert.throws(() => updateKeyChain(chain, [transition(5, k0, k1, [k0])]), refused);
  // A new key of another log.
  const other = parseSignerKey(generateNoteKeys('other.example/log').signerKey);
  const line = keyTransitionLine(k0.verifierKey, other.verifierKey);
  const text = formatCheckpoint({ origin: ORIGIN, size: 5, rootHash: root(5), extensions: [line] });
  assert.throws(() => updateKeyChain(chain, [signNote(text, [k0, other])]), refused);
  // A malformed transition line.
  assert.throws(
    () => updateKeyChain(chain, [checkpoint(5, [k0], ['patchcast-log-key nonsense'])]),
    refused,
  );
  // Transitions out of order.
  const next = updateKeyChain(chain, [transition(5, k0, k1)]);
  assert.throws(
    () => followKeyChain(verifier(k0), [transition(5, k0, k1), transition(5, k1, key())]),
    refused,
  );
  // A chain that does not contain the trusted key.
  assert.throws(() => followKeyChain(verifier(intruder), [transition(5, k0, k1)]), refused);
  // Already-known transitions are skipped, not re-applied.
  assert.equal(updateKeyChain(next, next.transitions).transitions.length, 1);
});
