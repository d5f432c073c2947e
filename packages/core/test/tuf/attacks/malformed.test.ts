/** Hostile bytes: whatever the mirror sends, parsing fails with one code and nothing is trusted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecurityError, buildRoot, parseEnvelope } from '../../../src/index.js';
import type { RoleName } from '../../../src/index.js';
import { TestRepo, refreshRefused, refreshedClient, sign, tamper } from '../fixtures.js';

type Json = Record<string, unknown>;
type Envelope = Json & { signed: Json };
type Mutation = (envelope: Envelope) => void;

const DELEGATED_ROLE = {
  name: 'team-a',
  keyids: [],
  threshold: 1,
  terminating: false,
  paths: ['team-a-*/*/bundle.tar'],
};

const targetsRole = (e: Json & { signed: Json }) => (e.signed.roles as Json).targets as Json;
const firstKey = (e: Json & { signed: Json }) => Object.values(e.signed.keys as Json)[0] as Json;

/** Each vector: a role, what is wrong, and how to break a valid envelope of that role. */
const VECTORS: readonly (readonly [RoleName, string, Mutation])[] = [
  ['timestamp', 'wrong _type', (e) => void (e.signed._type = 'snapshot')],
  ['timestamp', 'missing _type', (e) => void delete e.signed._type],
  ['timestamp', 'spec_version 2.0.0', (e) => void (e.signed.spec_version = '2.0.0')],
  ['timestamp', 'numeric spec_version', (e) => void (e.signed.spec_version = 1)],
  ['timestamp', 'expires without time', (e) => void (e.signed.expires = '2031-01-01')],
  ['timestamp', 'expires without Z', (e) => void (e.signed.expires = '2031-01-01T00:00:00')],
  ['timestamp', 'expires with millis', (e) => void (e.signed.expires = '2031-01-01T00:00:00.000Z')],
  [
    'timestamp',
    'expires with offset',
    (e) => void (e.signed.expires = '2031-01-01T00:00:00+00:00'),
  ],
  ['timestamp', 'expires 31 February', (e) => void (e.signed.expires = '2031-02-31T00:00:00Z')],
  ['timestamp', 'expires month 13', (e) => void (e.signed.expires = '2031-13-01T00:00:00Z')],
  ['timestamp', 'expires hour 24', (e) => void (e.signed.expires = '2031-01-01T24:00:00Z')],
  ['timestamp', 'expires as a number', (e) => void (e.signed.expires = 1924992000)],
  ['timestamp', 'version 1.5', (e) => void (e.signed.version = 1.5)],
  ['timestamp', 'version "3"', (e) => void (e.signed.version = '3')],
  ['timestamp', 'version 0', (e) => void (e.signed.version = 0)],
  ['timestamp', 'version -1', (e) => void (e.signed.version = -1)],
  ['timestamp', 'version 2^53', (e) => void (e.signed.version = 2 ** 53)],
  ['timestamp', 'no snapshot.json', (e) => void (e.signed.meta = {})],
  [
    'timestamp',
    'snapshot length -1',
    (e) => void ((e.signed.meta as Json)['snapshot.json'] = { version: 2, length: -1 }),
  ],
  ['timestamp', 'a float in an unknown field', (e) => void (e.signed.x_ratio = 0.5)],
  ['timestamp', 'signatures missing', (e) => void delete e.signatures],
  ['timestamp', 'signatures an object', (e) => void (e.signatures = {})],
  ['timestamp', 'a signature without sig', (e) => void (e.signatures = [{ keyid: 'ab' }])],
  ['timestamp', 'signed an array', (e) => void (e.signed = [] as unknown as Json)],
  ['root', 'consistent_snapshot "true"', (e) => void (e.signed.consistent_snapshot = 'true')],
  ['root', 'threshold 0', (e) => void (((e.signed.roles as Json).targets as Json).threshold = 0)],
  ['root', 'no targets role', (e) => void delete (e.signed.roles as Json).targets],
  [
    'root',
    'duplicate keyids',
    (e) => {
      const targets = (e.signed.roles as Json).targets as { keyids: string[] };
      targets.keyids = [...targets.keyids, ...targets.keyids];
    },
  ],
  ['root', 'x-patchcast-pq a string', (e) => void (targetsRole(e)['x-patchcast-pq'] = 'all')],
  [
    'root',
    'x-patchcast-pq threshold 0',
    (e) => void (targetsRole(e)['x-patchcast-pq'] = { keyids: [], threshold: 0 }),
  ],
  [
    'root',
    'x-patchcast-pq without keyids',
    (e) => void (targetsRole(e)['x-patchcast-pq'] = { threshold: 1 }),
  ],
  [
    'root',
    'x-patchcast-pq duplicate keyids',
    (e) => void (targetsRole(e)['x-patchcast-pq'] = { keyids: ['a', 'a'], threshold: 1 }),
  ],
  ['root', 'a key whose keytype is a number', (e) => void (firstKey(e).keytype = 25519)],
  [
    'root',
    'a key of unknown type with a numeric public',
    (e) => void Object.assign(firstKey(e), { keytype: 'x-future', keyval: { public: 1 } }),
  ],
  [
    'targets',
    'sha256 not hex',
    (e) => void (e.signed.targets = { a: { length: 1, hashes: { sha256: 'zz' } } }),
  ],
  [
    'targets',
    'no sha256',
    (e) => void (e.signed.targets = { a: { length: 1, hashes: { sha512: '00' } } }),
  ],
  [
    'targets',
    'length "1"',
    (e) => void (e.signed.targets = { a: { length: '1', hashes: { sha256: '00'.repeat(32) } } }),
  ],
  [
    'targets',
    'custom an array',
    (e) =>
      void (e.signed.targets = {
        a: { length: 1, hashes: { sha256: '00'.repeat(32) }, custom: [] },
      }),
  ],
  ['targets', 'delegations an array', (e) => void (e.signed.delegations = [])],
  ...(
    [
      ['delegated role named root', { name: 'root' }],
      ['terminating "no"', { terminating: 'no' }],
      ['paths and path_hash_prefixes', { path_hash_prefixes: ['ab'] }],
      ['paths not strings', { paths: [1] }],
      ['threshold 0', { threshold: 0 }],
    ] as const
  ).map(
    ([what, change]) =>
      [
        'targets',
        what,
        (e: Envelope) =>
          void (e.signed.delegations = {
            keys: {},
            roles: [{ ...DELEGATED_ROLE, ...change }],
          }),
      ] as const,
  ),
  [
    'targets',
    'duplicate delegated role names',
    (e) => void (e.signed.delegations = { keys: {}, roles: [DELEGATED_ROLE, DELEGATED_ROLE] }),
  ],
];

