/** The pip installer refuses before any change: no environment, foreign versions, bad wheels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildBundle, readBundle } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import { sandbox } from '../install/helpers.js';
import { VENV, buildWheel, makeVenv, pythonVersionOf, venvMissing } from './pip-fixture.js';

const run = promisify(execFile);
const MISSING = await venvMissing();

function pipBundle(files: { path: string; content: Uint8Array }[], venv = VENV) {
  return readBundle(
    buildBundle({
      name: 'pcref-pip',
      version: '1',
      files: files.map((f) => ({ ...f, mode: 0o644 })),
      installer: { kind: 'pip', venv },
    }),
  );
}

async function wheelFile(dir: string, name: string, version: string) {
  const path = await buildWheel(dir, name, version);
  return {
    path: `wheels/${path.split('/').pop() ?? ''}`,
    content: new Uint8Array(await readFile(path)),
  };
}

test(
  'pip refuses a missing environment, a folder that is not one, and a linked path',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    const bundle = pipBundle([await wheelFile(box.base, 'pcref', '1.0')]);
    const install = () => installBundle({ bundle, root: box.root, stateDir: box.stateDir });
    await assert.rejects(install(), {
      code: 'INSTALL_FAILED',
      message: /virtual environment "srv\/app\/venv" does not exist/,
    });
    await mkdir(join(box.root, VENV), { recursive: true });
    await assert.rejects(install(), {
      code: 'INSTALL_FAILED',
      message: /"srv\/app\/venv" is not a virtual environment/,
    });
    const linked = pipBundle([await wheelFile(box.base, 'pcref', '1.0')], 'srv/link/venv');
    await symlink(join(box.root, 'srv/app'), join(box.root, 'srv/link'));
    await assert.rejects(
      installBundle({ bundle: linked, root: box.root, stateDir: box.stateDir }),
      {
        code: 'BUNDLE_PATH_UNSAFE',
        message: /"srv\/link" is a symbolic link in the root/,
      },
    );
    assert.deepEqual(await readdir(box.stateDir), []);
  },
);

test(
  'pip refuses to replace a version it has no wheel of; a bundle of that version seeds it',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    const venv = await makeVenv(box.root);
    const old = await buildWheel(join(box.base, 'old'), 'pcref', '0.9');
    await run(join(venv, 'bin/python'), ['-m', 'pip', 'install', '--no-index', '--no-deps', old]);
    const bundle = pipBundle([await wheelFile(box.base, 'pcref', '1.0')]);
    await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
      code: 'INSTALL_FAILED',
      message: /cannot roll back pcref: no wheel of its installed version 0\.9 in .*pip-cache/,
    });
    assert.equal(await pythonVersionOf(venv, 'pcref'), '0.9');
    assert.deepEqual(await readdir(box.stateDir), []);
    // The documented way out: a bundle of the installed version changes nothing, keeps its wheel.
    const same = pipBundle([await wheelFile(join(box.base, 'same'), 'pcref', '0.9')]);
    const seeded = await installBundle({ bundle: same, root: box.root, stateDir: box.stateDir });
    assert.equal(seeded.status, 'installed', seeded.error?.message);
    assert.deepEqual(await readdir(join(box.stateDir, 'pip-cache')), [
      'pcref-0.9-py3-none-any.whl',
    ]);
    const wheel = await wheelFile(join(box.base, 'new'), 'pcref', '1.0');
    const failing = readBundle(
      buildBundle({
        name: 'pcref-pip',
        version: '2',
        files: [{ ...wheel, mode: 0o644 }],
        installer: { kind: 'pip', venv: VENV },
        health: { command: ['/bin/sh', '-c', 'exit 1'], timeoutMs: 10_000 },
      }),
    );
    const outcome = await installBundle({
      bundle: failing,
      root: box.root,
      stateDir: box.stateDir,
    });
    assert.equal(outcome.status, 'rolled-back');
    assert.equal(await pythonVersionOf(venv, 'pcref'), '0.9');
  },
);

test(
  'pip refuses a file that is not a wheel, and one package twice',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    await makeVenv(box.root);
    const one = await wheelFile(join(box.base, 'a'), 'pcref', '1.0');
    const cases: [{ path: string; content: Uint8Array }[], RegExp][] = [
      [[{ ...one, path: 'wheels/pcref.whl' }], /"wheels\/pcref\.whl" is not a distinct wheel/],
      [
        [one, await wheelFile(join(box.base, 'b'), 'PCRef', '2.0')],
        /"wheels\/pcref-1\.0-py3-none-any\.whl" is not a distinct wheel/,
      ],
    ];
    for (const [files, message] of cases) {
      await assert.rejects(
        installBundle({ bundle: pipBundle(files), root: box.root, stateDir: box.stateDir }),
        {
          code: 'BUNDLE_MALFORMED',
          message,
        },
      );
    }
    assert.equal(await pythonVersionOf(join(box.root, VENV), 'pcref'), undefined);
  },
);

test('a pip bundle carries only .whl files under a safe installer.venv', () => {
  const content = new Uint8Array([1]);
  assert.throws(() => pipBundle([{ path: 'wheels/x.tgz', content }]), {
    code: 'BUNDLE_MALFORMED',
    message: /is not a \.whl package/,
  });
  assert.throws(() => pipBundle([{ path: 'wheels/x-1-py3-none-any.whl', content }], '../venv'), {
    code: 'BUNDLE_PATH_UNSAFE',
  });
});
