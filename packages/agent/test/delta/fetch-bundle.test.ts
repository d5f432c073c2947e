/**
 * fetch-bundle.ts against an in-memory signed repository (a fake of the updater's two calls that
 * checks §5.7 as the real one does): a delta is used only for the exact kept base and only when
 * the rebuilt bytes hash to the signed bundle; every other case downloads the full bundle.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressUsingDict, createCCtx, freeCCtx, init } from '@bokuweb/zstd-wasm';
import { SecurityError, sha256Hex, verifyTarget } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { deltaTargetEntry, deltaTargetPath, targetPathOf } from '@patchcast/protocol';
import type { DeltaLink } from '@patchcast/protocol';
import { fileBaseStore } from '../../src/delta/base-store.js';
import { fetchBundle } from '../../src/delta/fetch-bundle.js';

const REF = { name: 'app', version: '2.0.0' };
const bytesOf = (edit: string) =>
  new TextEncoder().encode(
    Array.from({ length: 4000 }, (_, i) => (i === 99 ? edit : `row ${i} ${(i * 31) % 97}`)).join(
      '\n',
    ),
  );
const V1 = bytesOf('version one');
const V2 = bytesOf('version two');
const info = (bytes: Uint8Array): TargetFile => ({
  length: bytes.length,
  hashes: { sha256: sha256Hex(bytes) },
});

/** A repository of signed entries and served bytes (which may differ from the signed ones). */
function repository() {
  const signed = new Map<string, TargetFile>();
  const served = new Map<string, Uint8Array>();
  const downloads: string[] = [];
  const updater = {
    findTarget: (path: string) => {
      const found = signed.get(path);
      if (found === undefined)
        return Promise.reject(new SecurityError('SECURITY_TARGET_UNKNOWN', `no ${path}`));
      return Promise.resolve(found);
    },
    download: async (path: string) => {
      const found = await updater.findTarget(path);
      downloads.push(path);
      const bytes = served.get(path) ?? new Uint8Array();
      verifyTarget(path, found, bytes); // §5.7
      return { info: found, bytes };
    },
  };
  const publish = (path: string, bytes: Uint8Array, entry: TargetFile = info(bytes)) => {
    signed.set(path, entry);
    served.set(path, bytes);
  };
  return { updater, publish, served, downloads };
}

async function delta(base: Uint8Array, next: Uint8Array) {
  await init();
  const context = createCCtx();
  try {
    return compressUsingDict(context, next, base, 19);
  } finally {
    freeCCtx(context); // each context holds level-19 tables: never leave one behind
  }
}

function link(base: Uint8Array, next: Uint8Array): DeltaLink {
  return {
    format: 'zstd-patch-from/v1',
    base: { version: '1.0.0', sha256: sha256Hex(base), length: base.length },
    result: { sha256: sha256Hex(next), length: next.length },
  };
}

async function setup(deltaBytes?: Uint8Array, linked: DeltaLink = link(V1, V2)) {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-fetch-bundle-'));
  const bases = fileBaseStore(dir);
  await bases.keep(REF.name, V1);
  const repo = repository();
  repo.publish(targetPathOf(REF), V2);
  const bytes = deltaBytes ?? (await delta(V1, V2));
  const path = deltaTargetPath(REF, sha256Hex(V1));
  repo.publish(
    path,
    bytes,
    deltaTargetEntry({ sha256: sha256Hex(bytes), length: bytes.length }, linked),
  );
  const lines: string[] = [];
  const deps = { updater: repo.updater, bases, log: (line: string) => lines.push(line) };
  return { dir, bases, repo, path, deps, lines, deltaLength: bytes.length };
}

describe('fetching a bundle through a delta', () => {
  test('the kept base and a good delta rebuild the signed bundle', async () => {
    const s = await setup();
    const fetched = await fetchBundle(s.deps, REF);
    assert.equal(sha256Hex(fetched.bytes), sha256Hex(V2));
    assert.deepEqual(fetched.transfer, {
      downloadBytes: s.deltaLength,
      savedBytes: V2.length - s.deltaLength,
      peerBytes: 0,
    });
    assert.deepEqual(s.repo.downloads, [s.path]);
    await rm(s.dir, { recursive: true });
  });

  test('served bytes that are not the signed delta: the full bundle', async () => {
    const s = await setup();
    const wrong = s.repo.served.get(s.path)?.slice() ?? new Uint8Array();
    wrong[wrong.length - 2] = (wrong[wrong.length - 2] ?? 0) ^ 1;
    s.repo.served.set(s.path, wrong);
    const fetched = await fetchBundle(s.deps, REF);
    assert.equal(sha256Hex(fetched.bytes), sha256Hex(V2));
    assert.equal(fetched.transfer.savedBytes, 0);
    assert.equal(fetched.transfer.downloadBytes, V2.length);
    assert.match(s.lines.join('\n'), /SECURITY_TARGET_MISMATCH/);
    await rm(s.dir, { recursive: true });
  });

  test('a signed delta made from another base (its link lies): rebuilt bytes refused, full bundle', async () => {
    const other = bytesOf('not what the agent holds');
    const s = await setup(await delta(other, V2)); // signed, linked to V1, made from `other`
    const fetched = await fetchBundle(s.deps, REF);
    assert.equal(sha256Hex(fetched.bytes), sha256Hex(V2));
    assert.equal(fetched.transfer.savedBytes, 0);
    assert.ok(fetched.transfer.downloadBytes > V2.length, 'the wasted delta counts as downloaded');
    assert.match(s.lines.join('\n'), /(SECURITY_TARGET_MISMATCH|DELTA_INVALID)/);
    await rm(s.dir, { recursive: true });
  });

  test('a link to another result or base: the delta is not even downloaded', async () => {
    for (const bad of [
      link(V1, V1),
      { ...link(V1, V2), base: { ...link(V1, V2).base, length: 1 } },
    ]) {
      const s = await setup(undefined, bad);
      const fetched = await fetchBundle(s.deps, REF);
      assert.equal(sha256Hex(fetched.bytes), sha256Hex(V2));
      assert.deepEqual(s.repo.downloads, [targetPathOf(REF)]);
      await rm(s.dir, { recursive: true });
    }
  });

  test('a kept base that no longer hashes to its name is discarded: full bundle, no delta', async () => {
    const s = await setup();
    const dir = join(s.dir, 'bases', REF.name);
    const [file] = await readdir(dir);
    await writeFile(join(dir, file ?? ''), bytesOf('tampered'));
    const fetched = await fetchBundle(s.deps, REF);
    assert.equal(sha256Hex(fetched.bytes), sha256Hex(V2));
    assert.deepEqual(s.repo.downloads, [targetPathOf(REF)]);
    assert.deepEqual(await readdir(dir), []);
    await rm(s.dir, { recursive: true });
  });

  test('no delta for the kept base, or the base is the wanted bundle: a plain download', async () => {
    const s = await setup();
    await s.bases.keep(REF.name, bytesOf('some other version'));
    assert.equal((await fetchBundle(s.deps, REF)).transfer.savedBytes, 0);
    await s.bases.keep(REF.name, V2);
    assert.deepEqual((await fetchBundle(s.deps, REF)).transfer, {
      downloadBytes: V2.length,
      savedBytes: 0,
      peerBytes: 0,
    });
    assert.equal(s.lines.length, 0, 'nothing to report');
    await rm(s.dir, { recursive: true });
  });
});
