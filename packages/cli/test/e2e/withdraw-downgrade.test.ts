/**
 * Withdrawn versions and deliberate downgrades (issue 21, ADR 0017) with a real server and a real
 * agent: a withdrawn version is refused by the agent (also for a rollout started before the
 * withdrawal) and by the server at rollout start; a downgrade is refused by the agent and by the
 * server unless the rollout allows it; `patches --json` shows the state; the log stays auditable.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEvent, PatchesResponse, Rollout } from '@patchcast/protocol';
import { Harness } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { cliInProcess, logEvents, publishFile, publishSource } from './log-helpers.js';

const AGENT = 'edge';

describe('withdraw and downgrade', () => {
  let h: Harness;
  let agent: Proc;

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    agent = await h.startAgent(AGENT);
  });
  after(() => h.close());

  const cli = (...args: string[]) => cliInProcess(h, args);
  const key = () => join(h.dir, 'server/keys/targets.key');
  const onDisk = (name: string) =>
    readFile(join(h.agentDirs(AGENT).root, 'etc', name), 'utf8').catch(() => undefined);
  const installed = async () =>
    (
      JSON.parse(await readFile(join(h.agentDirs(AGENT).data, 'state.json'), 'utf8')) as {
        installed: { name: string; version: string }[];
      }
    ).installed;

  /** Starts a rollout to every device; returns its id. */
  async function start(ref: string, ...flags: string[]): Promise<string> {
    const result = await cli('rollout', 'start', ref, '--devices', 'all', '--json', ...flags);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as Rollout).id;
  }

  const device = (rollout: Rollout) => rollout.devices[0];

  test('a withdrawn version is refused by the agent and at rollout start; patches shows it', async () => {
    await publishFile(h, 'app', '1.0.0');
    await agent.stop();
    const early = await start('app@1.0.0'); // started before the withdrawal; the agent is away
    const withdrawn = await cli(
      'withdraw',
      'app@1.0.0',
      '--reason',
      'corrupts the cache',
      '--key',
      key(),
      '--json',
    );
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    assert.equal(
      (JSON.parse(withdrawn.stdout) as { alreadyWithdrawn: boolean }).alreadyWithdrawn,
      false,
    );

    agent = await h.startAgent(AGENT);
    const done = await h.settled<Rollout>(early);
    assert.equal(device(done)?.state, 'failed');
    assert.equal(device(done)?.error?.code, 'PATCH_WITHDRAWN');
    assert.match(device(done)?.error?.message ?? '', /corrupts the cache/);
    assert.equal(await onDisk('app'), undefined, 'nothing installed');
    assert.deepEqual(await installed(), []);

    const refused = await cli('rollout', 'start', 'app@1.0.0', '--devices', 'all');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error\[PATCH_WITHDRAWN\]: app@1\.0\.0 was withdrawn .*corrupts/);
    assert.match(refused.stderr, /hint: /);

    const again = await cli('withdraw', 'app@1.0.0', '--reason', 'other', '--key', key());
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already withdrawn .*: corrupts the cache/);

    const fix = {
      advisories: ['CVE-2026-0001'],
      package: 'openssl',
      ecosystem: 'Debian:12',
      fixedVersion: '3.0.11-1',
    };
    const fixer = await writePatchSource(
      join(h.dir, 'fixer'),
      { 'etc/fixer': 'x\n' },
      { fixes: [fix] },
    );
    await publishSource(h, fixer, { name: 'fixer', version: '2.0.0' });
    const listed = await cli('patches', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const { patches } = JSON.parse(listed.stdout) as PatchesResponse;
    const app = patches.find((p) => p.name === 'app')?.versions[0];
    assert.equal(app?.state, 'withdrawn');
    assert.equal(app.withdrawn?.reason, 'corrupts the cache');
    assert.equal(app.role, null);
    assert.match(app.publishedAt ?? '', /^\d{4}-/);
    const fixed = patches.find((p) => p.name === 'fixer')?.versions[0];
    assert.deepEqual([fixed?.state, fixed?.withdrawn, fixed?.fixes], ['published', null, [fix]]);
    const table = await cli('patches');
    assert.match(table.stdout, /app\s+1\.0\.0\s+withdrawn: corrupts the cache/);
    assert.match(table.stdout, /fixer\s+2\.0\.0\s+published\s+\S+\s+CVE-2026-0001/);

    const events = await logEvents(h.server);
    const entry = events.find(
      (e): e is Extract<LogEvent, { type: 'patch-withdrawn' }> => e.type === 'patch-withdrawn',
    );
    assert.equal(entry?.reason, 'corrupts the cache');
    assert.equal(entry.targetPath, 'app/1.0.0/bundle.tar');
  });

  test('a downgrade is refused by the agent and the server, and done with --allow-downgrade', async () => {
    await publishFile(h, 'lib', '1.2.0');
    await publishFile(h, 'lib', '1.10.0');
    await agent.stop();
    // Started while the device has neither: the server cannot know; the agent gets both in order.
    const upgrade = await start('lib@1.10.0');
    const downgrade = await start('lib@1.2.0');
    agent = await h.startAgent(AGENT);
    assert.equal(device(await h.settled<Rollout>(upgrade))?.state, 'installed');
    const refused = await h.settled<Rollout>(downgrade);
    assert.equal(device(refused)?.error?.code, 'PATCH_DOWNGRADE_REFUSED');
    assert.equal(await onDisk('lib'), 'lib 1.10.0\n', 'the installed version is untouched');

    const atStart = await cli('rollout', 'start', 'lib@1.2.0', '--devices', 'all');
    assert.equal(atStart.code, 1);
    assert.match(atStart.stderr, /error\[PATCH_DOWNGRADE_REFUSED\]: .*edge has 1\.10\.0/);
    assert.match(atStart.stderr, /--allow-downgrade/);

    const allowed = await start('lib@1.2.0', '--allow-downgrade');
    assert.equal(device(await h.settled<Rollout>(allowed))?.state, 'installed');
    assert.equal(await onDisk('lib'), 'lib 1.2.0\n');
    assert.deepEqual(
      (await installed()).filter((p) => p.name === 'lib').map((p) => p.version),
      ['1.2.0'],
    );
    const created = (await logEvents(h.server)).filter(
      (e): e is Extract<LogEvent, { type: 'rollout-created' }> => e.type === 'rollout-created',
    );
    assert.deepEqual(
      created.filter((e) => e.allowDowngrade === true).map((e) => e.id),
      [allowed],
      'the deliberate downgrade is logged with its rollout',
    );
  });

  test('audit verify is clean after a withdrawal and a downgrade', async () => {
    const live = await cli('audit', 'verify', '--json');
    assert.equal(live.code, 0, live.stdout + live.stderr);
    const data = await cli('audit', 'verify', '--data', join(h.dir, 'server'), '--json');
    assert.equal(data.code, 0, data.stdout + data.stderr);
  });
});
