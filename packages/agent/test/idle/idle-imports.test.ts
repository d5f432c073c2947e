/**
 * What an idle agent loads (docs/PERFORMANCE.md, idle agent): importing `@patchcast/agent/start`
 * must not load the install path (TUF and ML-DSA, the zstd decoder, installers, self-update), which
 * patch-work.ts loads at the first patch, nor zod. A fresh Node process records every module it loads
 * through a module hook; one static import in the wrong place shows up here by name.
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

/** Loaded only once a patch arrives (or never on an idle agent). */
const NOT_AT_IDLE = [
  /@noble\/post-quantum/,
  /@bokuweb\/zstd-wasm/,
  /\/core\/dist\/src\/tuf\//,
  /\/agent\/dist\/src\/installers\//,
  /\/agent\/dist\/src\/self-update\/(?!trial\.js)/, // trial.js: the trial flag's name, node built-ins only
  /\/agent\/dist\/src\/patch-runner\.js/,
  /\/node_modules\/undici\//,
  /\/agent\/dist\/src\/(peer|fetch)\//, // peer-to-peer and piece downloads (ADR 0040)
  /\/protocol\/dist\/src\/peers\//,
  /\/node_modules\/zod\//, // ~10 MiB with its locales: the agent checks what it reads with guards
];

test('importing the agent entry loads none of the install path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-idle-imports-'));
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
    const entry = new URL('../../src/agent.js', import.meta.url).href;
    await run(process.execPath, [
      '--import',
      pathToFileURL(register).href,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(entry)});`,
    ]);
    const loaded = (await readFile(record, 'utf8')).split('\n').filter((l) => l !== '');
    assert.ok(
      loaded.some((url) => url.endsWith('/agent/dist/src/agent.js')),
      'the hook saw it',
    );
    const early = loaded.filter((url) => NOT_AT_IDLE.some((pattern) => pattern.test(url)));
    assert.deepEqual(early, [], 'loaded by an idle agent, though only a patch needs them');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
