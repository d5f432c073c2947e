import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import {
  ERROR_CATALOG,
  ERROR_CODE_LIST,
  PatchcastError,
  SecurityError,
  errorFromCode,
  httpStatusOf,
  isRetryable,
} from '../src/index.js';
import type { ErrorCode } from '../src/index.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
const rows = [
  ...doc.matchAll(/^\|\s*`([A-Z_0-9]+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$/gm),
].map((m) => ({
  code: m[1] ?? '',
  http: (m[2] ?? '').trim(),
  retry: (m[3] ?? '').trim(),
  meaning: (m[4] ?? '').trim(),
  whatToDo: (m[5] ?? '').trim(),
}));
const RENDER = 'run `node scripts/render-errors-doc.mjs` after `npm run build`';

test('docs/errors.md lists every error code of the catalog, and only those, in its order', () => {
  assert.deepEqual(
    rows.map((r) => r.code),
    [...ERROR_CODE_LIST],
    RENDER,
  );
});

test('each row of docs/errors.md says what the catalog says: status, retry, meaning, what to do', () => {
  for (const { code, http, retry, meaning, whatToDo } of rows) {
    const entry = ERROR_CATALOG[code as keyof typeof ERROR_CATALOG];
    assert.equal(http, entry.http === null ? '-' : String(entry.http), `${code} HTTP; ${RENDER}`);
    assert.equal(retry, isRetryable(code as ErrorCode) ? 'yes' : 'no', `${code} retry; ${RENDER}`);
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

test('retryable codes are the transient ones: a security or input refusal is never retried', () => {
  const retryable = ERROR_CODE_LIST.filter(isRetryable);
  assert.ok(retryable.includes('DB_UNAVAILABLE') && retryable.includes('RATE_LIMITED'));
  for (const code of retryable) {
    assert.ok(!code.startsWith('SECURITY_'), code);
    const http = ERROR_CATALOG[code].http;
    assert.ok(
      http === null || http === 408 || http === 429 || http >= 500,
      `${code}: HTTP ${http}`,
    );
  }
});

test('a code read at run time keeps its class: SECURITY_* is a SecurityError, the rest not', () => {
  for (const code of ERROR_CODE_LIST) {
    const error = errorFromCode(code, 'from the wire');
    assert.equal(error instanceof SecurityError, code.startsWith('SECURITY_'), code);
    assert.equal(error.code, code);
  }
});

test('no source makes a PatchcastError with a SECURITY_* code: those are SecurityErrors', () => {
  const root = new URL('../../../../packages/', import.meta.url);
  const offenders: string[] = [];
  for (const pkg of readdirSync(root)) {
    const src = new URL(`${pkg}/src/`, root);
    if (!existsSync(src)) continue;
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(new URL(file, src), 'utf8');
      if (/new PatchcastError\(\s*['"`]SECURITY_/.test(text)) offenders.push(`${pkg}/src/${file}`);
    }
  }
  assert.deepEqual(offenders, [], 'use SecurityError, or errorFromCode for a run-time code');
});
