/**
 * The rpm database, read through rpm itself (`rpm -qa --queryformat`), so every database
 * backend rpm supports (sqlite, ndb, bdb) is read the same way. `root` and `dbPath` are rpm's
 * `--root` and `--dbpath`. No rpm command or no database: no packages and no warning. Without
 * either option, rpm reads the first standard database folder that holds a database (passed as
 * `--dbpath`); with none, rpm is not run: `rpm -qa` creates an empty database where it finds
 * none (on a Debian host with the rpm tools, in $HOME/.rpmdb).
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecFileException } from 'node:child_process';
import type { CollectWarning, RpmPackage } from './inventory-types.js';

export interface RpmDbOptions {
  /** The rpm executable (default: `rpm` on PATH). */
  readonly command?: string | undefined;
  /** rpm --root: the file system whose database is read. */
  readonly root?: string | undefined;
  /** rpm --dbpath: the database folder, inside `root` when both are given. */
  readonly dbPath?: string | undefined;
}

export interface RpmDb {
  readonly packages: RpmPackage[];
  readonly warnings: CollectWarning[];
  /** rpm ran but failed (a locked or corrupt database): the caller may keep what it had. */
  readonly failed: boolean;
}

/** Tab-separated; EPOCH empty when the package has none ("(none)" otherwise). */
export const RPM_QUERY_FORMAT =
  '%{NAME}\\t%|EPOCH?{%{EPOCH}}:{}|\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';

/** Public keys imported with rpm --import are listed as packages; they install nothing. */
const PSEUDO_PACKAGES = new Set(['gpg-pubkey']);
const NONE = '(none)';
const EPOCH = /^[0-9]{1,10}$/;

function packageOf(line: string): RpmPackage | string {
  const fields = line.split('\t');
  if (fields.length !== 6 || fields.some((f, i) => f === '' && i !== 1))
    return `malformed rpm query line ${JSON.stringify(line.slice(0, 200))}`;
  const [name = '', epoch = '', version = '', release = '', arch = '', sourceRpm = ''] = fields;
  if (epoch !== '' && !EPOCH.test(epoch))
    return `${name}: malformed epoch ${JSON.stringify(epoch)}`;
  return {
    name,
    ...(epoch === '' ? {} : { epoch }),
    version,
    release,
    arch,
    ...(sourceRpm === NONE ? {} : { sourceRpm }),
  };
}

/** Parses the output of `rpm -qa --queryformat RPM_QUERY_FORMAT`. */
export function parseRpmQuery(
  text: string,
  where: string,
): { packages: RpmPackage[]; warnings: CollectWarning[] } {
  const packages: RpmPackage[] = [];
  const warnings: CollectWarning[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const pkg = packageOf(line);
    if (typeof pkg === 'string') warnings.push({ source: where, reason: pkg });
    else if (!PSEUDO_PACKAGES.has(pkg.name)) packages.push(pkg);
  }
  return { packages, warnings };
}

export function rpmQueryArgs(options: RpmDbOptions): string[] {
  return [
    ...(options.root === undefined ? [] : ['--root', options.root]),
    ...(options.dbPath === undefined ? [] : ['--dbpath', options.dbPath]),
    '-qa',
    '--queryformat',
    RPM_QUERY_FORMAT,
  ];
}

function run(command: string, args: readonly string[]) {
  return new Promise<{ error: ExecFileException | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        command,
        args,
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
        (error, stdout, stderr) => resolve({ error, stdout, stderr }),
      );
    },
  );
}

/** Where RPM-based systems keep the database (/usr/lib/sysimage/rpm on Fedora 36+, SUSE). */
export const STANDARD_RPM_DB_PATHS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'] as const;
/** The files of rpm's database backends: sqlite, bdb (RHEL 8 and older), ndb (SUSE). */
const DB_FILES = ['rpmdb.sqlite', 'Packages', 'Packages.db'];

async function standardDatabase(): Promise<string | undefined> {
  for (const dir of STANDARD_RPM_DB_PATHS)
    for (const file of DB_FILES)
      if ((await stat(join(dir, file)).catch(() => undefined))?.isFile() === true) return dir;
  return undefined;
}

export async function readRpmDb(options: RpmDbOptions = {}): Promise<RpmDb> {
  let query = options;
  if (options.root === undefined && options.dbPath === undefined) {
    const dbPath = await standardDatabase();
    if (dbPath === undefined) return { packages: [], warnings: [], failed: false };
    query = { ...options, dbPath };
  }
  const command = options.command ?? 'rpm';
  const args = rpmQueryArgs(query);
  const where = `${command} ${args.slice(0, -2).join(' ')}`;
  const { error, stdout, stderr } = await run(command, args);
  if (error?.code === 'ENOENT') return { packages: [], warnings: [], failed: false };
  if (error !== null) {
    const detail = stderr.trim().split('\n')[0] || error.message;
    return {
      packages: [],
      warnings: [{ source: where, reason: `failed: ${detail}` }],
      failed: true,
    };
  }
  return { ...parseRpmQuery(stdout, where), failed: false };
}
