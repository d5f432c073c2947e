/**
 * Withdrawals as the repository admits them (docs/protocol/repository.md "Withdrawing"): only the
 * targets key can withdraw (the server's own keys cannot), a withdrawal changes nothing else of
 * the target, and it is never undone or changed. The patches listing shows the state.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTargets, parseEnvelope, sha256Hex, signEnvelope } from '@patchcast/core';
import type { Signer, TargetFile } from '@patchcast/core';
import { PatchcastClient, readKeyFile, withWithdrawal } from '@patchcast/protocol';
import { startServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';

const PATH = 'app/1.0.0/bundle.tar';
const WITHDRAWAL = { reason: 'breaks TLS 1.2 clients', at: '2026-01-02T03:04:05Z' };

describe('withdrawing a published version', () => {
  let dir: string;
  let server: RunningServer;
  let client: PatchcastClient;
  let targetsKey: readonly Signer[];
  let serverKeys: readonly Signer[];
  let published: TargetFile;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-withdraw-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
    targetsKey = (await readKeyFile(join(dir, 'keys', 'targets.key'))).signers;
    serverKeys = [
      ...(await readKeyFile(join(dir, 'keys', 'snapshot.key'))).signers,
      ...(await readKeyFile(join(dir, 'keys', 'timestamp.key'))).signers,
    ];
    const bytes = new TextEncoder().encode('app 1.0.0');
    await client.putArtifact(sha256Hex(bytes), bytes);
    published = {
      length: bytes.length,
      hashes: { sha256: sha256Hex(bytes) },
      custom: { patchcast: { name: 'app', version: '1.0.0' } },
    };
    await submit({ [PATH]: published });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function submit(targets: Record<string, TargetFile>, signers = targetsKey) {
    const now = parseEnvelope('targets', await client.currentTargets()).signed;
    const signed = buildTargets(now.version + 1, new Date(Date.now() + 86_400_000), targets);
    return client.submitTargets(signEnvelope(signed, signers));
  }

  const refused = (code: string, pattern: RegExp) => (error: unknown) => {
    assert.equal((error as { code?: string }).code, code);
    assert.match((error as Error).message, pattern);
    return true;
  };

  const state = async () => (await client.patches()).patches[0]?.versions[0];

  test('a withdrawal signed with the server-held online keys is refused', async () => {
    await assert.rejects(
      submit({ [PATH]: withWithdrawal(published, WITHDRAWAL) }, serverKeys),
      refused('METADATA_INVALID', /valid signature/),
    );
    assert.equal((await state())?.state, 'published');
  });

  test('a malformed withdrawal, or other changes to the target, are refused', async () => {
    const malformed = withWithdrawal(published, { reason: '', at: 'yesterday' });
    await assert.rejects(submit({ [PATH]: malformed }), refused('METADATA_INVALID', /withdrawn/));
    const renamed = { ...published, custom: { patchcast: { name: 'evil', version: '1.0.0' } } };
    await assert.rejects(
      submit({ [PATH]: withWithdrawal(renamed, WITHDRAWAL) }),
      refused('CONFLICT', /already published with other contents/),
    );
    const bytes = new TextEncoder().encode('app 2.0.0');
    await client.putArtifact(sha256Hex(bytes), bytes);
    const fresh = { length: bytes.length, hashes: { sha256: sha256Hex(bytes) } };
    await assert.rejects(
      submit({ [PATH]: published, 'app/2.0.0/bundle.tar': withWithdrawal(fresh, WITHDRAWAL) }),
      refused('METADATA_INVALID', /new and already withdrawn/),
    );
  });

  test('the targets key withdraws; the listing shows the reason', async () => {
    await submit({ [PATH]: withWithdrawal(published, WITHDRAWAL) });
    const version = await state();
    assert.equal(version?.state, 'withdrawn');
    assert.deepEqual(version.withdrawn, WITHDRAWAL);
    assert.equal(version.role, null);
    assert.match(version.publishedAt ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  test('a planned rollout of the withdrawn version is refused with the reason', async () => {
    const plan =
      'version: 1\ntarget: { all: true }\nwaves:\n  - { name: all, rest: true, bake: 1m }\n';
    await assert.rejects(
      client.createPlannedRollout({ patch: { name: 'app', version: '1.0.0' }, plan }),
      refused('PATCH_WITHDRAWN', /app@1\.0\.0 was withdrawn at .*: breaks TLS 1\.2 clients/),
    );
    assert.deepEqual((await client.rollouts()).rollouts, []);
  });

  test('a withdrawal is never undone or changed, not even by the targets key', async () => {
    await assert.rejects(
      submit({ [PATH]: published }),
      refused('CONFLICT', /withdrawal is never undone/),
    );
    await assert.rejects(
      submit({ [PATH]: withWithdrawal(published, { ...WITHDRAWAL, reason: 'other' }) }),
      refused('CONFLICT', /withdrawal is never undone/),
    );
    await assert.rejects(
      submit({ [PATH]: published }, serverKeys),
      refused('METADATA_INVALID', /valid signature/),
    );
    assert.equal((await state())?.state, 'withdrawn');
  });
});
