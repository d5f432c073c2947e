/**
 * Delta targets (docs/protocol/delta.md): paths, the signed link, the frame header read before
 * decoding, and the WebAssembly decoder's refusals. Deltas here are made with zstd's own
 * dictionary compression (the same library compiled to WebAssembly, not our code); the
 * end-to-end test covers deltas made by the zstd program.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { compress, compressUsingDict, createCCtx, freeCCtx, init } from '@bokuweb/zstd-wasm';
import { PatchcastError } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import {
  applyDelta,
  deltaLinkMismatch,
  deltaLinkOf,
  deltaOfTargetPath,
  deltaTargetEntry,
  deltaTargetPath,
  zstdFrameContentSize,
} from '../../src/index.js';
import type { DeltaLink } from '../../src/index.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (n: number, edit = '') =>
  new TextEncoder().encode(
    Array.from({ length: n }, (_, i) => (i === 77 ? edit : `row ${i} ${(i * 7919) % 1013}`)).join(
      '\n',
    ),
  );

async function makeDelta(base: Uint8Array, next: Uint8Array): Promise<Uint8Array> {
  await init();
  const context = createCCtx();
  try {
    return compressUsingDict(context, next, base, 19);
  } finally {
    freeCCtx(context); // each context holds level-19 tables: never leave one behind
  }
}

const isDeltaInvalid = (error: unknown) =>
  error instanceof PatchcastError && error.code === 'DELTA_INVALID';

describe('delta target paths', () => {
  const base = 'a'.repeat(64);
  test('round-trip and refusals', () => {
    const path = deltaTargetPath({ name: 'app', version: '2.0.0' }, base);
    assert.equal(path, `app/2.0.0/deltas/${base}.zst`);
    assert.deepEqual(deltaOfTargetPath(path), {
      ref: { name: 'app', version: '2.0.0' },
      baseSha256: base,
    });
    for (const bad of [
      'app/2.0.0/bundle.tar',
      `app/2.0.0/deltas/${base}.tar`,
      `app/2.0.0/deltas/${base.slice(1)}.zst`,
      `App/2.0.0/deltas/${base}.zst`,
      `app/2.0.0/other/${base}.zst`,
      `x/app/2.0.0/deltas/${base}.zst`,
    ])
      assert.equal(deltaOfTargetPath(bad), undefined, bad);
  });
});

describe('the signed delta link', () => {
  const base = { version: '1.0.0', sha256: 'b'.repeat(64), length: 10 };
  const link: DeltaLink = {
    format: 'zstd-patch-from/v1',
    base,
    result: { sha256: 'c'.repeat(64), length: 20 },
  };
  const path = deltaTargetPath({ name: 'app', version: '2.0.0' }, base.sha256);
  const result: TargetFile = { length: 20, hashes: { sha256: 'c'.repeat(64) } };

  test('a published entry reads back; a missing or malformed link is METADATA_INVALID', () => {
    const entry = deltaTargetEntry({ sha256: 'd'.repeat(64), length: 5 }, link);
    assert.deepEqual(deltaLinkOf(path, entry), link);
    const malformed = [
      { ...entry, custom: undefined },
      { ...entry, custom: { patchcast: { delta: { ...link, format: 'bsdiff' } } } },
      { ...entry, custom: { patchcast: { delta: { ...link, extra: 1 } } } },
      {
        ...entry,
        custom: { patchcast: { delta: { ...link, base: { ...base, sha256: 'B'.repeat(64) } } } },
      },
    ];
    for (const info of malformed)
      assert.throws(() => deltaLinkOf(path, info), /no valid delta link/);
  });

  test('the link must name the path base and the signed result', () => {
    assert.equal(deltaLinkMismatch(path, link, result), undefined);
    assert.match(deltaLinkMismatch(path, link, undefined) ?? '', /not published/);
    assert.match(
      deltaLinkMismatch(path, link, { ...result, length: 21 }) ?? '',
      /does not rebuild/,
    );
    const other = deltaTargetPath({ name: 'app', version: '2.0.0' }, 'e'.repeat(64));
    assert.match(deltaLinkMismatch(other, link, result) ?? '', /names base/);
  });
});

describe('applying a delta', () => {
  test('rebuilds the result from the base', async () => {
    const base = text(5000);
    const next = text(5000, 'changed');
    const delta = await makeDelta(base, next);
    assert.ok(delta.length < next.length / 20);
    assert.equal(zstdFrameContentSize(delta), next.length);
    const rebuilt = await applyDelta('zstd-patch-from/v1', base, delta, next.length);
    assert.equal(sha(rebuilt), sha(next));
  });

  test('refuses a frame that declares another length, garbage and an unknown format', async () => {
    const base = text(3000);
    const next = text(3000, 'edit');
    const delta = await makeDelta(base, next);
    await assert.rejects(
      applyDelta('zstd-patch-from/v1', base, delta, next.length + 1),
      isDeltaInvalid,
    );
    await assert.rejects(applyDelta('zstd-patch-from/v1', base, text(10), 10), isDeltaInvalid);
    await assert.rejects(
      applyDelta('bsdiff' as 'zstd-patch-from/v1', base, delta, next.length),
      isDeltaInvalid,
    );
  });

  test('a corrupted body is refused (DELTA_INVALID) or decodes to other bytes, never anything else', async () => {
    const base = text(3000);
    const next = text(3000, 'edit');
    const delta = await makeDelta(base, next);
    const outcomes = new Map<string, number>();
    for (let at = 8; at < delta.length; at += Math.max(1, Math.floor(delta.length / 40))) {
      const bad = delta.slice();
      bad[at] = (bad[at] ?? 0) ^ 0x5a;
      const outcome = await applyDelta('zstd-patch-from/v1', base, bad, next.length).then(
        (bytes) => (sha(bytes) === sha(next) ? 'same' : 'other bytes'),
        (error: unknown) => (isDeltaInvalid(error) ? 'refused' : `unexpected ${String(error)}`),
      );
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    assert.deepEqual(
      [...outcomes.keys()].filter((k) => k.startsWith('unexpected')),
      [],
      'only DELTA_INVALID is thrown',
    );
    assert.ok((outcomes.get('refused') ?? 0) > 0, JSON.stringify([...outcomes]));
  });

  test('applied to another base, a delta does not rebuild the result', async () => {
    const base = text(3000);
    const next = text(3000, 'edit');
    const delta = await makeDelta(base, next);
    const other = text(3000, 'another base');
    const fromOther = await applyDelta('zstd-patch-from/v1', other, delta, next.length).catch(
      () => undefined,
    );
    assert.notEqual(fromOther === undefined ? 'refused' : sha(fromOther), sha(next));
  });
});

describe('the zstd frame header', () => {
  test('reads the content size of real frames and nothing from other bytes', async () => {
    await init();
    for (const size of [0, 1, 255, 256, 65_791, 70_000]) {
      const frame = compress(new Uint8Array(size).fill(7), 3);
      assert.equal(zstdFrameContentSize(frame), size, `size ${size}`);
    }
    assert.equal(zstdFrameContentSize(new Uint8Array([0x28, 0xb5, 0x2f])), undefined);
    assert.equal(zstdFrameContentSize(new Uint8Array(16)), undefined);
  });
});
