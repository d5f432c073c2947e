/** Root ceremonies: drafting root N+1, offline signing, and the successor check a server applies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TrustedMetadata,
  asSignedBytes,
  buildRoot,
  canonicalBytes,
  checkRootSuccessor,
  draftNextRoot,
  parseEnvelope,
  serializeEnvelope,
  signEnvelope,
  signRootDraft,
} from '../../src/index.js';
import type { Root, Signer } from '../../src/index.js';
import { makeSigners } from './fixture-keys.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const YEAR = new Date('2031-01-01T00:00:00Z');
const keysOf = (signers: readonly Signer[]) => signers.map((s) => s.key);

function genesis(rootSigners: readonly Signer[], other: readonly Signer[]): Root {
  const set = { keys: keysOf(other), threshold: 1 };
  return buildRoot(1, YEAR, {
    root: { keys: keysOf(rootSigners), threshold: 1 },
    targets: set,
    snapshot: set,
    timestamp: set,
  });
}

const [oldRoot, alice, bob, online, stranger] = [1, 1, 1, 1, 1].map(() => makeSigners(1));
if (!oldRoot || !alice || !bob || !online || !stranger) throw new Error('keys');
const previous = genesis(oldRoot, online);
const next = draftNextRoot(
  previous,
  { root: { keys: keysOf([...alice, ...bob]), threshold: 2 } },
  YEAR,
);
const parsed = (signatures = signEnvelope(next, []).signatures) =>
  ({ signed: next, signedBytes: canonicalBytes(next), signatures }) as const;

function signedBy(...holders: (readonly Signer[])[]) {
  let sigs = parsed().signatures;
  for (const holder of holders) sigs = [...sigs, ...signRootDraft(previous, parsed(sigs), holder)];
  return parsed(sigs);
}

test('draftNextRoot: version N+1, the root role replaced, the other roles carried over', () => {
  assert.equal(next.version, 2);
  assert.equal(next.roles.root.threshold, 2);
  assert.equal(next.roles.root.keyids.length, 2);
  assert.deepEqual(next.roles.targets, previous.roles.targets);
  assert.deepEqual(next.roles.timestamp, previous.roles.timestamp);
});

test('draftNextRoot refuses to drop the ML-DSA-65 keys of a role (a downgrade agents refuse)', () => {
  const classicalHolder = makeSigners(1, 'ed25519');
  assert.throws(
    () =>
      draftNextRoot(previous, { targets: { keys: keysOf(classicalHolder), threshold: 1 } }, YEAR),
    { code: 'ROOT_DRAFT_INVALID', message: /targets no ML-DSA-65 keys/ },
  );
});

test('draftNextRoot refuses a threshold larger than the keys given', () => {
  assert.throws(
    () => draftNextRoot(previous, { root: { keys: keysOf(alice), threshold: 2 } }, YEAR),
    { code: 'ROOT_DRAFT_INVALID' },
  );
});

test('signRootDraft: hybrid signatures by members of either root; strangers and repeats refused', () => {
  const once = signRootDraft(previous, parsed(), alice);
  assert.equal(once.length, 2, 'an Ed25519 and an ML-DSA-65 signature');
  assert.throws(() => signRootDraft(previous, parsed(once), alice), {
    code: 'ROOT_ALREADY_SIGNED',
  });
  assert.throws(() => signRootDraft(previous, parsed(), stranger), { code: 'ROOT_SIGNER_UNKNOWN' });
  assert.equal(signRootDraft(previous, parsed(), oldRoot).length, 2, 'the old root key may sign');
});

test('checkRootSuccessor needs the old threshold and the new one, PQ included', () => {
  assert.throws(() => checkRootSuccessor(previous, signedBy(alice, bob), NOW), {
    code: 'ROOT_THRESHOLD_UNMET',
    message: /current root v1/,
  });
  assert.throws(() => checkRootSuccessor(previous, signedBy(oldRoot, alice), NOW), {
    code: 'ROOT_THRESHOLD_UNMET',
    message: /its own root keys/,
  });
  const full = signedBy(oldRoot, alice, bob);
  checkRootSuccessor(previous, full, NOW);
  const stripped = parsed(full.signatures.filter((s) => s.sig.length < 200));
  assert.throws(() => checkRootSuccessor(previous, stripped, NOW), {
    code: 'ROOT_THRESHOLD_UNMET',
    message: /ML-DSA-65/,
  });
  assert.throws(() => checkRootSuccessor(previous, full, YEAR), { code: 'ROOT_EXPIRED' });
  assert.throws(() => checkRootSuccessor(next, full, NOW), { code: 'ROOT_VERSION_INVALID' });
});

test('a client (TrustedMetadata) accepts what checkRootSuccessor accepts', () => {
  const first = serializeEnvelope(signEnvelope(previous, oldRoot));
  const trusted = new TrustedMetadata(first, () => NOW);
  const full = signedBy(oldRoot, alice, bob);
  const bytes = serializeEnvelope({ signed: next, signatures: full.signatures });
  trusted.updateRoot(bytes);
  assert.equal(trusted.root.version, 2);
  assert.deepEqual(asSignedBytes(parseEnvelope('root', bytes)).signatures, full.signatures);
});
