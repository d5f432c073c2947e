import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Updater } from 'tuf-js';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

let h: Harness;
before(async () => {
  h = await Harness.create();
  await h.startServer();
});
after(() => h.close());

test('a stock TUF client (tuf-js) verifies and downloads a patch from a running server', async () => {
  const source = await writePatchSource(join(h.dir, 'src'), {
    'etc/interop': 'stock clients welcome\n',
  });
  const published = await h.cliJson<{ sha256: string; targetPath: string }>([
    'publish',
    source,
    '--name',
    'interop',
    '--version',
    '1.2.3',
    '--key',
    join(h.dir, 'server/keys/targets.key'),
  ]);
  const metadataDir = join(h.dir, 'tufjs', 'metadata');
  const targetDir = join(h.dir, 'tufjs', 'targets');
  await mkdir(metadataDir, { recursive: true });
  await mkdir(targetDir, { recursive: true });
  const root = await fetch(`${h.server}/tuf/metadata/1.root.json`);
  await writeFile(join(metadataDir, 'root.json'), Buffer.from(await root.arrayBuffer()));
  const updater = new Updater({
    metadataDir,
    metadataBaseUrl: `${h.server}/tuf/metadata`,
    targetDir,
    targetBaseUrl: `${h.server}/tuf/targets`,
  });
  await updater.refresh();
  const info = await updater.getTargetInfo('interop/1.2.3/bundle.tar');
  assert.ok(info, 'tuf-js finds the target in verified metadata');
  const path = await updater.downloadTarget(info, join(targetDir, 'bundle.tar'));
  const bytes = await readFile(path);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), published.sha256);
  assert.equal(published.targetPath, 'interop/1.2.3/bundle.tar');
});

test('after a withdrawal the stock client still verifies, and reads the signed withdrawal', async () => {
  const key = join(h.dir, 'server/keys/targets.key');
  const reason = 'withdrawn for the interop test';
  await h.cliJson(['withdraw', 'interop@1.2.3', '--reason', reason, '--key', key]);
  const metadataDir = join(h.dir, 'tufjs-2', 'metadata');
  await mkdir(metadataDir, { recursive: true });
  const root = await fetch(`${h.server}/tuf/metadata/1.root.json`);
  await writeFile(join(metadataDir, 'root.json'), Buffer.from(await root.arrayBuffer()));
  const updater = new Updater({
    metadataDir,
    metadataBaseUrl: `${h.server}/tuf/metadata`,
    targetBaseUrl: `${h.server}/tuf/targets`,
  });
  await updater.refresh();
  const info = await updater.getTargetInfo('interop/1.2.3/bundle.tar');
  const custom = info?.custom as { patchcast?: { withdrawn?: { reason?: string } } } | undefined;
  assert.equal(custom?.patchcast?.withdrawn?.reason, reason);
});
