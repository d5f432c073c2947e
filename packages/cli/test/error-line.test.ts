import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOG } from '@patchcast/core';
import { main } from '../src/main.js';
import type { Io } from '../src/command.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { PATCHCAST_TOKEN: 'pc_unused', PATCHCAST_SERVER: 'http://127.0.0.1:9' },
    isTty: false,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

test("an error thrown without a hint prints its code's catalog hint, for this command", async () => {
  const result = await run(['rollout', 'status']);
  assert.equal(result.code, 2);
  assert.equal(
    result.err,
    'error[USAGE]: rollout status needs an ID\n  hint: read `patchcast rollout --help`\n',
  );
});

test('--json errors carry the hint too', async () => {
  const result = await run(['rollout', 'approve', '--json']);
  const body = JSON.parse(result.out) as { error: { code: string; hint: string } };
  assert.equal(body.error.code, 'USAGE');
  assert.equal(body.error.hint, ERROR_CATALOG.USAGE.hint.replace('<command>', 'rollout'));
});

test('a given hint wins over the catalog', async () => {
  const result = await run(['frobnicate']);
  assert.match(
    result.err,
    /^error\[USAGE\]: unknown command "frobnicate"\n {2}hint: see: patchcast --help\n$/,
  );
});
