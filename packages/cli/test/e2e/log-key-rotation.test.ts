/**
 * Log key rotation (ADR 0028) with real processes: publish, rotate (`server --rotate-log-key`),
 * publish again. An agent pinned to the old key installs the new patch through the signed
 * transition, a witness that knows only the old key keeps cosigning, `audit verify` and a monitor
 * started before the rotation pass. A forged transition (signed by a key not in force) served by
 * a hostile mirror is refused by the agent, the monitor and the audit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  formatCheckpoint,
  formatTlogProof,
  generateNoteKeys,
  keyTransitionLine,
  parseCheckpoint,
  parseCosignatureVerifierKey,
  parseNote,
  parseSignerKey,
  parseTlogProof,
  signNote,
  verifyCosignatures,
} from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import { agentFileExists, publishFile, restartServer, rollOut } from './log-helpers.js';
import { TrustFleet } from '../trust/fleet.js';

async function servedCheckpoint(h: Harness): Promise<string> {
  const client = new PatchcastClient({ server: h.server });
  return new TextDecoder().decode(await client.publicFile('/log/checkpoint'));
}

test('publish, rotate the log key, publish: agents, a witness, audits and a monitor follow', async () => {
  const h = await Harness.create();
  try {
    const dataDir = join(h.dir, 'server');
    let server = await h.startServer(dataDir);
    const oldKey = (await readFile(join(dataDir, 'keys/log.pub'), 'utf8')).trim();
    // The witness operator got the old key out of band, once.
    const logKeyFile = join(h.dir, 'log-key-as-given.pub');
    await copyFile(join(dataDir, 'keys/log.pub'), logKeyFile);
    const key = join(h.dir, 'witness.key');
    const keygen = ['witness', 'keygen', '--name', 'witness.test/w1', '--out', key];
    assert.equal((await h.cli(keygen)).code, 0);
    const witnessArgs = ['witness', '--key', key, '--state', join(h.dir, 'witness-state')];
    const witness = (
      await h.start(
        [...witnessArgs, '--listen', '127.0.0.1:0', '--log', logKeyFile],
        /listening on (http:\/\/\S+)/,
      )
    ).proc;
    const witnessUrl = /listening on (http:\/\/\S+)/.exec(witness.output())?.[1] ?? '';
    const withWitness = ['--witness', `${witnessUrl}=${key}.vkey`];
    server = await restartServer(h, server, dataDir, withWitness);
    const pinned = ['--log-key', oldKey, '--witness', `${key}.vkey`, '--witness-threshold', '1'];
    const alpha = await h.startAgent('alpha', [], pinned);
    const monitor = ['audit', 'monitor', '--server', h.server, '--state', join(h.dir, 'mon')];
    const monitorOnce = [...monitor, '--log-key', oldKey, '--once', '--json'];

    await publishFile(h, 'app', '1');
    assert.equal((await rollOut(h, 'app@1')).state, 'completed');
    assert.equal((await h.cli(monitorOnce)).code, 0);

    server = await restartServer(h, server, dataDir, [...withWitness, '--rotate-log-key']);
    assert.match(server.output(), /Rotated the transparency log key: \S+ -> (\S+)/);
    const newKey = (await readFile(join(dataDir, 'keys/log.pub'), 'utf8')).trim();
    assert.notEqual(newKey, oldKey);

    // The agent pinned to the old key installs what the new key's checkpoints prove.
    await publishFile(h, 'app', '2');
    const after = await rollOut(h, 'app@2');
    assert.equal(after.state, 'completed', JSON.stringify(after.devices));
    assert.ok(await agentFileExists(h, 'alpha', 'app'));
    const followed = await readFile(join(h.agentDirs('alpha').data, 'log/key-transitions'), 'utf8');
    assert.equal((JSON.parse(followed) as string[]).length, 1);
    assert.equal(
      (await readFile(join(h.agentDirs('alpha').data, 'log/key'), 'utf8')).trim(),
      oldKey,
    );

    // The witness learned the new key from the transition and cosigns under it.
    assert.match(witness.output(), /learned the key \S+ of patchcast\//);
    const witnessKey = parseCosignatureVerifierKey(await readFile(`${key}.vkey`, 'utf8'));
    await eventually(async () => {
      const note = parseNote(await servedCheckpoint(h));
      return verifyCosignatures(note.text, note.signatures, [witnessKey]).length === 1
        ? true
        : undefined;
    }, 'the checkpoint signed by the new key to be cosigned');

    // audit verify over HTTP and on the data folder, trusting the old key, and the monitor.
    const http = await h.cli(['audit', 'verify', '--server', h.server, '--log-key', oldKey]);
    assert.equal(http.code, 0, http.stdout + http.stderr);
    const data = await h.cli(['audit', 'verify', '--data', dataDir, '--log-key', oldKey, '--json']);
    assert.equal(data.code, 0, data.stdout);
    const report = JSON.parse(data.stdout) as {
      log: { key: string };
      checked: { checkpoints: number };
    };
    assert.equal(report.log.key, newKey);
    const followedByMonitor = await h.cli(monitorOnce);
    assert.equal(followedByMonitor.code, 0, followedByMonitor.stderr);
    assert.match(followedByMonitor.stdout, /"keyTransitions":1/);

    // A later start without the flag signs with the new key; a new agent pins it on first use.
    server = await restartServer(h, server, dataDir, withWitness);
    await h.startAgent('beta', [], ['--witness', `${key}.vkey`]);
    await publishFile(h, 'tool', '1');
    const third = await rollOut(h, 'tool@1');
    assert.deepEqual(
      third.devices.map((d) => d.state),
      ['installed', 'installed'],
    );
    assert.match(alpha.output(), /tool@1/);
  } finally {
    await h.close();
  }
});

test('a forged key transition (signed by a key not in force) is refused', async () => {
  const fleet = await TrustFleet.start();
  const { h, mirror } = fleet;
  try {
    await fleet.expectInstalled(await fleet.publish('honest'));
    const oldKey = (await readFile(join(h.dir, 'server/keys/log.pub'), 'utf8')).trim();
    const origin = oldKey.split('+')[0] ?? '';
    // The attacker holds the data folder's database, not keys/log.key: it makes a key of its own.
    const forger = parseSignerKey(generateNoteKeys(origin).signerKey);
    const current = parseCheckpoint(parseNote(await servedCheckpoint(h)).text);
    const forged = signNote(
      formatCheckpoint({
        ...current,
        extensions: [keyTransitionLine(oldKey, forger.verifierKey)],
      }),
      [forger],
    );
    mirror.tamper('/log/key-transitions', () =>
      Buffer.from(JSON.stringify({ transitions: [forged] })),
    );

    // A publication proven by a checkpoint that only the forged key signed.
    const ref = await fleet.publish('forged');
    mirror.tamper('/log/proof/patch/forged/1.0.0', (real) => {
      const answer = JSON.parse(String(real)) as { entry: string; proof: string };
      const proof = parseTlogProof(answer.proof);
      const resigned = signNote(parseNote(proof.checkpoint).text, [forger]);
      return Buffer.from(
        JSON.stringify({ ...answer, proof: formatTlogProof({ ...proof, checkpoint: resigned }) }),
      );
    });
    await fleet.expectRefused(ref, 'SECURITY_KEY_ROTATION_INVALID');
    assert.ok(mirror.served.includes('/log/key-transitions'), 'the agent read the forgery');

    const state = join(h.dir, 'mon');
    const monitor = await h.cli([
      ...['audit', 'monitor', '--server', mirror.url, '--state', state],
      ...['--log-key', oldKey, '--once'],
    ]);
    assert.equal(monitor.code, 1);
    assert.match(monitor.stderr, /error\[SECURITY_KEY_ROTATION_INVALID\]/);

    const audit = await h.cli([
      'audit',
      'verify',
      '--server',
      mirror.url,
      '--log-key',
      oldKey,
      '--json',
    ]);
    assert.equal(audit.code, 1);
    const problems = (JSON.parse(audit.stdout) as { problems: { where: string }[] }).problems;
    assert.ok(
      problems.some((p) => p.where === 'log key transitions'),
      audit.stdout,
    );

    mirror.heal();
    await fleet.expectInstalled(await fleet.publish('healed'));
  } finally {
    await fleet.close();
  }
});
