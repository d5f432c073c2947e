import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PatchcastError, canonicalBytes, sha256Hex, utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '../../src/bundle/index.js';
import type { BundleLimits } from '../../src/bundle/index.js';
import { writeTar } from '../../src/bundle/tar-writer.js';
import { END, blobEntries, concat, craftHeader, manifestOf, padded, rawBundle } from './craft.js';
import type { RawFile } from './craft.js';

function assertRefused(
  bytes: Uint8Array,
  code: 'BUNDLE_MALFORMED' | 'BUNDLE_PATH_UNSAFE',
  reason: RegExp,
  limits?: Partial<BundleLimits>,
): void {
  assert.throws(
    () => readBundle(bytes, limits),
    (error: unknown) => {
      assert.ok(error instanceof PatchcastError, String(error));
      assert.equal(error.code, code, error.message);
      assert.match(error.message, reason);
      return true;
    },
  );
}

function withFiles(files: readonly RawFile[], extra: object = {}): Uint8Array {
  return rawBundle(manifestOf(files, extra), [...new Set(files.map((file) => file.content))]);
}

const good: readonly RawFile[] = [
  { path: 'a.txt', content: 'A' },
  { path: 'b/c.txt', content: 'C' },
];

test('the hostile fixtures start from a bundle the reader accepts', () => {
  assert.equal(readBundle(withFiles(good)).manifest.files.length, 2);
});

test('manifest paths that escape or are ambiguous are BUNDLE_PATH_UNSAFE', () => {
  const paths: readonly [string, RegExp][] = [
    ['../etc/passwd', /files\[0\]\.path "\.\.\/etc\/passwd" has a "\.\." segment/],
    ['/etc/passwd', /is absolute/],
    ['a\\..\\b', /backslash/],
  ];
  for (const [path, reason] of paths) {
    assertRefused(withFiles([{ path, content: 'x' }]), 'BUNDLE_PATH_UNSAFE', reason);
  }
});

test('a NUL in a path is refused whether raw (invalid JSON) or escaped', () => {
  const raw = withFiles([{ path: 'a\0b', content: 'x' }]);
  assertRefused(raw, 'BUNDLE_MALFORMED', /not valid UTF-8 JSON/);
  const json = new TextDecoder().decode(
    canonicalBytes(manifestOf([{ path: 'a\0b', content: 'x' }])),
  );
  const escaped = writeTar([
    { name: 'manifest.json', data: utf8(json.replace('\0', '\\u0000')) },
    ...blobEntries(['x']),
  ]);
  assertRefused(escaped, 'BUNDLE_PATH_UNSAFE', /files\[0\]\.path "a\\u0000b" contains a NUL/);
});

test('duplicate paths, file-vs-folder conflicts and file-removal clashes are refused', () => {
  const dup = withFiles([
    { path: 'a', content: 'x' },
    { path: 'a', content: 'y' },
  ]);
  assertRefused(dup, 'BUNDLE_PATH_UNSAFE', /files\[1\]\.path "a" is listed twice/);
  const nested = withFiles([
    { path: 'a', content: 'x' },
    { path: 'a/b', content: 'y' },
  ]);
  assertRefused(nested, 'BUNDLE_PATH_UNSAFE', /"a" is a file or removal and also a folder/);
  const clash = withFiles(good, { removals: ['a.txt'] });
  assertRefused(clash, 'BUNDLE_PATH_UNSAFE', /removals\[0\] "a\.txt" is also a file/);
  const under = withFiles(good, { removals: ['a.txt/x'] });
  assertRefused(under, 'BUNDLE_PATH_UNSAFE', /also a folder/);
  assertRefused(withFiles(good, { removals: ['../x'] }), 'BUNDLE_PATH_UNSAFE', /removals\[0\]/);
});

test('setuid, setgid and sticky modes are BUNDLE_PATH_UNSAFE by default', () => {
  for (const mode of [0o4755, 0o2755, 0o1777]) {
    const bundle = withFiles([{ path: 'bin/x', content: 'x', mode }]);
    assertRefused(bundle, 'BUNDLE_PATH_UNSAFE', /setuid, setgid or sticky/);
  }
});

