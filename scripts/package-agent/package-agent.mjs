/**
 * `npm run package:agent`: the agent as a single executable, wrapped in a .deb and an .rpm under
 * dist/packages/. Flags: --version V (default: the package.json version), --out DIR,
 * --exe-only (just the executable, e.g. a new agent version to publish as a self-update).
 */
import { mkdir, mkdtemp, copyFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAgentExe } from './build-exe.mjs';
import { buildDeb, buildRpm } from './os-packages.mjs';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    out: { type: 'string' },
    'exe-only': { type: 'boolean' },
  },
});
const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
const version = values.version ?? manifest.version;
if (!/^[0-9][A-Za-z0-9.+~-]*$/.test(version)) throw new Error(`not a package version: ${version}`);
const out = resolve(values.out ?? join(repo, 'dist', 'packages'));
await mkdir(out, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'patchcast-package-'));
try {
  const exe = await buildAgentExe({ repo, work, version });
  const written = [join(out, `patchcast-agent-${version}`)];
  await copyFile(exe, written[0]);
  if (values['exe-only'] !== true) {
    written.push(await buildDeb({ work, exe, version, out }));
    written.push(await buildRpm({ work, exe, version, out }));
  }
  for (const file of written) console.log(file);
} finally {
  await rm(work, { recursive: true, force: true });
}
