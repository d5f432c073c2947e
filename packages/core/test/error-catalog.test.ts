import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODE_LIST } from '../src/index.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);

test('docs/errors.md lists every error code, and only those', () => {
  assert.deepEqual([...documented].sort(), [...ERROR_CODE_LIST].sort());
});

test('error codes are UPPER_SNAKE and unique', () => {
  for (const code of ERROR_CODE_LIST) assert.match(code, /^[A-Z][A-Z0-9_]*$/);
  assert.equal(new Set(ERROR_CODE_LIST).size, ERROR_CODE_LIST.length);
});
