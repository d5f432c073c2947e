/**
 * `patchcast report compliance`, its alias and `vulns import` refuse bad usage and bad files
 * before any request is made (no server and no token here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/main.js';
import { captureIo } from './io.js';
import { fixture } from './paths.js';

async function usage(args: readonly string[], message: RegExp): Promise<void> {
  const io = captureIo();
  assert.equal(await main(args, io), 2, io.stderr());
  assert.match(io.stderr(), message);
}

test('report and vulns usage errors exit 2 with one message', async () => {
  await usage(['report', 'audit'], /error\[USAGE\]: unknown report "audit"/);
  await usage(
    ['report', 'compliance', '--format', 'pdf'],
    /--format "pdf" is not one of json, csv, html/,
  );
  await usage(
    ['report', 'compliance', '--json', '--format', 'csv'],
    /--json and --format csv contradict/,
  );
  await usage(['vulns', 'report', '--format', 'xml'], /--format "xml" is not one of/);
  await usage(['vulns', 'queue', 'extra'], /vulns queue takes no paths/);
  await usage(['vulns', 'import'], /nothing to import/);
});

test('vulns import reports a bad file before it needs a server or a token', async () => {
  const io = captureIo();
  assert.equal(await main(['vulns', 'import', fixture('kev-wrong-shape.json'), '--json'], io), 1);
  const body = JSON.parse(io.stdout()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'THREAT_DATA_INVALID');
  assert.match(body.error.message, /kev-wrong-shape\.json/);
});
