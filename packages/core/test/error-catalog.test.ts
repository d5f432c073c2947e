import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODE_LIST, ERROR_HINTS, PatchcastError, SecurityError } from '../src/index.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\|\s*`([A-Z_0-9]+)`\s*\|[^|]*\|[^|]*\|([^|]*)\|\s*$/gm)].map(
  (m) => ({ code: m[1] ?? '', whatToDo: (m[2] ?? '').trim() }),
);

test('docs/errors.md lists every error code, and only those', () => {
  assert.deepEqual(rows.map((r) => r.code).sort(), [...ERROR_CODE_LIST].sort());
});

test('error codes are UPPER_SNAKE and unique', () => {
  for (const code of ERROR_CODE_LIST) assert.match(code, /^[A-Z][A-Z0-9_]*$/);
  assert.equal(new Set(ERROR_CODE_LIST).size, ERROR_CODE_LIST.length);
});

test('every error code has a hint: what to do, in a few words', () => {
  assert.deepEqual(Object.keys(ERROR_HINTS).sort(), [...ERROR_CODE_LIST].sort());
  for (const code of ERROR_CODE_LIST) {
    const hint = ERROR_HINTS[code];
    assert.ok(hint.trim().length >= 10, `${code}: hint "${hint}" says nothing`);
    assert.ok(!hint.endsWith('.'), `${code}: a hint ends without a period (the CLI line style)`);
  }
});

test("docs/errors.md's what to do is the catalog's hint, as a sentence", () => {
  for (const { code, whatToDo } of rows) {
    const hint = ERROR_HINTS[code as keyof typeof ERROR_HINTS];
    const sentence = `${hint.charAt(0).toUpperCase()}${hint.slice(1)}.`;
    assert.equal(whatToDo, sentence, `docs/errors.md row ${code}`);
  }
});

test("an error thrown without a hint carries its code's; a given hint wins", () => {
  assert.equal(new PatchcastError('NOT_FOUND', 'no device x').hint, ERROR_HINTS.NOT_FOUND);
  assert.equal(new SecurityError('SECURITY_ROLLBACK', 'older').hint, ERROR_HINTS.SECURITY_ROLLBACK);
  assert.equal(new PatchcastError('USAGE', 'bad', { hint: 'do this' }).hint, 'do this');
});
