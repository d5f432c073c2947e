/** The pre-image a rollback command puts back, through the real install engine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, readBundle } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import {
  KEPT_UNDOS,
  applyUndo,
  captureUndo,
  readUndo,
  staleReason,
  undoDir,
} from '../../src/rollout-undo.js';
import { parseHealthMetrics } from '../../src/rollout-health.js';

const text = (s: string) => new TextEncoder().encode(s);

test('rollout undo: replaced files come back with their modes, created files go, removed files return', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-undo-'));
  try {
    const root = join(dir, 'root');
    const state = join(dir, 'state');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/app.conf'), 'v=1\n');
    await chmod(join(root, 'etc/app.conf'), 0o640);
    await writeFile(join(root, 'etc/old.conf'), 'legacy\n');
    const bundle = readBundle(
      buildBundle({
        name: 'app',
        version: '2.0.0',
        files: [
          { path: 'etc/app.conf', mode: 0o644, content: text('v=2\n') },
          { path: 'bin/new-tool', mode: 0o755, content: text('#!/bin/sh\n') },
        ],
        removals: ['etc/old.conf'],
      }),
    );
    const undo = undoDir(join(dir, 'data'), 'ro_1/../x');
    assert.ok(!undo.includes('..'), 'the rollout id cannot leave the undo folder');
    await captureUndo(undo, root, bundle.manifest);
    assert.equal((await installBundle({ bundle, root, stateDir: state })).status, 'installed');
    assert.equal(await readFile(join(root, 'etc/app.conf'), 'utf8'), 'v=2\n');

    const outcome = await applyUndo(undo, root, state);
    assert.ok(typeof outcome === 'object', 'an undo install ran');
    assert.equal(outcome.status, 'installed');
    assert.equal(await readFile(join(root, 'etc/app.conf'), 'utf8'), 'v=1\n');
    assert.equal((await stat(join(root, 'etc/app.conf'))).mode & 0o7777, 0o640);
    assert.equal(await readFile(join(root, 'etc/old.conf'), 'utf8'), 'legacy\n');
    await assert.rejects(stat(join(root, 'bin/new-tool')), { code: 'ENOENT' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rollout undo: nothing captured is undefined; a folder where a file was is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-undo-'));
  try {
    const root = join(dir, 'root');
    await mkdir(join(root, 'etc/app.conf'), { recursive: true });
    assert.equal(await applyUndo(join(dir, 'none'), root, join(dir, 'state')), undefined);
    const manifest = readBundle(
      buildBundle({
        name: 'app',
        version: '1',
        files: [{ path: 'etc/app.conf', mode: 0o644, content: text('x') }],
      }),
    ).manifest;
    await captureUndo(join(dir, 'undo'), root, manifest);
    await assert.rejects(applyUndo(join(dir, 'undo'), root, join(dir, 'state')), {
      code: 'INSTALL_FAILED',
      message: /etc\/app\.conf was not a regular file before the install/,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rollout undo: only the newest pre-images are kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-undo-'));
  try {
    const root = join(dir, 'root');
    await mkdir(root, { recursive: true });
    const manifest = readBundle(
      buildBundle({
        name: 'app',
        version: '1',
        files: [{ path: 'a', mode: 0o644, content: text('x') }],
      }),
    ).manifest;
    for (let i = 0; i < KEPT_UNDOS + 3; i += 1)
      await captureUndo(
        undoDir(join(dir, 'data'), `ro_${String(i).padStart(2, '0')}`),
        root,
        manifest,
      );
    const kept = await readdir(join(dir, 'data', 'undo'));
    assert.equal(kept.length, KEPT_UNDOS);
    assert.ok(kept.includes(`ro_${String(KEPT_UNDOS + 2).padStart(2, '0')}`), 'the newest stays');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('health metrics: PATCHCAST_METRIC lines only, finite numbers, names checked', () => {
  const output = [
    'checking service',
    'PATCHCAST_METRIC latency_ms=12.5',
    'PATCHCAST_METRIC errors=3',
    'PATCHCAST_METRIC restarts=-1e2',
    'PATCHCAST_METRIC bad name=1',
    'PATCHCAST_METRIC nan=NaN',
    'PATCHCAST_METRIC huge=1e999',
    'patchcast_metric lower=1',
  ].join('\n');
  assert.deepEqual(parseHealthMetrics(output), { latency_ms: 12.5, errors: 3, restarts: -100 });
});

test('rollout undo: only the install in force may be undone, newest first (ADR 0015)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-undo-'));
  try {
    const root = join(dir, 'root');
    const state = join(dir, 'state');
    await mkdir(root, { recursive: true });
    const data = join(dir, 'data');
    const version = (v: string) =>
      readBundle(
        buildBundle({
          name: 'app',
          version: v,
          files: [
            { path: 'etc/app/version', mode: 0o644, content: text(v) },
            { path: `etc/app/only-${v}`, mode: 0o644, content: text(v) },
          ],
        }),
      );
    const v15 = version('1.5.0');
    const v16 = version('1.6.0');
    await captureUndo(undoDir(data, 'ro_15'), root, v15.manifest, null);
    await installBundle({ bundle: v15, root, stateDir: state });
    await captureUndo(undoDir(data, 'ro_16'), root, v16.manifest, '1.5.0');
    await installBundle({ bundle: v16, root, stateDir: state });
    const r15 = await readUndo(undoDir(data, 'ro_15'));
    const r16 = await readUndo(undoDir(data, 'ro_16'));
    assert.ok(r15 !== undefined && r16 !== undefined);
    assert.deepEqual([r15.previous, r16.previous], [null, '1.5.0']);
    assert.ok((r16.seq ?? 0) > (r15.seq ?? 0), 'captures are ordered');
    assert.match(
      (await staleReason(undoDir(data, 'ro_15'), r15, '1.6.0')) ?? '',
      /app@1\.5\.0 has a later install of app over it \(app@1\.6\.0\)/,
    );
    assert.equal(await staleReason(undoDir(data, 'ro_16'), r16, '1.6.0'), undefined);
    // killed between the commit of 1.6.0 and the state write: the pre-image is still right
    assert.equal(await staleReason(undoDir(data, 'ro_16'), r16, '1.5.0'), undefined);
    assert.match(
      (await staleReason(undoDir(data, 'ro_16'), r16, '1.2.0')) ?? '',
      /app@1\.6\.0 is not the install in force \(app@1\.2\.0 is\)/,
    );

    // 1.6.0 rolled out again: nothing to install, an empty undo that comes first
    const again = { name: 'app', version: '1.6.0', files: [], removals: [] };
    await captureUndo(undoDir(data, 'ro_16b'), root, again, '1.6.0');
    assert.match(
      (await staleReason(undoDir(data, 'ro_16'), r16, '1.6.0')) ?? '',
      /app@1\.6\.0 has a later install of app over it \(app@1\.6\.0\)/,
    );
    assert.equal(await applyUndo(undoDir(data, 'ro_16b'), root, state), 'nothing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
