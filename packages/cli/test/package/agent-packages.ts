/**
 * Builds the packaged agent with the real `npm run package:agent` script (scripts/package-agent),
 * and runs it from an unpacked package with no Node on its PATH.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(
  new URL('../../../../../scripts/package-agent/package-agent.mjs', import.meta.url),
);

export interface BuiltPackages {
  readonly exe: string;
  readonly deb: string;
  readonly rpm: string;
}

/** Why the package tests cannot run here, or undefined. */
export async function packageToolsMissing(): Promise<string | undefined> {
  for (const tool of ['dpkg-deb', 'rpmbuild', 'rpm2cpio', 'cpio']) {
    const ok = await run('sh', ['-c', `command -v ${tool}`]).then(
      () => true,
      () => false,
    );
    if (!ok) return `${tool} is not installed (Debian packages dpkg, rpm, cpio): skipped`;
  }
  return undefined;
}

/** `package-agent.mjs --out DIR --version V` (with --exe-only: the executable alone). */
export async function packageAgent(
  out: string,
  version: string,
  exeOnly = false,
): Promise<BuiltPackages> {
  const args = [SCRIPT, '--out', out, '--version', version, ...(exeOnly ? ['--exe-only'] : [])];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  const files = stdout.trim().split('\n');
  const pick = (suffix: string) => files.find((f) => f.endsWith(suffix)) ?? '';
  return { exe: files[0] ?? '', deb: pick('.deb'), rpm: pick('.rpm') };
}

/** Unpacks a .deb (dpkg-deb -x) or an .rpm (rpm2cpio | cpio) into a fresh root folder. */
export async function unpack(pkg: string, root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  if (pkg.endsWith('.deb')) await run('dpkg-deb', ['-x', pkg, root]);
  else await run('sh', ['-c', 'rpm2cpio "$1" | cpio -idm --quiet', 'sh', pkg], { cwd: root });
}

/** Writes the unpacked package's config file for a server, a token and folders under `root`. */
export async function configure(
  root: string,
  values: { server: string; token: string; name: string },
): Promise<{ config: string; managed: string; data: string }> {
  const config = join(root, 'etc/patchcast/agent.env');
  const managed = join(root, 'srv/managed');
  const data = join(root, 'var/lib/patchcast-agent');
  const text = (await readFile(config, 'utf8'))
    .replace(/^PATCHCAST_SERVER=.*$/m, `PATCHCAST_SERVER=${values.server}`)
    .replace(/^PATCHCAST_ENROLL_TOKEN=.*$/m, `PATCHCAST_ENROLL_TOKEN=${values.token}`)
    .replace(/^PATCHCAST_DATA=.*$/m, `PATCHCAST_DATA=${data}`)
    .replace(/^PATCHCAST_ROOT=.*$/m, `PATCHCAST_ROOT=${managed}`)
    .replace(/^#PATCHCAST_NAME=.*$/m, `PATCHCAST_NAME=${values.name}`);
  await writeFile(config, text);
  return { config, managed, data };
}

/**
 * A PATH for the packaged agent that holds a shell and a few tools for health commands, and no
 * node: the executable must carry its own runtime.
 */
export async function pathWithoutNode(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const tool of ['sh', 'grep', 'cat']) {
    const found = await run('sh', ['-c', `command -v ${tool}`]).then((r) => r.stdout.trim());
    await symlink(found, join(dir, tool)).catch(() => undefined);
  }
  return dir;
}
