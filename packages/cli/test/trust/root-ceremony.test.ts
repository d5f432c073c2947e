/**
 * The root ceremony against a real server process: `patchcast root init`, offline `root sign` by
 * each key holder, `root publish`; every refusal has its code and changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastClient } from '@patchcast/protocol';
import type { Json } from './forge.js';
import { Harness } from '../harness.js';
import { assertRefused, keyHolder, ok, serverKey } from './trust-helpers.js';

interface Versions {
  root: number;
  targets: number;
  snapshot: number;
  timestamp: number;
}

describe('root ceremony with a real server', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let stranger: string;
  let client: PatchcastClient;
  const versions = async () => (await h.cliJson<{ repository: Versions }>(['status'])).repository;
  const draftRoot = async (file: string) =>
    (JSON.parse(await readFile(file, 'utf8')) as { root: unknown }).root;

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    client = new PatchcastClient({ server: h.server, token: h.token });
    alice = await keyHolder(h, 'alice');
    bob = await keyHolder(h, 'bob');
    stranger = await keyHolder(h, 'stranger');
  });
  after(() => h.close());

  test('init writes root v2; sign refuses strangers and second signatures; publish needs both thresholds', async () => {
    const draft = join(h.dir, 'root-2.json');
    const init = await h.cliJson<{ version: number; previousVersion: number }>([
      'root',
      'init',
      '--threshold',
      '2',
      '--key',
      `${alice}.pub`,
      '--key',
      `${bob}.pub`,
      '--out',
      draft,
    ]);
    assert.deepEqual([init.version, init.previousVersion], [2, 1]);
    assertRefused(
      await h.cli(['root', 'init', '--key', `${alice}.pub`, '--out', draft]),
      'CONFLICT',
    );
    assertRefused(
      await h.cli([
        'root',
        'init',
        '--threshold',
        '2',
        '--key',
        `${alice}.pub`,
        '--out',
        `${draft}.x`,
      ]),
      'ROOT_DRAFT_INVALID',
      /threshold 2 exceeds/,
    );

    // Unsigned: the server itself refuses it (not only the CLI's own check).
    await assert.rejects(client.submitRoot(await draftRoot(draft)), {
      code: 'ROOT_THRESHOLD_UNMET',
    });
    await ok(h, ['root', 'sign', draft, '--key', alice]);
    assertRefused(await h.cli(['root', 'sign', draft, '--key', alice]), 'ROOT_ALREADY_SIGNED');
    assertRefused(await h.cli(['root', 'sign', draft, '--key', stranger]), 'ROOT_SIGNER_UNKNOWN');
    await ok(h, ['root', 'sign', draft, '--key', bob]);
    // The new keys alone are not enough: root v1's root key must sign its successor.
    assertRefused(
      await h.cli(['root', 'publish', draft]),
      'ROOT_THRESHOLD_UNMET',
      /current root v1/,
    );
    await assert.rejects(client.submitRoot(await draftRoot(draft)), {
      code: 'ROOT_THRESHOLD_UNMET',
      message: /current root v1/,
    });
    assert.equal((await versions()).root, 1, 'nothing changed');

    const signed = await h.cliJson<{ status: { ready: boolean } }>([
      'root',
      'sign',
      draft,
      '--key',
      serverKey(h, 'root'),
    ]);
    assert.equal(signed.status.ready, true);
    const before = await versions();
    const published = await h.cliJson<Versions>(['root', 'publish', draft]);
    assert.equal(published.root, 2);
    assert.equal(published.timestamp, before.timestamp + 1, 'snapshot and timestamp re-signed');
    const served = await client.publicFile('/tuf/metadata/2.root.json');
    assert.ok(served !== undefined, 'the chain now holds 2.root.json');

    // The same root again, or a draft based on root v1: not version N+1 any more.
    assertRefused(await h.cli(['root', 'publish', draft]), 'ROOT_VERSION_INVALID');
  });

  test('a root naming online keys the server lacks, or targets keys that did not sign targets, is refused', async () => {
    const online = await keyHolder(h, 'timestamp-2');
    const newTargets = await keyHolder(h, 'targets-2');
    const sign = async (draft: string) => {
      for (const key of [alice, bob]) await ok(h, ['root', 'sign', draft, '--key', key]);
    };
    const timestampDraft = join(h.dir, 'root-3-timestamp.json');
    await ok(h, ['root', 'init', '--timestamp-key', `${online}.pub`, '--out', timestampDraft]);
    await sign(timestampDraft);
    assertRefused(await h.cli(['root', 'publish', timestampDraft]), 'ROOT_ONLINE_KEYS_MISSING');

    const targetsDraft = join(h.dir, 'root-3-targets.json');
    await ok(h, ['root', 'init', '--targets-key', `${newTargets}.pub`, '--out', targetsDraft]);
    await sign(targetsDraft);
    assertRefused(await h.cli(['root', 'publish', targetsDraft]), 'ROOT_TARGETS_UNSIGNED');
    assert.equal((await versions()).root, 2, 'nothing changed');

    const expired = join(h.dir, 'root-3-expired.json');
    await ok(h, ['root', 'init', '--expires', '0s', '--out', expired]);
    await sign(expired);
    assertRefused(await h.cli(['root', 'publish', expired]), 'ROOT_EXPIRED');
  });

  test('hostile drafts: corrupt files and roots changed after signing are refused', async () => {
    const corrupt = join(h.dir, 'corrupt.json');
    for (const text of ['not json', '{"format":"other"}', '{"format":"patchcast-root-draft/v1"}']) {
      await writeFile(corrupt, text);
      assertRefused(await h.cli(['root', 'sign', corrupt, '--key', alice]), 'ROOT_DRAFT_INVALID');
      assertRefused(await h.cli(['root', 'publish', corrupt]), 'ROOT_DRAFT_INVALID');
    }
    const draft = join(h.dir, 'root-3-tampered.json');
    await ok(h, ['root', 'init', '--out', draft]);
    for (const key of [alice, bob]) await ok(h, ['root', 'sign', draft, '--key', key]);
    const json = JSON.parse(await readFile(draft, 'utf8')) as { root: { signed: Json } };
    json.root.signed.expires = '2099-01-01T00:00:00Z'; // changed after the holders signed
    await writeFile(draft, JSON.stringify(json));
    assertRefused(await h.cli(['root', 'publish', draft]), 'ROOT_THRESHOLD_UNMET');
    await assert.rejects(client.submitRoot(json.root), { code: 'ROOT_THRESHOLD_UNMET' });
    assert.equal((await versions()).root, 2, 'nothing changed');
  });

  test('root --help documents the ceremony; a bad action is a usage error', async () => {
    assert.match((await ok(h, ['root', '--help'])).stdout, /root publish DRAFT/);
    assert.equal((await h.cli(['root', 'rotate'])).code, 2);
    const agent = await h.cli(['agent', '--data', join(h.dir, 'a'), '--require-pq', 'maybe']);
    assert.equal(agent.code, 2);
    assert.match(agent.stderr, /error\[USAGE\]: --require-pq must be on or off/);
  });
});
