import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize } from '../src/index.js';

test('sorts keys, drops whitespace, escapes only quote and backslash', () => {
  assert.equal(
    canonicalize({ b: 1, a: [true, null, 'x"y\\z\n'], c: { z: 0, y: -1 } }),
    '{"a":[true,null,"x\\"y\\\\z\n"],"b":1,"c":{"y":-1,"z":0}}',
  );
});

test('refuses non-integers and non-JSON values', () => {
  assert.throws(() => canonicalize(1.5), /only integers/);
  assert.throws(() => canonicalize(Number.NaN), /only integers/);
  assert.throws(() => canonicalize(() => 1), /cannot encode/);
});

test('omits undefined members, as JSON.stringify does', () => {
  assert.equal(canonicalize({ a: undefined, b: 'x' }), '{"b":"x"}');
});