test('unknown manifest fields are refused by name', () => {
  assertRefused(withFiles(good, { extra: 1 }), 'BUNDLE_MALFORMED', /Unrecognized key: "extra"/);
  const hooks = { preInstall: { command: ['true'], timeoutMs: 5, shell: true } };
  assertRefused(withFiles(good, { hooks }), 'BUNDLE_MALFORMED', /manifest\.hooks\.preInstall/);
  const file = { ...manifestOf(good), files: [{ path: 'a', mode: 420, sha256: 'x', size: 1 }] };
  assertRefused(rawBundle(file, []), 'BUNDLE_MALFORMED', /manifest\.files\[0\]\.sha256/);
});

test('tar entry names are never destinations: "../x" is refused', () => {
  const manifest = rawBundle(manifestOf([]), []).subarray(0, 1024);
  const evil = concat(manifest, craftHeader('../x', 1), padded(utf8('x')), END);
  assertRefused(evil, 'BUNDLE_PATH_UNSAFE', /tar entry name "\.\.\/x"/);
  const odd = concat(manifest, craftHeader('other.txt', 1), padded(utf8('x')), END);
  assertRefused(odd, 'BUNDLE_MALFORMED', /unexpected entry "other\.txt"/);
});

test('links, devices and FIFOs are refused; other entry types are malformed', () => {
  const kinds: readonly [string, string, RegExp][] = [
    ['1', 'BUNDLE_PATH_UNSAFE', /hard link/],
    ['2', 'BUNDLE_PATH_UNSAFE', /symbolic link/],
    ['3', 'BUNDLE_PATH_UNSAFE', /character device/],
    ['4', 'BUNDLE_PATH_UNSAFE', /block device/],
    ['6', 'BUNDLE_PATH_UNSAFE', /FIFO/],
    ['5', 'BUNDLE_MALFORMED', /unsupported type "5"/],
    ['x', 'BUNDLE_MALFORMED', /unsupported type "x"/],
    ['\0', 'BUNDLE_MALFORMED', /unsupported type/],
  ];
  for (const [flag, code, reason] of kinds) {
    const header = craftHeader('manifest.json', 0, (h) => {
      h[156] = flag.charCodeAt(0);
      h.set(utf8('/etc/passwd'), 157);
    });
    assertRefused(concat(header, END), code as 'BUNDLE_MALFORMED', reason);
  }
});

test('a blob whose content does not match its hash is refused', () => {
  const manifest = manifestOf([{ path: 'a', content: 'A' }]);
  const forged = writeTar([
    { name: 'manifest.json', data: canonicalBytes(manifest) },
    { name: `blobs/${sha256Hex(utf8('A'))}`, data: utf8('B') },
  ]);
  assertRefused(forged, 'BUNDLE_MALFORMED', /does not match its SHA-256/);
  const short = writeTar([
    { name: 'manifest.json', data: canonicalBytes(manifest) },
    { name: `blobs/${sha256Hex(utf8('A'))}`, data: utf8('AA') },
  ]);
  assertRefused(short, 'BUNDLE_MALFORMED', /has 2 bytes, not 1/);
});

test('truncated archives are refused', () => {
  const bundle = withFiles(good);
  assertRefused(bundle.subarray(0, bundle.length - 512), 'BUNDLE_MALFORMED', /truncated/);
  assertRefused(bundle.subarray(0, bundle.length - 1024), 'BUNDLE_MALFORMED', /end-of-archive/);
  assertRefused(bundle.subarray(0, 700), 'BUNDLE_MALFORMED', /truncated/);
  assertRefused(bundle.subarray(0, 1100), 'BUNDLE_MALFORMED', /truncated/);
  assertRefused(new Uint8Array(), 'BUNDLE_MALFORMED', /end-of-archive/);
});

test('a bad header checksum, a non-canonical header or trailing bytes are refused', () => {
  const flipped = withFiles(good).slice();
  flipped[1] = 0x41;
  assertRefused(flipped, 'BUNDLE_MALFORMED', /bad checksum/);
  const dated = craftHeader('manifest.json', 0, (h) => h.set(utf8('14000000000\0'), 136));
  assertRefused(concat(dated, END), 'BUNDLE_MALFORMED', /field mtime is not canonical/);
  const owned = craftHeader('manifest.json', 0, (h) => h.set(utf8('root'), 265));
  assertRefused(concat(owned, END), 'BUNDLE_MALFORMED', /field uname is not canonical/);
  const trailing = concat(withFiles(good), new Uint8Array(512));
  assertRefused(trailing, 'BUNDLE_MALFORMED', /bytes after its end marker/);
  const padding = withFiles(good).slice();
  padding[1024 + 512 + 1] = 1;
  assertRefused(padding, 'BUNDLE_MALFORMED', /non-zero padding|not canonical|checksum/);
});

