/**
 * What the packaged agent's command evaluates at start (docs/PERFORMANCE.md, idle agent): the
 * `patchcast-agent` dispatcher and its `run` and `enroll` commands import `@patchcast/core/base` and
 * `@patchcast/protocol/agent`, never the package indexes (the whole core with ML-DSA and TUF, every
 * API schema, undici, the YAML parser), nor zod: the agent checks what it reads with small guards. The bundle of the executable is checked the same way by
 * scripts/package-agent/build-exe.mjs; this test finds a wrong import without building it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const NOT_AT_START = [
  /\/(core|protocol)\/dist\/src\/index\.js$/,
  /\/node_modules\/(undici|yaml|zod|@noble\/post-quantum|@bokuweb\/zstd-wasm)\//,
];

/** The URLs of every module a fresh process loads while importing `entry`. */
async function loadedBy(entry: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-exe-imports-'));
  try {
    const record = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    await writeFile(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(record)}, url + '\\n');
  return next(url, context);
}
`,
    );
    const register = join(dir, 'register.mjs');
    await writeFile(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    await run(process.execPath, [
      '--import',
      pathToFileURL(register).href,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(entry)});`,
    ]);
    return (await readFile(record, 'utf8')).split('\n').filter((l) => l !== '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the packaged agent command loads no package index, undici, YAML, zod, ML-DSA or zstd', async () => {
  const entry = new URL('../../src/agent-exe/agent-exe.js', import.meta.url).href;
  const loaded = await loadedBy(entry);
  assert.ok(
    loaded.some((url) => url.endsWith('/agent-exe/enroll-command.js')),
    'the hook saw the commands',
  );
  const early = loaded.filter((url) => NOT_AT_START.some((pattern) => pattern.test(url)));
  assert.deepEqual(early, [], 'loaded at start, though only a patch or the CLI needs them');
});
