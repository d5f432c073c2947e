/**
 * Device lifecycle end to end with real server and agent processes on loopback (ADR 0029):
 * enrollment tokens with preset labels, listed without secrets and revoked; `devices revoke`
 * closing a live agent's connection (the agent stops with DEVICE_REVOKED and never redials), the
 * key refused on the channel and at enrollment, no new rollout targeting the device; a replacement
 * token giving the id a new key; `devices remove`; every change in the log, the audit clean.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openAuditData } from '@patchcast/server';
import { parseLogEntry } from '@patchcast/protocol';
import type { Device, EnrollTokenInfo, Rollout } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface Created {
  readonly id: string;
  readonly token: string;
  readonly labels?: Record<string, string>;
}

describe('device lifecycle', () => {
  let h: Harness;
  let laptop: Proc;
  let laptopId = '';

  /** The device list, read by `devices` in this process. */
  const devices = async () => (await h.hereJson<{ devices: Device[] }>(['devices'])).devices;
  const agentArgs = (name: string, ...extra: string[]) => {
    const dirs = h.agentDirs(name);
    return ['agent', '--server', h.server, '--data', dirs.data, '--root', dirs.root, ...extra];
  };
  const exited = (proc: Proc) =>
    new Promise<number | null>((resolve) => {
      if (proc.child.exitCode !== null) resolve(proc.child.exitCode);
      else proc.child.once('exit', (code) => resolve(code));
    });
  const operatorActions = async (): Promise<string[]> => {
    const data = await openAuditData({ dataDir: join(h.dir, 'server') });
    try {
      const entries = await data.logEntries(0, await data.logSize());
      return entries
        .flatMap((e) => parseLogEntry(e.leaf) ?? [])
        .flatMap((e) => (e.type === 'operator-action' ? [`${e.action} ${e.target}`] : []));
    } finally {
      await data.close();
    }
  };

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    await h.publish(await writePatchSource(join(h.dir, 'p'), { 'etc/app': 'v1\n' }), 'app', '1');
  });
  after(() => h.close());

  test('a token with preset labels: they win over the agent flags; list shows no secret', async () => {
    const created = await h.cliJson<Created>([
      'enroll-token',
      'create',
      '--label',
      'ring=canary',
      '--label',
      'env=prod',
    ]);
    assert.match(created.id, /^enr_/);
    assert.deepEqual(created.labels, { env: 'prod', ring: 'canary' });
    const { proc, match } = await h.start(
      [...agentArgs('laptop', '--enroll', created.token, '--name', 'laptop')],
      /connected to .* as (dev_\w+)/,
    );
    ({ laptop, laptopId } = { laptop: proc, laptopId: match[1] ?? '' });
    const [device] = await devices();
    assert.deepEqual(device?.labels, { env: 'prod', ring: 'canary' });

    const listed = await h.cli(['enroll-token', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(created.token), 'the token itself is never listed');
    const tokens = (JSON.parse(listed.stdout) as { tokens: EnrollTokenInfo[] }).tokens;
    const mine = tokens.find((t) => t.id === created.id);
    assert.equal(mine?.state, 'used');
    assert.deepEqual(mine?.labels, { env: 'prod', ring: 'canary' });
  });

  test('a revoked enrollment token enrolls nothing', async () => {
    const created = await h.cliJson<Created>(['enroll-token', 'create']);
    const revoked = await h.cli(['enroll-token', 'revoke', created.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked enrollment token ${created.id} at `));
    const refused = await h.cli(agentArgs('never', '--enroll', created.token));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error\[ENROLL_TOKEN_INVALID\]: the enrollment token was revoked/);
    const unknown = await h.cli(['enroll-token', 'revoke', 'enr_nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /error\[NOT_FOUND\]: no enrollment token enr_nope/);
    const listed = await h.cliJson<{ tokens: EnrollTokenInfo[] }>(['enroll-token', 'list']);
    assert.equal(listed.tokens.find((t) => t.id === created.id)?.state, 'revoked');
  });

  test('devices revoke closes the live connection; the agent stops with DEVICE_REVOKED', async () => {
    const stopped = exited(laptop);
    const revoked = await h.cli(['devices', 'revoke', laptopId, '--reason', 'laptop stolen']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked device ${laptopId} \\(laptop\\)`));
    assert.equal(await stopped, 1, 'the agent exits non-zero instead of redialling');
    assert.match(laptop.output(), /error\[DEVICE_REVOKED\]: device dev_\w+ was revoked/);
    assert.doesNotMatch(laptop.output(), /retrying/);
    const [device] = await devices();
    assert.equal(device?.online, false);
    assert.ok(device?.revokedAt !== undefined, 'the list says since when');
    const again = await h.cli(['devices', 'revoke', laptopId]);
    assert.match(again.stdout, /was already revoked/);
  });

  test('the revoked key is refused on the channel and at enrollment', async () => {
    const restart = await h.cli(agentArgs('laptop'));
    assert.equal(restart.code, 1);
    assert.match(restart.stderr, /error\[DEVICE_REVOKED\]/);
    const reenroll = await h.cli(agentArgs('laptop', '--enroll', await h.enrollToken()));
    assert.equal(reenroll.code, 1);
    assert.match(
      reenroll.stderr,
      /error\[DEVICE_REVOKED\]: this device key belongs to device dev_\w+, which was revoked/,
    );
  });

  test('no new rollout targets a revoked device', async () => {
    const miss = await h.cli(['rollout', 'start', 'app@1', '--devices', 'ring=canary']);
    assert.equal(miss.code, 1);
    assert.match(miss.stderr, /error\[INVALID_INPUT\]: the selector ring=canary matches no device/);
    await h.startAgent('desk', ['ring=canary']);
    const started = await h.cliJson<Rollout>(['rollout', 'start', 'app@1', '--devices', 'all']);
    const done = await h.settled<Rollout & { counts: { total: number; installed: number } }>(
      started.id,
    );
    assert.equal(done.counts.total, 1, 'only the device not revoked');
    assert.equal(done.counts.installed, 1);
  });

  test('a replacement token gives the revoked id a new key', async () => {
    const replacement = await h.cliJson<Created>(['enroll-token', 'create', '--replace', laptopId]);
    const { proc } = await h.start(
      agentArgs('laptop-new', '--enroll', replacement.token, '--replace', laptopId),
      new RegExp(`connected to .* as ${laptopId}`),
    );
    const device = (await devices()).find((d) => d.id === laptopId);
    assert.equal(device?.revokedAt, undefined, 'the new key is trusted');
    assert.equal(device?.online, true);
    await proc.stop();
    const old = await h.start(agentArgs('laptop'), /server refused: SECURITY_AUTH_FAILED/);
    await old.proc.stop(); // the old key stays refused
  });

  test('devices remove takes the device out of the list; its history stays audited', async () => {
    const removed = await h.cliJson<{ device: Device; changed: boolean }>([
      'devices',
      'remove',
      laptopId,
    ]);
    assert.equal(removed.changed, true);
    assert.ok(!(await devices()).some((d) => d.id === laptopId));
    const twice = await h.cli(['devices', 'remove', laptopId]);
    assert.match(twice.stderr, /error\[NOT_FOUND\]: no device/);
    const actions = await operatorActions();
    for (const expected of [
      new RegExp(`^device-revoked ${laptopId}: laptop stolen$`),
      new RegExp(`^device-removed ${laptopId}$`),
      /^enroll-token-revoked enr_\w+$/,
      /^enroll-token-created enr_\w+ labels env=prod,ring=canary$/,
    ])
      assert.ok(
        actions.some((a) => expected.test(a)),
        `${String(expected)} in\n${actions.join('\n')}`,
      );
    const audit = await h.cli(['audit', 'verify', '--data', join(h.dir, 'server'), '--json']);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    await eventually(
      async () => ((await devices()).length === 1 ? true : undefined),
      'one device left',
    );
  });
});
