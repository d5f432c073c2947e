/**
 * Canonical JSON as TUF signs it (OLPC dialect, as securesystemslib's encode_canonical and
 * tuf-js's @tufjs/canonical-json produce it). Vectors as data, then properties against tuf-js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalize as reference } from '@tufjs/canonical-json';
import { canonicalize, ed25519Key, keyIdOf } from '../../src/index.js';

/** [input, canonical form]; most from securesystemslib's test_formats.py (encode_canonical). */
const VECTORS: readonly (readonly [unknown, string])[] = [
  ['', '""'],
  [[1, 2, 3], '[1,2,3]'],
  [[], '[]'],
  [{}, '{}'],
  [{ A: [99] }, '{"A":[99]}'],
  [{ A: true }, '{"A":true}'],
  [{ B: false }, '{"B":false}'],
  [{ x: 3, y: 2 }, '{"x":3,"y":2}'],
  [{ x: 3, y: null }, '{"x":3,"y":null}'],
  ['\\', '"\\\\"'],
  ['"', '"\\""'],
  // Keys sort by code unit: uppercase before lowercase, "é" after "z", "10" before "9".
  [{ b: 1, a: 2, B: 3, é: 4, z: 5, 10: 6, 9: 7 }, '{"10":6,"9":7,"B":3,"a":2,"b":1,"z":5,"é":4}'],
  // Nothing but " and \ is escaped: control characters and non-ASCII pass through raw.
  ['tab\there\nnl/é😀\u0000', '"tab\there\nnl/é😀\u0000"'],
  [{ nested: { z: [{ b: 0, a: -1 }], a: 'x' } }, '{"nested":{"a":"x","z":[{"a":-1,"b":0}]}}'],
  [-0, '0'],
  [Number.MAX_SAFE_INTEGER, '9007199254740991'],
];

test('canonical JSON: known encodings', () => {
  for (const [input, expected] of VECTORS) {
    assert.equal(canonicalize(input), expected, JSON.stringify(input));
    assert.equal(reference(input as never), expected, `tuf-js on ${JSON.stringify(input)}`);
  }
});

test('canonical JSON: what securesystemslib refuses, we refuse', () => {
  for (const value of [8.0001, { x: 8.5 }, Number.POSITIVE_INFINITY, 2 ** 53, undefined, 1n]) {
    assert.throws(() => canonicalize(value), TypeError);
  }
});

test('canonical JSON: a key id is the sha256 of the key object in canonical form', () => {
  const publicHex = 'f7f2a3b7b1a6c1e1f0d8b1ac6a1e7b2e5c0f5d9e0b1c2d3e4f5a6b7c8d9e0f1a';
  const canonical = `{"keytype":"ed25519","keyval":{"public":"${publicHex}"},"scheme":"ed25519"}`;
  assert.equal(canonicalize(ed25519Key(publicHex)), canonical);
  assert.equal(
    keyIdOf(ed25519Key(publicHex)),
    createHash('sha256').update(canonical).digest('hex'),
  );
});

/** JSON-like values with integers only; strings avoid raw control characters (see below). */
const codePoint = fc
  .integer({ min: 0x20, max: 0x10ffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));
const text = fc.string({ unit: fc.oneof(codePoint, fc.constantFrom('"', '\\', 'a', 'é')) });
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    text,
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(text, tie('json'), { maxKeys: 5 }),
  ),
}));

test('canonical JSON property: canonicalize(parse(canonicalize(x))) is stable', () => {
  fc.assert(
    fc.property(json, (value) => {
      const once = canonicalize(value);
      assert.equal(canonicalize(JSON.parse(once)), once);
      assert.deepEqual(JSON.parse(once), JSON.parse(JSON.stringify(value)));
    }),
    { numRuns: 300 },
  );
});

test('canonical JSON property: identical to tuf-js @tufjs/canonical-json', () => {
  fc.assert(
    fc.property(json, (value) => {
      assert.equal(canonicalize(value), reference(value as never));
    }),
    { numRuns: 300 },
  );
});

test('canonical JSON property: key order of the input does not matter', () => {
  fc.assert(
    fc.property(fc.dictionary(text, fc.maxSafeInteger(), { maxKeys: 8 }), (object) => {
      const reversed = Object.fromEntries(Object.entries(object).reverse());
      assert.equal(canonicalize(reversed), canonicalize(object));
    }),
  );
});
