/**
 * Peer-to-peer end to end (issue 15 items 3 and 5, ADR 0040) with a real server and real agents
 * on loopback addresses: a second agent of the site gets every byte from the first; a peer that
 * sends wrong, truncated or stalled bytes is dropped, reported to the server, and the origin
 * serves the piece; a device of another site and an unenrolled key are refused by the peer
 * server; an agent killed mid-download resumes and installs the right bytes. Every install is
 * checked on disk. (A delta against the wrong base: e2e/delta.test.ts.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import type { Rollout } from '@patchcast/protocol';
import { PEER_HEADERS, peerPiecePath, peerRequestStatement } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { cliInProcess } from './log-helpers.js';

/** About 2.5 MB: three pieces of 1 MiB. */
function content(seed: number): string {
  const lines = Array.from({ length: 60_000 }, (_, i) => `${seed}:${(i * 2654435761) >>> 0}`);
  return `${lines.join('\n')}\n`.padEnd(2_500_000, '#');
}

type Mode = 'wrong-bytes' | 'truncated' | 'stalled';

describe('peer-to-peer', () => {
  let h: Harness;
  let server: Proc;
  let hostile: Server;
  let mode: Mode = 'wrong-bytes';
  let hostileRequests = 0;
  const cli = (...args: string[]) => cliInProcess(h, args);

  before(async () => {
    h = await Harness.create();
    server = await h.startServer();
    hostile = createServer((req, res) => {
      if (req.headers[PEER_HEADERS.signature] !== undefined) hostileRequests++;
      if (mode === 'stalled') return void res.writeHead(200, { 'content-length': 1 << 20 });
      if (mode === 'truncated') {
        res.writeHead(200, { 'content-length': 1 << 20 });
        return void res.write(Buffer.alloc(1000), () => res.destroy());
      }
      res.end(Buffer.alloc(1 << 20, 7)); // a piece's length of bytes that are not the piece
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    hostile.closeAllConnections();
    hostile.close();
    await h.close();
  });

  const peerFlags = (ip: string, ...more: string[]) => [
    '--peer',
    'on',
    '--peer-listen',
    `${ip}:0`,
    '--peer-timeout',
    '2s',
    ...more,
  ];

  let version = 0;
  async function publish() {
    version++;
    const source = await writePatchSource(join(h.dir, 'src', `app-${version}`), {
      'opt/app/data.txt': content(version),
    });
    const key = join(h.dir, 'server/keys/targets.key');
    const args = ['publish', source, '--name', 'app', '--version', `${version}.0.0`];
    const result = await cli(...args, '--key', key, '--no-delta', '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as { sha256: string; length: number };
  }

  async function rollOut(host: string) {
    const ref = `app@${version}.0.0`;
    const result = await cli('rollout', 'start', ref, '--devices', `host=${host}`, '--json');
    assert.equal(result.code, 0, result.stderr);
    const device = (await h.settled<Rollout>((JSON.parse(result.stdout) as Rollout).id)).devices[0];
    assert.ok(device !== undefined);
    assert.equal(device.state, 'installed', JSON.stringify(device.error));
    const onDisk = await readFile(join(h.agentDirs(host).root, 'opt/app/data.txt'), 'utf8');
    assert.equal(onDisk, content(version), 'the installed bytes are the published ones');
    return device.timings ?? {};
  }

  const identity = async (host: string) =>
    JSON.parse(await readFile(join(h.agentDirs(host).data, 'identity.json'), 'utf8')) as {
      deviceId: string;
      publicKey: string;
      privateKey: string;
    };

  let bAddress = '';

  test('a second agent of the site gets its bytes from the first, none from the origin', async () => {
    await h.startAgent('a', ['host=a', 'site=hq'], peerFlags('127.0.0.2'));
    const b = await h.startAgent('b', ['host=b', 'site=hq'], peerFlags('127.0.0.3'));
    const { length } = await publish();
    const first = await rollOut('a');
    assert.equal(first.downloadBytes, length);
    assert.equal(first.peerBytes, 0);
    const second = await rollOut('b');
    assert.equal(second.downloadBytes, length);
    assert.equal(second.peerBytes, length, 'origin bytes: downloadBytes - peerBytes = 0');
    bAddress = /peers: serving pieces at (http:\/\/127\.0\.0\.3:\d+)/.exec(b.output())?.[1] ?? '';
    assert.ok(bAddress !== '', b.output());
  });

  test('the peer server refuses a device of another site and an unenrolled key', async () => {
    await h.startAgent('far', ['host=far', 'site=branch'], peerFlags('127.0.0.4'));
    const { sha256 } = await publish(); // b holds only what it downloaded last: this one next
    await rollOut('b');
    const to = (await identity('b')).deviceId;
    const ask = async (from: string, keys: { publicKey: string; privateKey: string }) => {
      const request = { sha256, piece: 0, from, to, time: Date.now(), nonce: randomUUID() };
      const signer = ed25519Signer({ publicHex: keys.publicKey, seedHex: keys.privateKey });
      const response = await fetch(`${bAddress}${peerPiecePath(request)}`, {
        headers: {
          [PEER_HEADERS.device]: from,
          [PEER_HEADERS.time]: String(request.time),
          [PEER_HEADERS.nonce]: request.nonce,
          [PEER_HEADERS.signature]: signer.sign(peerRequestStatement(request)),
        },
      });
      return { status: response.status, length: (await response.arrayBuffer()).byteLength };
    };
    const a = await identity('a');
    assert.deepEqual(await ask(a.deviceId, a), { status: 200, length: 1 << 20 }, 'same site');
    const far = await identity('far');
    assert.equal((await ask(far.deviceId, far)).status, 403, 'another site');
    const stranger = generateEd25519();
    const keys = { publicKey: stranger.publicHex, privateKey: stranger.seedHex };
    assert.equal((await ask(`dev-${randomUUID()}`, keys)).status, 403, 'not enrolled');
    assert.equal((await ask(far.deviceId, a)).status, 403, "a's key under another id");
    const far2 = await rollOut('far');
    assert.equal(far2.peerBytes, 0, 'b and a are of another site: all from the origin');
  });

  for (const fault of ['wrong-bytes', 'truncated', 'stalled'] as const) {
    test(`a peer that sends ${fault} is dropped, reported, and the origin serves`, async () => {
      const address = (hostile.address() as AddressInfo).port;
      const flags = peerFlags('127.0.0.5', '--peer-address', `http://127.0.0.1:${address}`);
      const evil = await h.startAgent('evil', ['host=evil', 'site=hq'], flags);
      await publish();
      await rollOut('evil'); // evil holds it now, and tells the site to ask the hostile server
      mode = fault;
      const before = hostileRequests;
      const c = await h.startAgent('c', ['host=c', 'site=hq'], peerFlags('127.0.0.6'));
      const got = await rollOut('c');
      assert.ok(hostileRequests > before, 'c asked the hostile peer');
      assert.equal(got.peerBytes, 0);
      assert.match(c.output(), new RegExp(`dropped \\(${fault} on piece`));
      await eventually(
        () => Promise.resolve(server.output().includes(`"fault":"${fault}"`) || undefined),
        'the report in the server log',
      );
      await Promise.all([c.stop(), evil.stop()]);
    });
  }

  test('an agent killed after a piece is written resumes and installs the right bytes', async () => {
    const dirs = h.agentDirs('d');
    await h.startAgent('d', ['host=d'], peerFlags('127.0.0.7')).then((p) => p.stop());
    const { length } = await publish();
    const args = ['agent', '--server', h.server, '--data', dirs.data, '--root', dirs.root];
    const crashing = await h.start([...args, ...peerFlags('127.0.0.7')], /connected to /, 20_000, {
      PATCHCAST_CRASH_AT: 'piece-written',
    });
    const ref = `app@${version}.0.0`;
    const started = await cli('rollout', 'start', ref, '--devices', 'host=d', '--json');
    assert.equal(started.code, 0, started.stderr);
    await eventually(
      () => Promise.resolve(crashing.proc.child.signalCode === 'SIGKILL' || undefined),
      'the crash after the first piece',
    );
    await h.startAgent('d', ['host=d'], peerFlags('127.0.0.7'));
    const rollout = (JSON.parse(started.stdout) as Rollout).id;
    const device = (await h.settled<Rollout>(rollout)).devices[0];
    assert.equal(device?.state, 'installed', JSON.stringify(device?.error));
    const onDisk = await readFile(join(dirs.root, 'opt/app/data.txt'), 'utf8');
    assert.equal(onDisk, content(version));
    assert.ok(
      (device.timings?.downloadBytes ?? 0) < length,
      'the kept piece was not fetched again',
    );
  });
});
