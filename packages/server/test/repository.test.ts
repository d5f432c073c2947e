import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildTargets,
  ed25519Signer,
  generateEd25519,
  parseEnvelope,
  signEnvelope,
} from '@patchcast/core';
import type { Signer, TargetFile } from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import { startServer } from '../src/index.js';
import { RepositoryFixture } from './repository/repository-fixture.js';

describe('the repository admits only valid targets metadata', () => {
  let repo: RepositoryFixture;
  let client: PatchcastClient;
  let targetsKey: readonly Signer[];

  before(async () => {
    repo = await RepositoryFixture.start('repo');
    ({ client, targetsKey } = repo);
  });
  after(() => repo.close());

  const current = () => repo.current();
  const upload = (content: string) => repo.upload(content);

  async function submit(
    targets: Record<string, TargetFile>,
    options: { version?: number; signers?: readonly Signer[]; expires?: Date } = {},
  ) {
    const now = await current();
    const signed = buildTargets(
      options.version ?? now.version + 1,
      options.expires ?? new Date(Date.now() + 86_400_000),
      targets,
    );
    return client.submitTargets(signEnvelope(signed, options.signers ?? targetsKey));
  }

  const refused = (code: string, pattern: RegExp) => (error: unknown) => {
    assert.equal((error as { code?: string }).code, code);
    assert.match((error as Error).message, pattern);
    return true;
  };

  test('a valid submission bumps targets, snapshot and timestamp together', async () => {
    const before = await client.status();
    const a = await upload('patch a');
    const versions = await submit({ 'a/1/bundle.tar': a });
    assert.equal(versions.targets, before.repository.targets + 1);
    assert.equal(versions.snapshot, before.repository.snapshot + 1);
    assert.equal(versions.timestamp, before.repository.timestamp + 1);
  });

  test('hostile submissions are refused and change nothing', async () => {
    const before = (await client.status()).repository;
    const kept = (await current()).targets;
    const b = await upload('patch b');
    const stranger = [ed25519Signer(generateEd25519())];
    await assert.rejects(
      submit({ ...kept, 'b/1/bundle.tar': b }, { signers: stranger }),
      refused('METADATA_INVALID', /valid signature/),
    );
    await assert.rejects(
      submit({ ...kept, 'b/1/bundle.tar': b }, { version: before.targets + 2 }),
      refused('CONFLICT', /does not follow/),
    );
    await assert.rejects(
      submit({ ...kept, 'b/1/bundle.tar': b }, { version: before.targets }),
      refused('CONFLICT', /does not follow/),
    );
    await assert.rejects(submit({ 'b/1/bundle.tar': b }), refused('CONFLICT', /already published/));
    await assert.rejects(
      submit({ ...kept, 'a/1/bundle.tar': b }),
      refused('CONFLICT', /already published with other contents/),
    );
    await assert.rejects(
      submit({ ...kept, 'b/1/x.tar': b }),
      refused('METADATA_INVALID', /is not <name>\/<version>\/bundle.tar/),
    );
    await assert.rejects(
      submit({ ...kept, '../../etc/bundle.tar': b }),
      refused('METADATA_INVALID', /is not <name>/),
    );
    const ghost = { length: 5, hashes: { sha256: 'ab'.repeat(32) } };
    await assert.rejects(
      submit({ ...kept, 'c/1/bundle.tar': ghost }),
      refused('METADATA_INVALID', /no uploaded artifact/),
    );
    await assert.rejects(
      submit({ ...kept, 'c/1/bundle.tar': { ...b, length: b.length + 1 } }),
      refused('METADATA_INVALID', /no uploaded artifact/),
    );
    await assert.rejects(
      submit({ ...kept, 'b/1/bundle.tar': b }, { expires: new Date(Date.now() - 1000) }),
      refused('METADATA_INVALID', /expired/),
    );
    await assert.rejects(
      client.submitTargets({ signed: { _type: 'targets' }, signatures: [] }),
      refused('METADATA_INVALID', /malformed/),
    );
    assert.deepEqual((await client.status()).repository, before);
  });

  test('an artifact whose bytes do not match its name is refused and not stored', async () => {
    const bytes = new TextEncoder().encode('honest');
    await assert.rejects(
      client.putArtifact('00'.repeat(32), bytes),
      refused('INVALID_INPUT', /do not hash/),
    );
    await assert.rejects(
      client.putArtifact('not-hex', bytes),
      (e: unknown) => (e as { code?: string }).code === 'INVALID_INPUT',
    );
    const version = (await current()).version;
    await assert.rejects(
      submit({
        ...(await current()).targets,
        'z/1/bundle.tar': { length: bytes.length, hashes: { sha256: '00'.repeat(32) } },
      }),
      refused('METADATA_INVALID', /no uploaded artifact/),
    );
    assert.equal((await current()).version, version);
  });

  test('targets are served only at their consistent-snapshot path', async () => {
    const a = (await current()).targets['a/1/bundle.tar'];
    assert.ok(a);
    const ok = await fetch(`${repo.server.url}/tuf/targets/a/1/${a.hashes.sha256}.bundle.tar`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'patch a');
    assert.equal((await fetch(`${repo.server.url}/tuf/targets/a/1/bundle.tar`)).status, 404);
    assert.equal(
      (await fetch(`${repo.server.url}/tuf/targets/b/1/${a.hashes.sha256}.bundle.tar`)).status,
      404,
    );
  });
});

test('the server re-signs timestamp and snapshot before they expire', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-resign-'));
  const server = await startServer({
    dataDir: dir,
    port: 0,
    logLevel: 'fatal',
    expiry: {
      rootSeconds: 86_400,
      targetsSeconds: 86_400,
      snapshotSeconds: 4,
      timestampSeconds: 2,
    },
  });
  try {
    const client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
    const first = (await client.status()).repository;
    const deadline = Date.now() + 20_000;
    let now = first;
    while (
      (now.timestamp <= first.timestamp + 1 || now.snapshot <= first.snapshot) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = (await client.status()).repository;
    }
    assert.ok(
      now.timestamp > first.timestamp + 1,
      `timestamp re-signed (v${first.timestamp} -> v${now.timestamp})`,
    );
    assert.ok(
      now.snapshot > first.snapshot,
      `snapshot re-signed (v${first.snapshot} -> v${now.snapshot})`,
    );
    const timestamp = parseEnvelope(
      'timestamp',
      new Uint8Array(
        await (await fetch(`${server.url}/tuf/metadata/timestamp.json`)).arrayBuffer(),
      ),
    );
    assert.ok(
      Date.parse(timestamp.signed.expires) > Date.now(),
      'the served timestamp is not expired',
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
