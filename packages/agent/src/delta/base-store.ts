/**
 * The bundle of the version of each patch the agent installed last, kept as a delta base at
 * `<data>/bases/<name>/<sha256>.tar` (one per patch name). A kept file is used only when its bytes
 * still hash to its name; anything else is discarded. Writes are atomic (temporary file, rename),
 * so a crash leaves the old base, the new one, or none: never a wrong one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface KeptBase {
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

export interface BaseStore {
  load(name: string): Promise<KeptBase | undefined>;
  keep(name: string, bytes: Uint8Array): Promise<void>;
}

const KEPT = /^([0-9a-f]{64})\.tar$/;

export function fileBaseStore(dataDir: string): BaseStore {
  const dirOf = (name: string) => join(dataDir, 'bases', name);
  return {
    async load(name) {
      const dir = dirOf(name);
      const files = await readdir(dir).catch(() => [] as string[]);
      for (const file of files) {
        const sha256 = KEPT.exec(file)?.[1];
        if (sha256 === undefined) continue;
        const bytes = new Uint8Array(await readFile(join(dir, file)));
        if (createHash('sha256').update(bytes).digest('hex') === sha256) return { sha256, bytes };
        await rm(join(dir, file), { force: true });
      }
      return undefined;
    },
    async keep(name, bytes) {
      const dir = dirOf(name);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const temp = join(dir, `.${randomUUID()}.tmp`);
      await writeFile(temp, bytes, { mode: 0o600 });
      await rename(temp, join(dir, `${sha256}.tar`));
      for (const file of await readdir(dir)) {
        if (file !== `${sha256}.tar`) await rm(join(dir, file), { force: true });
      }
    },
  };
}
