/**
 * The reboot-required flag on the offline path: patchcast.json -> manifest -> `patchcast apply`,
 * which says so (text and --json) and never reboots anything.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBundle } from '@patchcast/protocol';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

let h: Harness;
before(async () => {
  h = await Harness.create();
});
after(() => h.close());

async function bundleFile(version: string, config?: Record<string, unknown>): Promise<string> {
  const source = await writePatchSource(
    join(h.dir, `src-${version}`),
    { 'boot/kernel.img': `kernel ${version}\n` },
    config,
  );
  const out = join(h.dir, `kernel-${version}.tar`);
  const made = await h.cli([
    'bundle',
    source,
    '--name',
    'kernel',
    '--version',
    version,
    '--out',
    out,
  ]);
  assert.equal(made.code, 0, made.stderr);
  return out;
}

async function box(name: string): Promise<{ root: string; state: string }> {
  const root = join(h.dir, name, 'root');
  await mkdir(root, { recursive: true });
  return { root, state: join(h.dir, name, 'state') };
}

test('a bundle marked rebootRequired says so on apply, as text and as JSON', async () => {
  const file = await bundleFile('2', { rebootRequired: true });
  assert.equal(readBundle(await readFile(file)).manifest.rebootRequired, true);
  const text = await box('text');
  const shown = await h.cli([
    'apply',
    '--unsigned',
    file,
    '--root',
    text.root,
    '--state',
    text.state,
  ]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^installed kernel@2 into /);
  assert.match(
    shown.stdout,
    /\nreboot required: kernel@2 takes effect after the machine is rebooted\n$/,
  );
  const json = await box('json');
  const result = await h.cli([
    'apply',
    '--unsigned',
    file,
    '--root',
    json.root,
    '--state',
    json.state,
    '--json',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as { status: string; rebootRequired: boolean };
  assert.equal(parsed.status, 'installed');
  assert.equal(parsed.rebootRequired, true);
  assert.equal(await readFile(join(json.root, 'boot/kernel.img'), 'utf8'), 'kernel 2\n');
});

test('without the flag (or with false) apply says nothing of a reboot', async () => {
  for (const [version, config] of [
    ['3', undefined],
    ['4', { rebootRequired: false }],
  ] as const) {
    const file = await bundleFile(version, config);
    const b = await box(`plain-${version}`);
    const text = await h.cli(['apply', '--unsigned', file, '--root', b.root, '--state', b.state]);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /reboot/);
    const again = await h.cli([
      'apply',
      '--unsigned',
      file,
      '--root',
      b.root,
      '--state',
      b.state,
      '--json',
    ]);
    assert.equal((JSON.parse(again.stdout) as { rebootRequired: boolean }).rebootRequired, false);
  }
});

test('a patchcast.json rebootRequired that is not true or false is refused by name', async () => {
  const source = await writePatchSource(
    join(h.dir, 'src-bad'),
    { a: 'a' },
    { rebootRequired: 'yes' },
  );
  const out = join(h.dir, 'bad.tar');
  const made = await h.cli(['bundle', source, '--name', 'kernel', '--version', '9', '--out', out]);
  assert.equal(made.code, 1, made.stderr);
  assert.match(
    made.stderr,
    /^error\[BUNDLE_SOURCE_INVALID\]: .*rebootRequired must be true or false/,
  );
});
