import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PatchcastError, SecurityError } from '../../src/errors.js';
import type { Checkpoint, LogIdentity } from '../../src/tlog/index.js';
import {
  MerkleTree,
  ed25519NoteSigner,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  signNote,
} from '../../src/tlog/index.js';

const ORIGIN = 'patchcast.example/log';
const logSigner = ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(1));
const witness = ed25519NoteSigner('witness.example', new Uint8Array(32).fill(2));
const log: LogIdentity = { origin: ORIGIN, verifiers: [parseVerifierKey(logSigner.verifierKey)] };
const tree = MerkleTree.fromLeafHashes([]);
for (let i = 0; i < 10; i += 1) tree.append(Uint8Array.of(i));
const checkpoint: Checkpoint = { origin: ORIGIN, size: 10, rootHash: tree.root(), extensions: [] };
const ROOT = Buffer.from(tree.root()).toString('base64');

function rejected(message: string, code: string, identity = log): void {
  assert.throws(
    () => openCheckpoint(message, identity),
    (e) => e instanceof SecurityError && e.code === code,
    message,
  );
}

test('the C2SP tlog-checkpoint example text parses', () => {
  const text =
    'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
  const parsed = parseCheckpoint(text);
  assert.equal(parsed.origin, 'example.com/behind-the-sofa');
  assert.equal(parsed.size, 20_852_163);
  assert.equal(Buffer.from(parsed.rootHash).toString('base64'), text.split('\n')[2]);
  assert.deepEqual(parsed.extensions, []);
  assert.equal(formatCheckpoint(parsed), text);
});

test('checkpoints round-trip through text', () => {
  const textLine = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .filter((s) => [...s].every((c) => (c.codePointAt(0) ?? 0) >= 0x20));
  const arbitrary = fc.record({
    origin: textLine,
    size: fc.maxSafeNat(),
    rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    extensions: fc.array(textLine, { maxLength: 3 }),
  });
  fc.assert(
    fc.property(arbitrary, (cp) => {
      const parsed = parseCheckpoint(formatCheckpoint(cp));
      assert.deepEqual({ ...parsed, extensions: [...parsed.extensions] }, { ...cp });
    }),
  );
});

test('a signed checkpoint opens for its log and keeps witness cosignatures aside', () => {
  const signed = signCheckpoint(checkpoint, [logSigner, witness]);
  assert.ok(signed.startsWith(`${ORIGIN}\n10\n${ROOT}\n\n\u2014 ${ORIGIN} `));
  const opened = openCheckpoint(signed, log);
  assert.deepEqual(opened.checkpoint, { ...checkpoint, rootHash: tree.root() });
  assert.deepEqual(
    opened.note.unverified.map((s) => s.name),
    ['witness.example'],
  );
  const withExtension = signCheckpoint({ ...checkpoint, extensions: ['ext'] }, [logSigner]);
  assert.deepEqual(openCheckpoint(withExtension, log).checkpoint.extensions, ['ext']);
});

test('a checkpoint for another log, or signed by another key, is refused', () => {
  rejected(
    signCheckpoint({ ...checkpoint, origin: 'other.example/log' }, [logSigner]),
    'SECURITY_CHECKPOINT_INVALID',
  );
  rejected(
    signCheckpoint({ ...checkpoint, origin: `${ORIGIN} ` }, [logSigner]),
    'SECURITY_CHECKPOINT_INVALID',
  );
  rejected(signCheckpoint(checkpoint, [witness]), 'SECURITY_SIGNATURE_INVALID');
  const impostor = ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(3));
  rejected(signCheckpoint(checkpoint, [impostor]), 'SECURITY_SIGNATURE_INVALID');
  const forged = signCheckpoint(checkpoint, [{ ...impostor, keyId: logSigner.keyId }]);
  rejected(forged, 'SECURITY_SIGNATURE_INVALID');
  const signed = signCheckpoint(checkpoint, [logSigner]);
  rejected(signed.replace('\n10\n', '\n11\n'), 'SECURITY_SIGNATURE_INVALID');
});

test('malformed checkpoint texts are refused even when validly signed', () => {
  const bodies = [
    `${ORIGIN}\n010\n${ROOT}\n`,
    `${ORIGIN}\n+10\n${ROOT}\n`,
    `${ORIGIN}\n-1\n${ROOT}\n`,
    `${ORIGIN}\n 10\n${ROOT}\n`,
    `${ORIGIN}\n10 \n${ROOT}\n`,
    `${ORIGIN}\n1e1\n${ROOT}\n`,
    `${ORIGIN}\n0x0a\n${ROOT}\n`,
    `${ORIGIN}\n9007199254740992\n${ROOT}\n`,
    `${ORIGIN}\n18446744073709551615\n${ROOT}\n`,
    `${ORIGIN}\n10\n${ROOT.slice(0, -1)}\n`,
    `${ORIGIN}\n10\n${ROOT} \n`,
    `${ORIGIN}\n10\n${ROOT.replace(/=$/, 'A')}\n`,
    `${ORIGIN}\n10\n${Buffer.alloc(31).toString('base64')}\n`,
    `${ORIGIN}\n10\n${Buffer.alloc(33).toString('base64')}\n`,
    `${ORIGIN}\n10\n`,
    `${ORIGIN}\n10\n${ROOT}\n\next\n`,
    `\n10\n${ROOT}\n`,
  ];
  for (const body of bodies) rejected(signNote(body, [logSigner]), 'SECURITY_METADATA_MALFORMED');
  assert.throws(() => parseCheckpoint(`${ORIGIN}\n10\n${ROOT}`), SecurityError);
  const tooBig = `${ORIGIN}\n10\n${ROOT}\n${'x'.repeat(300_000)}\n\n\u2014 a AAAAAAA=\n`;
  rejected(tooBig, 'SECURITY_METADATA_MALFORMED');
});

test('formatting refuses values that no checkpoint can carry', () => {
  const usage = (cp: Checkpoint): void => {
    assert.throws(() => formatCheckpoint(cp), PatchcastError);
  };
  usage({ ...checkpoint, origin: '' });
  usage({ ...checkpoint, origin: 'a\nb' });
  usage({ ...checkpoint, size: -1 });
  usage({ ...checkpoint, size: 1.5 });
  usage({ ...checkpoint, rootHash: new Uint8Array(31) });
  usage({ ...checkpoint, extensions: [''] });
  usage({ ...checkpoint, extensions: ['tab\t'] });
});
