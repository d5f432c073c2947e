/**
 * `patchcast audit monitor` with real processes: a monitor follows a live server through
 * publications across its own restart, detects a log rewritten and re-signed on the server's data
 * folder (SECURITY_LOG_FORKED, also sent to a webhook receiver as a signed monitor.alert), and
 * reports a publication signed by a delegated key the allowed-signers file does not allow
 * (SECURITY_UNEXPECTED_SIGNER).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyIdOf } from '@patchcast/core';
import { readPublicKeyFile } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { editDatabase, publishFile, publishSource, restartServer } from './log-helpers.js';
import { writePatchSource } from '../patch-source.js';
import { keyHolder, ok } from '../trust/trust-helpers.js';
import { Webhook } from 'standardwebhooks';
import { Receiver } from '../webhooks/receiver.js';

const SECRET = `whsec_${Buffer.from('patchcast monitor alert test key!!!').toString('base64')}`;

interface PassLine {
  ok: boolean;
  size: number;
  newEntries: number;
  publications: number;
  code?: string;
}

function passLines(proc: Proc): PassLine[] {
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PassLine);
}

async function keyIds(pub: string): Promise<string[]> {
  return (await readPublicKeyFile(pub)).map((key) => keyIdOf(key));
}

async function allowedSigners(
  h: Harness,
  file: string,
  signers: { name: string; keyids: string[]; patches: string[] }[],
): Promise<string> {
  const path = join(h.dir, file);
  await writeFile(path, JSON.stringify({ format: 'patchcast-allowed-signers/v1', signers }));
  return path;
}

test('a monitor follows a live log across its own restart and catches a rewritten log', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    let server = await h.startServer(dataDir);
    const release = await keyIds(join(dataDir, 'keys/targets.pub'));
    const allowed = await allowedSigners(h, 'allowed.json', [
      { name: 'release', keyids: release, patches: ['*'] },
    ]);
    const state = join(h.dir, 'monitor-state');
    const args = ['audit', 'monitor', '--server', h.server, '--state', state];
    const monitorArgs = [...args, '--allowed-signers', allowed, '--interval', '1s', '--json'];
    let monitor = (await h.start(monitorArgs, /"ok":true/)).proc;

    await publishFile(h, 'app', '1');
    const seen = await eventually(
      () => Promise.resolve(passLines(monitor).find((l) => l.publications > 0)),
      'the monitor to check the publication of app@1',
    );
    assert.equal(seen.publications, 1);
    assert.equal(await monitor.stop('SIGTERM'), 0, 'a monitor stopped by a signal exits 0');
    const before = Math.max(...passLines(monitor).map((l) => l.size));

    // Restarted on its state, it reads only what was appended since, and checks it; this time
    // its alerts also go to a webhook receiver.
    await publishFile(h, 'app', '2');
    const receiver = await Receiver.start();
    const secretFile = join(h.dir, 'hook.secret');
    await writeFile(secretFile, `${SECRET}\n`);
    const hookArgs = ['--webhook', receiver.url(), '--webhook-secret-file', secretFile];
    monitor = (await h.start([...monitorArgs, ...hookArgs], /"ok":true/)).proc;
    const { child } = monitor;
    const exited = new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', resolve);
    });
    const first = passLines(monitor)[0] as PassLine;
    assert.ok(first.size > before, `the log grew (${first.size} > ${before})`);
    assert.equal(first.newEntries, first.size - before, 'it resumed from its stored tree');
    assert.equal(first.publications, 1, 'app@2 only');

    // The log rewritten on the data folder and re-signed with the same key: caught.
    await server.stop('SIGTERM');
    editDatabase(dataDir, (db) =>
      db.exec('DELETE FROM log_entries; DELETE FROM log_leaf_hashes; DELETE FROM log_checkpoints'),
    );
    server = await restartServer(h, server, dataDir);
    for (let i = 0; i < 3; i += 1) await publishFile(h, 'filler', String(i));
    assert.equal(await exited, 1);
    assert.match(monitor.output(), /error\[SECURITY_LOG_FORKED\]/);
    assert.ok(passLines(monitor).some((l) => !l.ok && l.code === 'SECURITY_LOG_FORKED'));
    // The alert reached the receiver before the monitor exited, signed (the independent
    // standardwebhooks package verifies it).
    const [alert, ...more] = receiver.ofType('monitor.alert');
    assert.equal(more.length, 0, 'one alert');
    const event = new Webhook(SECRET).verify(
      alert?.body ?? '',
      alert?.headers as Record<string, string>,
    ) as { data: { code: string; server: string } };
    assert.equal(event.data.code, 'SECURITY_LOG_FORKED');
    assert.equal(event.data.server, h.server);
    await receiver.close();

    // Its state was not advanced: a restart reports the fork again.
    const again = await h.cli([...args, '--once']);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /error\[SECURITY_LOG_FORKED\]/);
  } finally {
    await h.close();
  }
});

test('a monitor reports a publication signed by a delegated key it does not allow', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    await h.startServer(dataDir);
    const team = await keyHolder(h, 'team-a');
    await ok(h, [
      ...['delegate', 'add', 'team-a', '--key', `${team}.pub`],
      ...['--path', 'team-a-*/*/bundle.tar', '--targets-key', join(dataDir, 'keys/targets.key')],
    ]);
    const release = await keyIds(join(dataDir, 'keys/targets.pub'));
    const teamIds = await keyIds(`${team}.pub`);
    const onlyRelease = await allowedSigners(h, 'release-only.json', [
      { name: 'release', keyids: release, patches: ['*'] },
    ]);
    const once = (state: string, allowed: string) =>
      h.cli([
        'audit',
        'monitor',
        '--server',
        h.server,
        '--state',
        join(h.dir, state),
        '--once',
        '--allowed-signers',
        allowed,
      ]);
    await publishFile(h, 'plain', '1');
    assert.equal((await once('s1', onlyRelease)).code, 0);

    const source = await writePatchSource(join(h.dir, 'team-src'), { 'etc/team': 'team\n' });
    const args = ['publish', source, '--name', 'team-a-app', '--version', '1', '--key', team];
    const published = await h.cli([...args, '--role', 'team-a']);
    assert.equal(published.code, 0, published.stderr);

    const refused = await once('s1', onlyRelease);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error\[SECURITY_UNEXPECTED_SIGNER\]/);
    assert.match(refused.stderr, /team-a-app@1/);
    assert.match(refused.stderr, /signed in role team-a by key\(s\) /);
    assert.equal(teamIds.length, 2, 'a hybrid key holder: Ed25519 and ML-DSA-65');
    for (const id of teamIds) assert.ok(refused.stderr.includes(id), `names ${id}`);

    // The team's key allowed for other names only: still unexpected.
    const elsewhere = await allowedSigners(h, 'elsewhere.json', [
      { name: 'release', keyids: release, patches: ['*'] },
      { name: 'team-a', keyids: teamIds, patches: ['team-b-*'] },
    ]);
    assert.equal((await once('s1', elsewhere)).code, 1);

    // Allowed for its names: the same pass now succeeds, on the same state.
    const scoped = await allowedSigners(h, 'scoped.json', [
      { name: 'release', keyids: release, patches: ['*'] },
      { name: 'team-a', keyids: teamIds, patches: ['team-a-*'] },
    ]);
    const passed = await once('s1', scoped);
    assert.equal(passed.code, 0, passed.stderr);
    await publishSource(h, join(h.dir, 'team-src'), { name: 'not-team', version: '1' });
    assert.equal((await once('s1', scoped)).code, 0, 'the release key may sign any name');
  } finally {
    await h.close();
  }
});

test('the alert webhook flags are checked before the monitor starts', async () => {
  const h = await Harness.create();
  try {
    const base = ['audit', 'monitor', '--server', 'http://127.0.0.1:9', '--state', h.dir];
    const alone = await h.cli([...base, '--webhook', 'http://127.0.0.1:9/hook']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /error\[USAGE\]: --webhook URL and --webhook-secret-file FILE go/);
    const bad = join(h.dir, 'bad.secret');
    await writeFile(bad, 'not-a-secret\n');
    const hook = ['--webhook', 'http://127.0.0.1:9/hook', '--webhook-secret-file', bad];
    const refused = await h.cli([...base, ...hook]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error\[WEBHOOK_SECRET_INVALID\]/);
  } finally {
    await h.close();
  }
});
