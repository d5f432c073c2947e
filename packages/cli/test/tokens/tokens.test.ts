/**
 * Scoped, expiring, revocable API tokens through the CLI (issue 13 item 3), with real agents: an
 * operator token limited to env=staging rolls out to staging only, cannot reach or relabel prod
 * devices, and the transparency log names the token behind each change.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openAuditData } from '@patchcast/server';
import { parseLogEntry } from '@patchcast/protocol';
import type { LogEvent } from '@patchcast/protocol';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface TokenJson {
  id: string;
  token: string;
  info: { name: string; role: string; state: string; devices?: unknown; expiresAt?: string };
}

describe('API tokens', () => {
  let h: Harness;
  let staging: TokenJson;
  const as = (token: string, args: string[]) => h.cli(args, { env: { PATCHCAST_TOKEN: token } });
  const logEvents = async (): Promise<LogEvent[]> => {
    const data = await openAuditData({ dataDir: join(h.dir, 'server') });
    try {
      const entries = await data.logEntries(0, await data.logSize());
      return entries.flatMap((e) => parseLogEntry(e.leaf) ?? []);
    } finally {
      await data.close();
    }
  };

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    await h.startAgent('stage-1', ['env=staging']);
    await h.startAgent('prod-1', ['env=prod']);
    await h.publish(
      await writePatchSource(join(h.dir, 'src'), { 'app.conf': 'v=1\n' }),
      'app',
      '1.0.0',
    );
  });
  after(() => h.close());

  test('token create prints the secret once; list never shows it', async () => {
    staging = await h.cliJson<TokenJson>([
      'token',
      'create',
      '--name',
      'staging-ops',
      '--role',
      'operator',
      '--devices',
      'env=staging',
      '--expires',
      '30d',
    ]);
    assert.match(staging.token, /^pc_/);
    assert.deepEqual(staging.info.devices, { labels: { env: 'staging' } });
    assert.equal(staging.info.state, 'active');
    const listed = await h.cli(['token', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(staging.token), 'the secret is never listed');
    const human = await h.cli(['token', 'list']);
    assert.match(
      human.stdout,
      /staging-ops\s+operator\s+env=staging\s+20\d\d-.*\s+active\s+initial-admin/,
    );
  });

  test('a scoped operator token reaches only its devices', async () => {
    const wide = await as(staging.token, ['rollout', 'start', 'app@1.0.0', '--devices', 'all']);
    assert.equal(wide.code, 1);
    assert.match(
      wide.stderr,
      /^error\[FORBIDDEN\]: the token "staging-ops" may act only on devices with env=staging; the selector reaches 1 other device\(s\), e\.g\. prod-1/,
    );
    const ok = await as(staging.token, [
      'rollout',
      'start',
      'app@1.0.0',
      '--devices',
      'env=staging',
      '--json',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const id = (JSON.parse(ok.stdout) as { id: string }).id;
    const done = await h.settled<{ state: string; devices: { name: string; state: string }[] }>(id);
    assert.deepEqual(
      done.devices.map((d) => [d.name, d.state]),
      [['stage-1', 'installed']],
    );
    const devices = await h.cliJson<{ devices: { id: string; name: string }[] }>(['devices']);
    const prod = devices.devices.find((d) => d.name === 'prod-1')?.id ?? '';
    const stage = devices.devices.find((d) => d.name === 'stage-1')?.id ?? '';
    const relabelProd = await as(staging.token, ['devices', 'label', prod, 'env=staging']);
    assert.match(relabelProd.stderr, /^error\[FORBIDDEN\]: .* device .* reaches 1 other device/);
    const moveOut = await as(staging.token, ['devices', 'label', stage, 'env=prod']);
    assert.match(moveOut.stderr, /^error\[FORBIDDEN\]: .*the new labels of the device/);
    const replace = await as(staging.token, ['enroll-token', 'create', '--replace', prod]);
    assert.match(replace.stderr, /^error\[FORBIDDEN\]/);
    const unscoped = await as(staging.token, ['enroll-token', 'create']);
    assert.match(
      unscoped.stderr,
      /^error\[FORBIDDEN\]: .*a device enrolled with this enrollment token would not be one/,
    );
    const inScope = await as(staging.token, ['enroll-token', 'create', '--label', 'env=staging']);
    assert.equal(inScope.code, 0, inScope.stderr);
    const cascade = await as(staging.token, ['rollout', 'rollback', id, '--cascade']);
    assert.match(
      cascade.stderr,
      /^error\[FORBIDDEN\]: the token "staging-ops" is limited to some devices, and --cascade may undo rollouts beyond them/,
    );
    const manage = await as(staging.token, ['token', 'list']);
    assert.match(
      manage.stderr,
      /^error\[FORBIDDEN\]: this action needs the admin role; the token "staging-ops" has the operator role/,
    );
  });

  test('a revoked token is refused on its next request; the log names who did what', async () => {
    const revoked = await h.cli(['token', 'revoke', staging.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /revoked token tok_\w+ "staging-ops"/);
    const after = await as(staging.token, ['rollout', 'list']);
    assert.equal(after.code, 1);
    assert.match(
      after.stderr,
      /^error\[UNAUTHENTICATED\]: the API token "staging-ops" was revoked at /,
    );
    const events = await logEvents();
    const actions = events.flatMap((e) =>
      e.type === 'operator-action' ? [`${e.by} ${e.action} ${e.target}`] : [],
    );
    assert.ok(
      actions.some((a) =>
        /^initial-admin token-created tok_\w+ "staging-ops" operator on env=staging until /.test(a),
      ),
      actions.join('\n'),
    );
    assert.ok(
      actions.some((a) => /^initial-admin token-revoked tok_\w+ "staging-ops"$/.test(a)),
      actions.join('\n'),
    );
    const rollout = events.find((e) => e.type === 'rollout-created');
    assert.equal(rollout?.type === 'rollout-created' ? rollout.by : undefined, 'staging-ops');
    const bad = await h.cli(['token', 'create', '--name', 'x', '--role', 'root']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error\[USAGE\]: --role "root" is not a role/);
  });
});
