import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/core/test/data/tlog, from the compiled packages/core/dist/test/tlog. */
export const OWN_VECTORS = fileURLToPath(new URL('../../../test/data/tlog/', import.meta.url));

/** <repo>/../shared/data/merkle (transparency-dev/merkle testdata), when present. */
export const SHARED_MERKLE = fileURLToPath(
  new URL('../../../../../../shared/data/merkle/', import.meta.url),
);

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function jsonFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFilesUnder(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

export function b64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function toB64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
