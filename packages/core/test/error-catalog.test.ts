import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ERROR_CATALOG,
  ERROR_CODE_LIST,
  PatchcastError,
  SecurityError,
  httpStatusOf,
} from '../src/index.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\|\s*`([A-Z_0-9]+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$/gm)].map(
  (m) => ({
    code: m[1] ?? '',
    http: (m[2] ?? '').trim(),
    meaning: (m[3] ?? '').trim(),
    whatToDo: (m[4] ?? '').trim(),
  }),
);
const RENDER = 'run `node scripts/render-errors-doc.mjs` after `npm run build`';

test('docs/errors.md lists every error code of the catalog, and only those, in its order', () => {
  assert.deepEqual(
    rows.map((r) => r.code),
    [...ERROR_CODE_LIST],
    RENDER,
  );
});

test('each row of docs/errors.md says what the catalog says: status, meaning, what to do', () => {
  for (const { code, http, meaning, whatToDo } of rows) {
    const entry = ERROR_CATALOG[code as keyof typeof ERROR_CATALOG];
    assert.equal(http, entry.http === null ? '-' : String(entry.http), `${code} HTTP; ${RENDER}`);
    assert.equal(meaning, entry.summary, `${code} meaning; ${RENDER}`);
    const sentence = `${entry.hint.charAt(0).toUpperCase()}${entry.hint.slice(1)}.`;
    assert.equal(whatToDo, sentence, `${code} what to do; ${RENDER}`);
  }
});

test('error codes are UPPER_SNAKE; every row says something and has a real status', () => {
  for (const code of ERROR_CODE_LIST) {
    assert.match(code, /^[A-Z][A-Z0-9_]*$/);
    const { hint, summary, http } = ERROR_CATALOG[code];
    assert.ok(hint.trim().length >= 10, `${code}: hint "${hint}" says nothing`);
    assert.ok(!hint.endsWith('.'), `${code}: a hint ends without a period (the CLI line style)`);
    assert.ok(summary.endsWith('.'), `${code}: the meaning is a sentence`);
    if (http !== null) assert.ok(http >= 400 && http < 600, `${code}: HTTP ${http}`);
  }
});

test('security codes answer 4xx, never 500: a verification refusal is not a server fault', () => {
  for (const code of ERROR_CODE_LIST.filter((c) => c.startsWith('SECURITY_')))
    assert.ok(httpStatusOf(code) < 500, code);
  assert.equal(httpStatusOf('INTERNAL'), 500);
  assert.equal(httpStatusOf('ADVISORY_INVALID'), 400);
});

test("an error thrown without a hint carries its code's; a given hint wins", () => {
  assert.equal(new PatchcastError('NOT_FOUND', 'no device x').hint, ERROR_CATALOG.NOT_FOUND.hint);
  assert.equal(
    new SecurityError('SECURITY_ROLLBACK', 'older').hint,
    ERROR_CATALOG.SECURITY_ROLLBACK.hint,
  );
  assert.equal(new PatchcastError('USAGE', 'bad', { hint: 'do this' }).hint, 'do this');
});
