import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '@patchcast/core';
import { validateRelativePath } from '../../src/bundle/index.js';

const accepted = ['a', 'etc/app/config.txt', 'a b/c-d_e.f', '.hidden/x', '..a/b..', 'ü/日本'];

const refused: readonly (readonly [string, RegExp])[] = [
  ['', /is empty/],
  ['/etc/passwd', /is absolute/],
  ['../x', /".." segment/],
  ['a/../../x', /".." segment/],
  ['./a', /"\." segment/],
  ['a//b', /empty segment/],
  ['a/', /empty segment/],
  ['a\\b', /backslash/],
  ['a\0b', /NUL or control/],
  ['a\nb', /NUL or control/],
  ['a\u0085b', /NUL or control/],
  ['a\ud800b', /not valid Unicode/],
  ['x'.repeat(256), /segment longer than 255 bytes/],
  [`${'d/'.repeat(2048)}x`, /longer than 4096 bytes/],
];

test('accepts relative POSIX paths', () => {
  for (const path of accepted) assert.equal(validateRelativePath(path), path);
});

test('accepts a 255-byte segment and a 4096-byte path', () => {
  validateRelativePath('x'.repeat(255));
  validateRelativePath(`${'abc/'.repeat(1023)}abcd`);
});

test('refuses unsafe paths with BUNDLE_PATH_UNSAFE, naming the problem', () => {
  for (const [path, reason] of refused) {
    assert.throws(
      () => validateRelativePath(path),
      (error: unknown) =>
        error instanceof PatchcastError &&
        error.code === 'BUNDLE_PATH_UNSAFE' &&
        reason.test(error.message),
      `expected ${JSON.stringify(path)} to be refused with ${String(reason)}`,
    );
  }
});