test('missing, extra, duplicate and unsorted blobs are refused', () => {
  const manifest = manifestOf(good);
  assertRefused(rawBundle(manifest, ['A']), 'BUNDLE_MALFORMED', /of "b\/c\.txt" is missing/);
  assertRefused(rawBundle(manifest, ['A', 'C', 'X']), 'BUNDLE_MALFORMED', /not referenced/);
  const [first, second] = [`blobs/${sha256Hex(utf8('A'))}`, `blobs/${sha256Hex(utf8('C'))}`];
  const twice = writeTar([
    { name: 'manifest.json', data: canonicalBytes(manifest) },
    { name: first, data: utf8('A') },
    { name: first, data: utf8('A') },
  ]);
  assertRefused(twice, 'BUNDLE_MALFORMED', /twice/);
  const sorted = [first, second].sort();
  const unsorted = writeTar([
    { name: 'manifest.json', data: canonicalBytes(manifest) },
    { name: sorted[1] ?? '', data: utf8(sorted[1] === first ? 'A' : 'C') },
    { name: sorted[0] ?? '', data: utf8(sorted[0] === first ? 'A' : 'C') },
  ]);
  assertRefused(unsorted, 'BUNDLE_MALFORMED', /out of order/);
});

test('the manifest must come first, once, canonical and sorted', () => {
  const blobFirst = writeTar([{ name: `blobs/${sha256Hex(utf8('A'))}`, data: utf8('A') }]);
  assertRefused(blobFirst, 'BUNDLE_MALFORMED', /first entry must be manifest\.json/);
  const manifest = manifestOf(good);
  const twice = writeTar([
    { name: 'manifest.json', data: canonicalBytes(manifest) },
    { name: 'manifest.json', data: canonicalBytes(manifest) },
  ]);
  assertRefused(twice, 'BUNDLE_MALFORMED', /second manifest\.json/);
  const spaced = writeTar([
    { name: 'manifest.json', data: utf8(JSON.stringify(manifest, null, 1)) },
  ]);
  assertRefused(spaced, 'BUNDLE_MALFORMED', /not canonical JSON/);
  const reversed = { ...manifest, files: [...(manifest.files as unknown[])].reverse() };
  assertRefused(rawBundle(reversed, ['A', 'C']), 'BUNDLE_MALFORMED', /sorted by path/);
  const notJson = writeTar([{ name: 'manifest.json', data: utf8('{"format":') }]);
  assertRefused(notJson, 'BUNDLE_MALFORMED', /not valid UTF-8 JSON/);
});

test('size and count limits are enforced', () => {
  const bundle = withFiles(good);
  assertRefused(bundle, 'BUNDLE_MALFORMED', /manifest\.json has \d+ bytes; the limit is 100/, {
    maxManifestBytes: 100,
  });
  assertRefused(bundle, 'BUNDLE_MALFORMED', /more than 2 entries/, { maxFiles: 1 });
  const same = withFiles([
    { path: 'a', content: 'x' },
    { path: 'b', content: 'x' },
  ]);
  assertRefused(same, 'BUNDLE_MALFORMED', /lists 2 files; the limit is 1/, { maxFiles: 1 });
  assertRefused(bundle, 'BUNDLE_MALFORMED', /the limit is 1000/, { maxBundleBytes: 1000 });
  const big = withFiles([{ path: 'a', content: 'x'.repeat(100) }]);
  assertRefused(big, 'BUNDLE_MALFORMED', /has 100 bytes; the limit is 99/, { maxFileBytes: 99 });
});

test('any single corrupted byte is either harmless or a BUNDLE_* error', () => {
  const bundle = buildBundle({
    name: 'fuzz',
    version: '1',
    files: good.map((file) => ({ path: file.path, mode: 0o644, content: utf8(file.content) })),
  });
  fc.assert(
    fc.property(fc.nat(bundle.length - 1), fc.integer({ min: 1, max: 255 }), (index, delta) => {
      const copy = bundle.slice();
      copy[index] = ((copy[index] ?? 0) + delta) % 256;
      try {
        readBundle(copy);
      } catch (error) {
        assert.ok(error instanceof PatchcastError, String(error));
        assert.match(error.code, /^BUNDLE_(MALFORMED|PATH_UNSAFE)$/);
      }
    }),
    { numRuns: 2000 },
  );
});