function validEnvelope(repo: TestRepo, role: RoleName): Uint8Array {
  const names = {
    root: '1.root.json',
    timestamp: 'timestamp.json',
    snapshot: '1.snapshot.json',
    targets: '1.targets.json',
  };
  return repo.file(names[role]);
}

test('malformed: every vector is refused by parseEnvelope with SECURITY_METADATA_MALFORMED', () => {
  const repo = new TestRepo();
  for (const [role, what, mutate] of VECTORS) {
    const bytes = tamper(validEnvelope(repo, role), mutate);
    assert.throws(
      () => parseEnvelope(role, bytes),
      (error: unknown) =>
        error instanceof SecurityError && error.code === 'SECURITY_METADATA_MALFORMED',
      `${role}: ${what}`,
    );
  }
});

test('malformed: bytes that are not UTF-8 JSON objects are refused', () => {
  for (const text of ['', 'not json', '[]', 'null', '42', '{"signed":', '\uFEFF{]']) {
    assert.throws(() => parseEnvelope('timestamp', new TextEncoder().encode(text)), {
      code: 'SECURITY_METADATA_MALFORMED',
    });
  }
  assert.throws(() => parseEnvelope('timestamp', Uint8Array.of(0x7b, 0xff, 0x7d)), {
    code: 'SECURITY_METADATA_MALFORMED',
  });
});

test('malformed: the valid envelopes behind the vectors do parse', () => {
  const repo = new TestRepo();
  for (const role of ['root', 'timestamp', 'snapshot', 'targets'] as const) {
    assert.equal(parseEnvelope(role, validEnvelope(repo, role)).signed._type, role);
  }
});

test('malformed: a timestamp.json that is not JSON fails the refresh and changes nothing', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.metadata.set('timestamp.json', new TextEncoder().encode('<html>502 Bad Gateway</html>'));
  await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
});

test('malformed: a validly signed timestamp of the wrong _type fails the refresh', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.metadata.set('timestamp.json', repo.file('1.snapshot.json'));
  await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
});

test('malformed: a validly signed timestamp with a bad expires fails the refresh', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.writeTimestamp({ ...repo.nextTimestamp(), expires: '2031-02-30T00:00:00Z' });
  await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
});

test('malformed: a validly signed root with a non-integer version fails the refresh', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  const root = repo.rootFrom(2);
  repo.metadata.set('2.root.json', sign({ ...root, version: '2' }, repo.roles.root.signers));
  await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
});

test('malformed: a missing timestamp.json is reported, not treated as "no update"', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.metadata.delete('timestamp.json');
  await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
});

test('malformed: buildRoot output always parses', () => {
  const repo = new TestRepo();
  const root = buildRoot(7, new Date('2031-01-01T00:00:00.999Z'), {
    root: { keys: repo.roles.root.signers.map((s) => s.key), threshold: 1 },
    timestamp: { keys: [], threshold: 1 },
    snapshot: { keys: [], threshold: 1 },
    targets: { keys: [], threshold: 1 },
  });
  const parsed = parseEnvelope('root', sign(root, repo.roles.root.signers));
  assert.equal(parsed.signed.expires, '2031-01-01T00:00:00Z');
  assert.equal(parsed.signed.version, 7);
});
