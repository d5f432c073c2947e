/**
 * Python distributions installed in site-packages folders and virtual environments the operator
 * lists: each `*.dist-info/METADATA` (Core metadata, an RFC 822 header block; what pip and every
 * modern installer write) and legacy `*.egg-info` (a `PKG-INFO` file or the file itself), read
 * for `Name` and `Version`. A virtual environment (a folder with `pyvenv.cfg`) is read through
 * its `lib/python3.X/site-packages`.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectWarning, PypiPackage } from './inventory-types.js';

export const PYTHON_SITE_LIMITS = { packages: 100_000, metadataBytes: 1024 * 1024 } as const;

export interface PythonSite {
  readonly packages: PypiPackage[];
  readonly warnings: CollectWarning[];
}

const HEADER = /^([A-Za-z0-9-]+):[ \t]*(.*)$/;

/**
 * Name and Version from the header block of Core metadata (everything before the first blank
 * line; continuation lines start with a blank), or the reason they are missing.
 */
export function parseCoreMetadata(text: string): { name: string; version: string } | string {
  const fields = new Map<string, string>();
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const m = HEADER.exec(line);
    const key = m?.[1]?.toLowerCase();
    if (key !== undefined && !fields.has(key)) fields.set(key, (m?.[2] ?? '').trim());
  }
  const name = fields.get('name') ?? '';
  const version = fields.get('version') ?? '';
  if (name === '' || version === '') return 'metadata has no Name or Version';
  return { name, version };
}

async function kind(path: string): Promise<'dir' | 'file' | undefined> {
  const s = await stat(path).catch(() => undefined);
  return s?.isDirectory() === true ? 'dir' : s?.isFile() === true ? 'file' : undefined;
}

/** The site-packages folders of a virtual environment, or the folder itself. */
async function siteDirs(path: string): Promise<string[]> {
  if ((await kind(join(path, 'pyvenv.cfg'))) !== 'file') return [path];
  const lib = join(path, 'lib');
  const versions = (await readdir(lib).catch(() => [] as string[])).filter((n) =>
    /^python\d+(\.\d+)*$/.test(n),
  );
  return versions.sort().map((v) => join(lib, v, 'site-packages'));
}

/** The metadata file of a .dist-info or .egg-info entry, or undefined for anything else. */
async function metadataFile(entry: string): Promise<string | undefined> {
  if (entry.endsWith('.dist-info')) return join(entry, 'METADATA');
  if (!entry.endsWith('.egg-info')) return undefined;
  return (await kind(entry)) === 'dir' ? join(entry, 'PKG-INFO') : entry;
}

async function readDistribution(entry: string, out: PythonSite): Promise<void> {
  const file = await metadataFile(entry);
  if (file === undefined) return;
  try {
    const size = (await stat(file)).size;
    if (size > PYTHON_SITE_LIMITS.metadataBytes) {
      out.warnings.push({
        source: file,
        reason: `larger than ${PYTHON_SITE_LIMITS.metadataBytes} bytes`,
      });
      return;
    }
    const parsed = parseCoreMetadata(await readFile(file, 'utf8'));
    if (typeof parsed === 'string') out.warnings.push({ source: file, reason: parsed });
    else out.packages.push({ ...parsed, path: entry });
  } catch (error) {
    out.warnings.push({ source: file, reason: `unreadable (${(error as Error).message})` });
  }
}

/** Every distribution in one listed folder: a site-packages folder or a virtual environment. */
export async function pythonSitePackages(path: string): Promise<PythonSite> {
  const out: PythonSite = { packages: [], warnings: [] };
  if ((await kind(path)) !== 'dir') {
    out.warnings.push({ source: path, reason: 'not a folder' });
    return out;
  }
  for (const site of await siteDirs(path)) {
    const names = await readdir(site).catch(() => undefined);
    if (names === undefined) {
      out.warnings.push({ source: site, reason: 'not a folder' });
      continue;
    }
    for (const name of names.sort()) {
      if (out.packages.length >= PYTHON_SITE_LIMITS.packages) {
        out.warnings.push({
          source: site,
          reason: `stopped at ${PYTHON_SITE_LIMITS.packages} distributions`,
        });
        return out;
      }
      await readDistribution(join(site, name), out);
    }
  }
  return out;
}
