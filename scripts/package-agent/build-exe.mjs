/**
 * The agent as one self-contained executable: a Node single executable application (SEA). The
 * agent's command entry is bundled with esbuild into one CommonJS file, turned into a SEA blob by
 * `node --experimental-sea-config`, and injected with postject into a copy of this node binary.
 * Native addons cannot live in a SEA: the bundle is refused if it reaches one, or the server.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { inject } from 'postject';

const run = promisify(execFile);
const ENTRY = 'packages/cli/dist/src/agent-exe/entry.js';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const FORBIDDEN = [/better-sqlite3/, /packages\/server\//, /node_modules\/fastify/, /\.node$/];
/**
 * Never evaluated by an idle agent (docs/PERFORMANCE.md, idle agent): the package indexes, undici,
 * the YAML parser, ML-DSA, the zstd decoder and zod (the agent checks what it reads with the guards
 * of protocol/src/guard.ts) may be in the bundle only behind a dynamic import().
 */
const NOT_AT_IDLE = [
  /packages\/(core|protocol)\/dist\/src\/index\.js$/,
  /node_modules\/(undici|yaml|zod|@noble\/post-quantum|@bokuweb\/zstd-wasm)\//,
];

/** ws's optional native speed-ups: ws tries to require them and runs without them. */
export const withoutOptionalAddons = {
  name: 'without-optional-addons',
  setup(b) {
    b.onResolve({ filter: /^(bufferutil|utf-8-validate)$/ }, (a) => ({
      path: a.path,
      namespace: 'absent',
    }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({
      contents: "throw new Error('not in the packaged agent');",
    }));
  },
};

/**
 * The zstd decoder agents rebuild deltas with (ADR 0037) reads its wasm file next to its own
 * script, which a SEA does not have: the bytes are inlined into the bundle instead.
 */
export const inlineZstdWasm = {
  name: 'inline-zstd-wasm',
  setup(b) {
    b.onLoad(
      { filter: /@bokuweb[\\/]zstd-wasm[\\/]dist[\\/]common[\\/]index\.node\.js$/ },
      async (a) => {
        const source = await readFile(a.path, 'utf8');
        const wasm = await readFile(join(dirname(a.path), 'zstd.wasm'));
        const read = "yield readFile(resolve(__dirname, './zstd.wasm'))";
        if (!source.includes(read))
          throw new Error(`${a.path}: the wasm is no longer read as expected`);
        const inlined = `Buffer.from(${JSON.stringify(wasm.toString('base64'))}, 'base64')`;
        return { contents: source.replace(read, inlined), loader: 'js' };
      },
    );
  },
};

/** The bundle's inputs evaluated at start: reached from the entry by static imports alone. */
export function staticallyReached(metafile, entryFile) {
  const entry = Object.keys(metafile.inputs).find((i) => entryFile.endsWith(i));
  const seen = new Set(entry === undefined ? [] : [entry]);
  const queue = [...seen];
  for (let input = queue.pop(); input !== undefined; input = queue.pop()) {
    for (const { path, kind } of metafile.inputs[input]?.imports ?? []) {
      if (kind === 'dynamic-import' || seen.has(path) || !(path in metafile.inputs)) continue;
      seen.add(path);
      queue.push(path);
    }
  }
  if (seen.size === 0) throw new Error(`${entryFile} is not among the bundle's inputs`);
  return seen;
}

/** Builds `<work>/patchcast-agent` for `version`; returns its path. */
export async function buildAgentExe({ repo, work, version }) {
  const bundle = join(work, 'patchcast-agent.cjs');
  const result = await build({
    entryPoints: [join(repo, ENTRY)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minifySyntax: true,
    // no comments: a smaller source, and ASCII, which V8 holds at one byte a character (not two)
    minifyWhitespace: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
    define: { PATCHCAST_AGENT_BUILD_VERSION: JSON.stringify(version) },
    plugins: [withoutOptionalAddons, inlineZstdWasm],
  });
  const reached = Object.keys(result.metafile.inputs).filter((i) =>
    FORBIDDEN.some((f) => f.test(i)),
  );
  if (reached.length > 0)
    throw new Error(`the agent bundle reaches code a SEA cannot hold: ${reached.join(', ')}`);
  const eager = staticallyReached(result.metafile, join(repo, ENTRY));
  const early = [...eager].filter((i) => NOT_AT_IDLE.some((f) => f.test(i)));
  if (early.length > 0)
    throw new Error(
      `the agent bundle evaluates at start what only a patch needs: ${early.join(', ')}`,
    );
  const config = join(work, 'sea-config.json');
  const blob = join(work, 'sea-prep.blob');
  await writeFile(
    config,
    JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }),
  );
  await run(process.execPath, ['--experimental-sea-config', config], { cwd: work });
  const exe = join(work, 'patchcast-agent');
  await copyFile(process.execPath, exe);
  await chmod(exe, 0o755);
  await inject(exe, 'NODE_SEA_BLOB', await readFile(blob), { sentinelFuse: SEA_FUSE });
  const { stdout } = await run(exe, ['--version'], { env: {} });
  if (stdout.trim() !== `patchcast-agent ${version}`)
    throw new Error(`the built executable says "${stdout.trim()}", not patchcast-agent ${version}`);
  return exe;
}
