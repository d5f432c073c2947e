/** Hostile and wrong requests to the planned-rollout routes of a real server: one clear code each. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PLAN_BYTES, PatchcastClient } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';

const GOOD = 'version: 1\ntarget: { all: true }\nwaves:\n  - { name: all, rest: true, bake: 1m }\n';

describe('planned rollout routes refuse what they cannot do', () => {
  let dir: string;
  let server: RunningServer;
  let client: PatchcastClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-ro-routes-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const refused = (code: string, pattern: RegExp) => (error: unknown) => {
    assert.equal((error as { code?: string }).code, code);
    assert.match((error as Error).message, pattern);
    return true;
  };
  const start = (plan: string, extra: Record<string, unknown> = {}) =>
    client.createPlannedRollout({
      patch: { name: 'app', version: '1.0.0' },
      plan,
      planName: 'p.yaml',
      ...extra,
    });

  test('a bad plan is PLAN_INVALID with its line and field, before anything starts', async () => {
    await assert.rejects(
      start(GOOD.replace('bake: 1m', 'bake: 5x')),
      refused('PLAN_INVALID', /^p\.yaml:4:\d+: waves\[0\]\.bake: must be a duration/),
    );
    await assert.rejects(
      start('version: 1\nwaves: [\n'),
      refused('PLAN_INVALID', /^p\.yaml:\d+:\d+: YAML/),
    );
    await assert.rejects(start(''), refused('PLAN_INVALID', /the plan is empty/));
    assert.deepEqual((await client.rollouts()).rollouts, []);
  });

  test('an oversized plan or an unknown request field is INVALID_INPUT', async () => {
    await assert.rejects(start('#'.repeat(MAX_PLAN_BYTES + 1)), refused('INVALID_INPUT', /plan/));
    await assert.rejects(start(GOOD, { devices: { all: true } }), refused('INVALID_INPUT', /body/));
  });

  test('a valid plan for an unpublished patch is NOT_FOUND', async () => {
    await assert.rejects(start(GOOD), refused('NOT_FOUND', /app@1\.0\.0 is not published/));
  });

  test('actions on unknown rollouts, and unknown actions, are NOT_FOUND', async () => {
    await assert.rejects(
      client.rolloutAction('ro_nope', 'pause'),
      refused('NOT_FOUND', /no rollout ro_nope/),
    );
    await assert.rejects(
      client.rolloutProgress('ro_nope'),
      refused('NOT_FOUND', /no rollout ro_nope/),
    );
    const response = await fetch(`${server.url}/api/v1/rollouts/ro_nope/explode`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.initialAdminToken}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.match(body.error.message, /no rollout action "explode"/);
  });

  test('approve with a wave number that is not a positive integer is INVALID_INPUT', async () => {
    await assert.rejects(
      client.rolloutAction('ro_nope', 'approve', { wave: 0 }),
      refused('INVALID_INPUT', /wave/),
    );
  });

  test('cascade goes with rollback only, and is a boolean', async () => {
    await assert.rejects(
      client.rolloutAction('ro_nope', 'pause', { cascade: true }),
      refused('INVALID_INPUT', /cascade goes with rollback only/),
    );
    await assert.rejects(
      client.rolloutAction('ro_nope', 'rollback', { cascade: 'yes' } as never),
      refused('INVALID_INPUT', /cascade/),
    );
    await assert.rejects(
      client.rolloutAction('ro_nope', 'rollback', { cascade: true }),
      refused('NOT_FOUND', /no rollout ro_nope/),
    );
  });
});
