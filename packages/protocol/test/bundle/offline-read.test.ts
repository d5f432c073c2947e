/**
 * The offline bundle container as hostile input (docs/protocol/offline-bundle.md "What the
 * reader refuses"): every member in its one place, within its limit, and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SecurityError, canonicalBytes, utf8 } from '@patchcast/core';
import {
  OFFLINE_LIMITS,
  buildBundle,
  readOfflineBundle,
  writeOfflineBundle,
} from '../../src/bundle/index.js';
import type { OfflineBundleParts } from '../../src/bundle/index.js';
import { writeTar } from '../../src/bundle/tar-writer.js';
import type { TarEntry } from '../../src/bundle/tar-writer.js';

const publication = { entry: 'AAAA', proof: 'c2lnbmVk\n' };
const parts: OfflineBundleParts = {
  name: 'app',
  version: '1.0.0',
  roots: [utf8('{"root":1}'), utf8('{"root":2}')],
  timestamp: utf8('{"timestamp":7}'),
  snapshot: { version: 7, bytes: utf8('{"snapshot":7}') },
  targets: { version: 5, bytes: utf8('{"targets":5}') },
  delegated: new Map([
    ['team-b', { version: 2, bytes: utf8('{"b":2}') }],
    ['team-a', { version: 3, bytes: utf8('{"a":3}') }],
  ]),
  target: utf8('bundle bytes'),
  publication: utf8(JSON.stringify(publication)),
  leafHashes: new Uint8Array(64).fill(7),
};

const entries = (): TarEntry[] => [
  {
    name: 'offline.json',
    data: canonicalBytes({ format: 'patchcast-offline/v1', name: 'app', version: '1.0.0' }),
  },
  { name: 'metadata/1.root.json', data: utf8('{}') },
  { name: 'metadata/timestamp.json', data: utf8('{}') },
  { name: 'metadata/3.snapshot.json', data: utf8('{}') },
  { name: 'metadata/4.targets.json', data: utf8('{}') },
  { name: 'target/bundle.tar', data: utf8('x') },
  { name: 'log/publication.json', data: utf8(JSON.stringify(publication)) },
  { name: 'log/leaf-hashes', data: new Uint8Array(32) },
];

function refused(bytes: Uint8Array, code: string, message: RegExp): void {
  assert.throws(
    () => readOfflineBundle(bytes),
    (error: unknown) =>
      error instanceof SecurityError && error.code === code && message.test(error.message),
  );
}

test('write and read round-trip; members in canonical order; the same parts give the same bytes', () => {
  const bytes = writeOfflineBundle(parts);
  assert.deepEqual(writeOfflineBundle(parts), bytes);
  const read = readOfflineBundle(bytes);
  assert.deepEqual(read.ref, { name: 'app', version: '1.0.0' });
  assert.deepEqual(
    [...read.metadata.keys()],
    [
      '1.root.json',
      '2.root.json',
      'timestamp.json',
      '7.snapshot.json',
      '5.targets.json',
      '3.team-a.json',
      '2.team-b.json',
    ],
  );
  assert.deepEqual(read.publication, publication);
  assert.equal(read.leafHashes.length, 2);
  assert.deepEqual(read.target, parts.target);
});

test('the minimal well-formed container is accepted', () => {
  assert.equal(readOfflineBundle(writeTar(entries())).leafHashes.length, 1);
});

test('a bare patch bundle is SECURITY_BUNDLE_UNSIGNED', () => {
  const bare = buildBundle({ name: 'evil', version: '1.0.0', files: [] });
  refused(bare, 'SECURITY_BUNDLE_UNSIGNED', /bare patch bundle/);
});

test('misplaced, missing, repeated, unknown and unsafe members are SECURITY_OFFLINE_MALFORMED', () => {
  const cases: [string, (list: TarEntry[]) => TarEntry[], RegExp][] = [
    ['no roots', (l) => l.filter((e) => !e.name.endsWith('root.json')), /no root metadata/],
    [
      'root 2 without 1',
      (l) =>
        l.map((e) =>
          e.name === 'metadata/1.root.json' ? { ...e, name: 'metadata/2.root.json' } : e,
        ),
      /expected version 1 of root/,
    ],
    [
      'snapshot before timestamp',
      (l) => [l[0], l[1], l[3], l[2], ...l.slice(4)] as TarEntry[],
      /expected member metadata\/timestamp\.json, found metadata\/3\.snapshot\.json/,
    ],
    [
      'no targets',
      (l) => l.filter((e) => !e.name.endsWith('targets.json')),
      /expected metadata\/<version>\.targets\.json/,
    ],
    [
      'two snapshots',
      (l) => [
        ...l.slice(0, 4),
        { name: 'metadata/4.snapshot.json', data: utf8('{}') },
        ...l.slice(4),
      ],
      /expected metadata\/<version>\.targets\.json/,
    ],
    [
      'delegated out of order',
      (l) => [
        ...l.slice(0, 5),
        { name: 'metadata/1.zz.json', data: utf8('{}') },
        { name: 'metadata/1.aa.json', data: utf8('{}') },
        ...l.slice(5),
      ],
      /out of order or repeated/,
    ],
    [
      'delegated named root',
      (l) => [...l.slice(0, 5), { name: 'metadata/9.root.json', data: utf8('{}') }, ...l.slice(5)],
      /out of order or repeated/,
    ],
    ['unknown member', (l) => [...l, { name: 'extra', data: utf8('') }], /unexpected member extra/],
    ['no leaf hashes', (l) => l.slice(0, -1), /expected member log\/leaf-hashes, found the end/],
    [
      'unsafe name',
      (l) => [...l.slice(0, 1), { name: 'metadata/../../x', data: utf8('') }, ...l.slice(1)],
      /"\.\." segment/,
    ],
    [
      'index with extra field',
      (l) => [
        {
          name: 'offline.json',
          data: canonicalBytes({
            format: 'patchcast-offline/v1',
            name: 'app',
            version: '1',
            extra: 1,
          }),
        },
        ...l.slice(1),
      ],
      /not a canonical patchcast-offline\/v1 index/,
    ],
    [
      'index not canonical',
      (l) => [
        {
          name: 'offline.json',
          data: utf8('{"version":"1","name":"app","format":"patchcast-offline/v1"}'),
        },
        ...l.slice(1),
      ],
      /not a canonical/,
    ],
    [
      'half a hash',
      (l) => [...l.slice(0, -1), { name: 'log/leaf-hashes', data: new Uint8Array(48) }],
      /whole number of 32-byte hashes/,
    ],
    [
      'proof of another shape',
      (l) => [
        ...l.slice(0, -2),
        { name: 'log/publication.json', data: utf8('{"entry":"AAAA"}') },
        ...l.slice(-1),
      ],
      /does not have the proof shape/,
    ],
  ];
  for (const [name, change, message] of cases) {
    assert.throws(
      () => readOfflineBundle(writeTar(change(entries()))),
      (error: unknown) =>
        error instanceof SecurityError &&
        error.code === 'SECURITY_OFFLINE_MALFORMED' &&
        message.test(error.message),
      name,
    );
  }
});

test('every member has its size limit', () => {
  const limits: [string, number][] = [
    ['offline.json', OFFLINE_LIMITS.indexBytes],
    ['metadata/1.root.json', OFFLINE_LIMITS.rootBytes],
    ['metadata/timestamp.json', OFFLINE_LIMITS.timestampBytes],
    ['log/publication.json', OFFLINE_LIMITS.publicationBytes],
  ];
  for (const [name, limit] of limits) {
    const list = entries().map((e) =>
      e.name === name ? { name, data: new Uint8Array(limit + 1) } : e,
    );
    refused(
      writeTar(list),
      'SECURITY_OFFLINE_MALFORMED',
      new RegExp(`member ${name} has ${limit + 1} bytes; the limit is ${limit}`),
    );
  }
});

test('any truncation or appended bytes are refused, never accepted or crashing', () => {
  const bytes = writeOfflineBundle(parts);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: bytes.length - 1 }),
      fc.uint8Array({ minLength: 1, maxLength: 600 }),
      (cut, extra) => {
        for (const candidate of [bytes.subarray(0, cut), new Uint8Array([...bytes, ...extra])]) {
          assert.throws(
            () => readOfflineBundle(candidate),
            (error: unknown) => error instanceof SecurityError,
          );
        }
      },
    ),
    { numRuns: 200 },
  );
});
