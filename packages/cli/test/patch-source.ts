import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes a patch source folder: files/ plus an optional patchcast.json. */
export async function writePatchSource(
  dir: string,
  files: Readonly<Record<string, string>>,
  config?: Record<string, unknown>,
): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, 'files', path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  await mkdir(join(dir, 'files'), { recursive: true });
  if (config !== undefined) await writeFile(join(dir, 'patchcast.json'), JSON.stringify(config));
  return dir;
}
