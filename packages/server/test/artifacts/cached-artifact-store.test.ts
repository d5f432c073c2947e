import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CachedArtifactStore } from '../../src/artifacts/cached-artifact-store.js';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';

/** The real disk store, counting whole-artifact reads. */
class CountingStore extends LocalArtifactStore {
  reads = 0;
  override read(sha256: string): Promise<Buffer | undefined> {
    this.reads++;
    return super.read(sha256);
  }
}

async function withStore(
  capacityBytes: number,
  body: (cache: CachedArtifactStore, disk: CountingStore) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-cache-'));
  try {
    const disk = new CountingStore(dir);
    await disk.init();
    await body(new CachedArtifactStore(disk, { capacityBytes }), disk);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function add(store: CachedArtifactStore, bytes: Buffer): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await store.put(sha256, Readable.from([bytes]), bytes.length);
  return sha256;
}

async function bytesOf(
  store: CachedArtifactStore,
  sha256: string,
  range?: { start: number; end: number },
): Promise<{ bytes: Buffer; length: number }> {
  const file = await store.open(sha256, range);
  assert.ok(file, `artifact ${sha256} should open`);
  return { bytes: await buffer(file.stream), length: file.length };
}

test('concurrent downloads of a hot artifact share one read and get identical bytes', async () => {
  await withStore(1024 * 1024, async (cache, disk) => {
    const data = randomBytes(100_000);
    const sha = await add(cache, data);
    const results = await Promise.all(Array.from({ length: 20 }, () => bytesOf(cache, sha)));
    for (const result of results) {
      assert.deepEqual(result.bytes, data);
      assert.equal(result.length, data.length);
    }
    assert.equal(disk.reads, 1);
    assert.equal(cache.bytes, data.length);
  });
});

test('a range is served from the cache and from disk alike, with the whole length', async () => {
  await withStore(1024 * 1024, async (cache) => {
    const small = randomBytes(5000);
    const sha = await add(cache, small);
    const first = await bytesOf(cache, sha, { start: 10, end: 19 });
    assert.deepEqual(first.bytes, small.subarray(10, 20));
    assert.equal(first.length, 5000);
    const again = await bytesOf(cache, sha, { start: 4990, end: 4999 });
    assert.deepEqual(again.bytes, small.subarray(4990));
  });
  await withStore(0, async (cache, disk) => {
    const data = randomBytes(5000);
    const sha = await add(cache, data);
    const part = await bytesOf(cache, sha, { start: 100, end: 199 });
    assert.deepEqual(part.bytes, data.subarray(100, 200));
    assert.equal(part.length, 5000);
    assert.equal(disk.reads, 0, 'a disabled cache never reads whole artifacts');
  });
});

test('the least recently used artifact is evicted past the capacity; large ones are streamed', async () => {
  await withStore(10_000, async (cache, disk) => {
    const [a, b, c] = [randomBytes(2000), randomBytes(2000), randomBytes(2000)];
    const big = randomBytes(3000); // over a quarter of the capacity
    const [shaA, shaB, shaC, shaBig] = [
      await add(cache, a),
      await add(cache, b),
      await add(cache, c),
      await add(cache, big),
    ];
    await bytesOf(cache, shaA);
    await bytesOf(cache, shaB);
    await bytesOf(cache, shaA); // A is now the most recently used
    await bytesOf(cache, shaC);
    assert.equal(cache.bytes, 6000);
    assert.deepEqual((await bytesOf(cache, shaBig)).bytes, big);
    assert.equal(cache.bytes, 6000, 'an artifact over the entry limit is not cached');
    const readsBefore = disk.reads;
    const d = randomBytes(2000);
    const e = randomBytes(2000);
    await bytesOf(cache, await add(cache, d));
    await bytesOf(cache, await add(cache, e)); // 10,000 bytes: full, nothing evicted yet
    assert.equal(cache.bytes, 10_000);
    await bytesOf(cache, await add(cache, randomBytes(2000))); // evicts B, the least recent
    assert.equal(cache.bytes, 10_000);
    assert.equal(disk.reads, readsBefore + 3);
    await bytesOf(cache, shaA);
    assert.equal(disk.reads, readsBefore + 3, 'A stayed cached');
    assert.deepEqual((await bytesOf(cache, shaB)).bytes, b);
    assert.equal(disk.reads, readsBefore + 4, 'B was evicted and read again');
  });
});

test('an absent artifact is undefined, not an error', async () => {
  await withStore(1024, async (cache) => {
    assert.equal(await cache.open('0'.repeat(64)), undefined);
    assert.equal(await cache.has('0'.repeat(64)), false);
  });
});
