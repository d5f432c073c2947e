/**
 * The pip fixture of the installer conformance suite: a real virtual environment in the root
 * (copied from one made once per test process with `python3 -m venv`), and real wheels written
 * per the wheel spec with Python's zipfile (a pure-Python package is a zip with a dist-info).
 * The oracles are Python's importlib.metadata and pip's own version ordering.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compareVersions } from '@patchcast/core';
import { buildBundle } from '@patchcast/protocol';
import { snapshot } from '../install/helpers.js';
import type { Fixture } from './fixtures.js';

const run = promisify(execFile);

export const VENV = 'srv/app/venv';

/** Writes pcdemo-<version>-py3-none-any.whl into argv[1]; version 1.0 adds a module. */
const WHEEL_SCRIPT = `
import base64, hashlib, sys, zipfile
out, name, version = sys.argv[1], sys.argv[2], sys.argv[3]
info = f"{name}-{version}.dist-info"
files = {
    f"{name}/__init__.py": f"__version__ = {version!r}\\n",
    f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\nSummary: patchcast test fixture\\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: patchcast-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
if version == "1.0":
    files[f"{name}/new_in_2.py"] = "NEW = True\\n"
lines = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    lines.append(f"{path},sha256={digest},{len(text.encode())}")
lines.append(f"{info}/RECORD,,")
files[f"{info}/RECORD"] = "\\n".join(lines) + "\\n"
path = f"{out}/{name}-{version}-py3-none-any.whl"
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for entry, text in files.items():
        z.writestr(entry, text)
print(path)
`;

export async function buildWheel(dir: string, name: string, version: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const { stdout } = await run('python3', ['-c', WHEEL_SCRIPT, dir, name, version]);
  return stdout.trim();
}

let template: Promise<string> | undefined;

/** A virtual environment made once per process, removed at exit. */
function templateVenv(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchcast-venv-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    await run('python3', ['-m', 'venv', join(dir, 'venv')]);
    return join(dir, 'venv');
  })();
  return template;
}

/** A fresh virtual environment at `<root>/<path>`. */
export async function makeVenv(root: string, path = VENV): Promise<string> {
  const venv = join(root, path);
  await cp(await templateVenv(), venv, { recursive: true, verbatimSymlinks: true });
  return venv;
}

export async function venvMissing(): Promise<string | undefined> {
  return run('python3', ['-c', 'import ensurepip, venv']).then(
    () => undefined,
    () => 'python3 with venv and ensurepip is not installed (Debian: python3-venv)',
  );
}

/** The installed version, as Python itself reads it (no bytecode written). */
export async function pythonVersionOf(venv: string, name: string): Promise<string | undefined> {
  const script = `import importlib.metadata as m, sys\ntry: print(m.version(sys.argv[1]))\nexcept m.PackageNotFoundError: pass`;
  const { stdout } = await run(join(venv, 'bin/python'), ['-B', '-c', script, name]);
  return stdout.trim() === '' ? undefined : stdout.trim();
}

async function pipOrders(a: string, b: string): Promise<boolean> {
  const script = `import sys\nfrom pip._vendor.packaging.version import Version\nprint(Version(sys.argv[1]) > Version(sys.argv[2]))`;
  const { stdout } = await run('python3', ['-B', '-c', script, a, b]);
  return stdout.trim() === 'True';
}

export const pipFixture: Fixture = {
  kind: 'pip',
  skip: undefined,
  crashPoint: 'pip-applied',
  rollbackCrashPoint: 'pip-rolling-back',
  async setup(root) {
    await makeVenv(root);
  },
  async bundle(work, release, health) {
    const wheel = await buildWheel(join(work, `whl-${release}`), 'pcdemo', this.version(release));
    const content = new Uint8Array(await readFile(wheel));
    return buildBundle({
      name: 'pcdemo-pip',
      version: `${release}`,
      files: [{ path: `wheels/${wheel.split('/').pop() ?? ''}`, mode: 0o644, content }],
      installer: { kind: 'pip', venv: VENV },
      health,
    });
  },
  version: (release) => (release === 1 ? '1.0rc1' : '1.0'),
  installedVersion: (root) => pythonVersionOf(join(root, VENV), 'pcdemo'),
  async isNewer(a, b) {
    const oracle = await pipOrders(a, b);
    if (oracle !== compareVersions('PyPI', a, b) > 0) throw new Error('pip and core disagree');
    return oracle;
  },
  /** pip's list, and every file of pcdemo in site-packages (bytecode caches aside). */
  async state(root) {
    const venv = join(root, VENV);
    const listed = await run(join(venv, 'bin/python'), [
      '-B',
      '-m',
      'pip',
      'list',
      '--format=freeze',
    ]);
    const site = join(venv, 'lib', (await readdir(join(venv, 'lib')))[0] ?? '', 'site-packages');
    const ours = (await readdir(site)).filter((name) => name.startsWith('pcdemo')).sort();
    const files = (await Promise.all(ours.map((name) => snapshot(join(site, name))))).flat();
    return [
      ...listed.stdout.trim().split('\n'),
      ...ours,
      ...files.filter((line) => !line.includes('__pycache__')),
    ];
  },
};
