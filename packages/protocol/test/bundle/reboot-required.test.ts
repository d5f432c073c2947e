import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError, utf8 } from '@patchcast/core';
import { buildBundle, buildManifest, readBundle } from '../../src/bundle/index.js';
import type { BundleInput } from '../../src/bundle/index.js';
import { manifestOf, rawBundle } from './craft.js';

const input: BundleInput = {
  name: 'kernel-fix',
  version: '1',
  files: [{ path: 'boot/vmlinuz', mode: 0o644, content: utf8('new kernel\n') }],
};

const isMalformed = (pattern: RegExp) => (error: unknown) =>
  error instanceof PatchcastError &&
  error.code === 'BUNDLE_MALFORMED' &&
  pattern.test(error.message);

test('rebootRequired: true round-trips through the manifest', () => {
  const parsed = readBundle(buildBundle({ ...input, rebootRequired: true }));
  assert.equal(parsed.manifest.rebootRequired, true);
  const built = buildManifest({ ...input, rebootRequired: true });
  assert.deepEqual(parsed.manifest, JSON.parse(JSON.stringify(built)));
});

test('no reboot is the absent field: false and absent build the same bytes', () => {
  assert.deepEqual(buildBundle({ ...input, rebootRequired: false }), buildBundle(input));
  assert.equal('rebootRequired' in readBundle(buildBundle(input)).manifest, false);
});

test('a manifest with rebootRequired other than true is refused, naming the field', () => {
  const files = [{ path: 'a', content: 'a' }];
  for (const value of [false, 'yes', 1, null]) {
    const bundle = rawBundle(manifestOf(files, { rebootRequired: value }), ['a']);
    assert.throws(() => readBundle(bundle), isMalformed(/manifest\.rebootRequired/));
  }
  const accepted = rawBundle(manifestOf(files, { rebootRequired: true }), ['a']);
  assert.equal(readBundle(accepted).manifest.rebootRequired, true);
});
