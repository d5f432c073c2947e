/**
 * Delta targets in submitted targets metadata (docs/protocol/delta.md §2): admitted only when
 * their signed link names a base bundle and the bundle of the same name and version, by hash and
 * length, in the same metadata; they never become patches of their own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTargets, signEnvelope } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { deltaTargetEntry, deltaTargetPath } from '@patchcast/protocol';
import type { PatchcastClient } from '@patchcast/protocol';
import type { DeltaLink } from '@patchcast/protocol';
import { RepositoryFixture } from './repository-fixture.js';

describe('delta targets', () => {
  let repo: RepositoryFixture;
  let client: PatchcastClient;

  before(async () => {
    repo = await RepositoryFixture.start('delta-targets');
    client = repo.client;
  });
  after(() => repo.close());

  const upload = (content: string) => repo.upload(content);

  const entry = (delta: TargetFile, link: DeltaLink) =>
    deltaTargetEntry({ sha256: delta.hashes.sha256, length: delta.length }, link);

  async function submit(targets: Record<string, TargetFile>) {
    const now = await repo.current();
    const signed = buildTargets(now.version + 1, new Date(Date.now() + 86_400_000), {
      ...now.targets,
      ...targets,
    });
    return client.submitTargets(signEnvelope(signed, repo.targetsKey));
  }

  const linkOf = (base: TargetFile, result: TargetFile, version = '1'): DeltaLink => ({
    format: 'zstd-patch-from/v1',
    base: { version, sha256: base.hashes.sha256, length: base.length },
    result: { sha256: result.hashes.sha256, length: result.length },
  });

  const refused = (pattern: RegExp) => (error: unknown) => {
    assert.equal((error as { code?: string }).code, 'METADATA_INVALID');
    assert.match((error as Error).message, pattern);
    return true;
  };

  test('a linked delta is admitted beside its bundle and is no patch', async () => {
    const v1 = await upload('app version 1');
    await submit({ 'app/1/bundle.tar': v1 });
    const v2 = await upload('app version 2');
    const delta = await upload('delta 1 -> 2');
    const path = deltaTargetPath({ name: 'app', version: '2' }, v1.hashes.sha256);
    await submit({ 'app/2/bundle.tar': v2, [path]: entry(delta, linkOf(v1, v2)) });
    const now = await repo.current();
    assert.ok(now.targets[path] !== undefined);
    const app = (await client.patches()).patches.find((p) => p.name === 'app');
    assert.deepEqual(app?.versions.map((v) => v.version).sort(), ['1', '2']);
  });

  test('links that do not connect a published base and result are refused', async () => {
    const v1 = await upload('tool version 1');
    await submit({ 'tool/1/bundle.tar': v1 });
    const v2 = await upload('tool version 2');
    const delta = await upload('delta tool 1 -> 2');
    const at = (base: string) => deltaTargetPath({ name: 'tool', version: '2' }, base);
    const path = at(v1.hashes.sha256);
    const cases: [Record<string, TargetFile>, RegExp][] = [
      [{ [path]: entry(delta, linkOf(v1, v2)) }, /tool\/2\/bundle.tar is not published/],
      [{ 'tool/2/bundle.tar': v2, [path]: entry(delta, linkOf(v1, v1)) }, /does not rebuild/],
      [
        {
          'tool/2/bundle.tar': v2,
          [at(v2.hashes.sha256)]: entry(delta, linkOf(v1, v2)),
        },
        /names base/,
      ],
      [
        { 'tool/2/bundle.tar': v2, [path]: entry(delta, linkOf(v1, v2, '9')) },
        /base is not the published bundle of version 9/,
      ],
      [
        { 'tool/2/bundle.tar': v2, [path]: { ...delta, custom: { patchcast: {} } } },
        /no valid delta link/,
      ],
      [
        { 'tool/2/bundle.tar': v2, [`tool/2/deltas/${v1.hashes.sha256}.bin`]: delta },
        /is not <name>/,
      ],
    ];
    for (const [targets, pattern] of cases) await assert.rejects(submit(targets), refused(pattern));
    const ghost = { length: 5, hashes: { sha256: 'f'.repeat(64) } };
    await assert.rejects(
      submit({ 'tool/2/bundle.tar': v2, [path]: entry(ghost, linkOf(v1, v2)) }),
      refused(/no uploaded artifact/),
    );
  });
});
