/**
 * The console's built files (packages/console, `vite build`), read once at start and kept in
 * memory with their gzip and brotli forms: a few hundred kilobytes, served without touching disk.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export interface ConsoleAsset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
  readonly etag: string;
  /** Hashed file names under /assets/ never change: cached for a year. */
  readonly immutable: boolean;
}

/** URL path (`/index.html`, `/assets/index-abc.js`) to file. */
export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const MAX_FILES = 500;
const MAX_BYTES = 20 * 1024 * 1024;

/** Where the built console is: the @patchcast/console package's dist/, if it was built. */
export function defaultConsoleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.resolve('@patchcast/console/index.html')));
  } catch {
    return undefined;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function asset(path: string, body: Buffer): ConsoleAsset {
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  const quality = { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } };
  return {
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, quality),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    immutable: path.startsWith('/assets/'),
  };
}

/** Loads `dir`; undefined when it has no index.html (the console was not built). */
export async function loadConsoleAssets(dir: string): Promise<ConsoleAssets | undefined> {
  const index = await stat(join(dir, 'index.html')).catch(() => undefined);
  if (index === undefined) return undefined;
  const files = (await filesUnder(dir)).slice(0, MAX_FILES);
  const assets = new Map<string, ConsoleAsset>();
  let total = 0;
  for (const file of files) {
    const body = await readFile(file);
    total += body.length;
    if (total > MAX_BYTES) throw new Error(`the console in ${dir} is over ${MAX_BYTES} bytes`);
    const path = '/' + relative(dir, file).split(sep).join('/');
    assets.set(path, asset(path, body));
  }
  return assets;
}
