/**
 * Device certificates and mutual TLS (issue 13 item 2, ADR 0030): a server with an agent-only
 * port that demands a device certificate in the handshake (`--agent-listen`,
 * `--require-client-cert`); agents enroll on the main port, get a certificate for their own key,
 * and install a rollout through the agent port. The refusals are checked with plain `tls.connect`
 * and raw WebSockets: no certificate, another CA's, a revoked device's, A's certificate speaking
 * as B. `openssl verify` is the independent check of the issued certificate when installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { ed25519PrivateKeyPem, ed25519Signer } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, authStatement } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

const run = promisify(execFile);

interface Identity {
  deviceId: string;
  publicKey: string;
  privateKey: string;
}
interface Grant {
  certificate: string;
  deviceCa: string;
  agentUrls: string[];
}

function keyPem(id: Identity): string {
  return ed25519PrivateKeyPem({ publicHex: id.publicKey, seedHex: id.privateKey });
}

/**
 * A TLS handshake with the agent port and one GET of `path`: the answer's status code, or the
 * error code the connection failed with.
 */
function handshake(
  url: string,
  ca: string,
  client: { cert?: string; key?: string },
  path = '/healthz',
) {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), ca, ...client }, () => {
      // TLS 1.3: the server judges the client certificate after the client's Finished; a
      // refusal arrives as an alert on the first read.
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => resolve(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? `answer ${answer}`));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Dials the channel and answers the challenge as `as`; returns the server's messages. */
async function channel(
  url: string,
  ca: string,
  as: Identity,
  client: { cert?: string; key?: string },
  then: (ws: WebSocket) => void = () => undefined,
): Promise<{ type: string; code?: string; certificate?: string }[]> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${AGENT_CHANNEL_PATH}`, { ca, ...client });
  const signer = ed25519Signer({ publicHex: as.publicKey, seedHex: as.privateKey });
  const got: { type: string; code?: string; certificate?: string; nonce?: string }[] = [];
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', () => resolve(got));
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as (typeof got)[number];
      got.push(message);
      if (message.type === 'challenge')
        ws.send(
          JSON.stringify({
            type: 'hello',
            deviceId: as.deviceId,
            nonce: message.nonce,
            signature: signer.sign(
              authStatement(as.deviceId, message.nonce ?? '', new URL(url).host),
            ),
            lastTimestampVersion: 0,
            inventory: {
              hostname: 'h',
              os: 'linux',
              arch: 'x64',
              agentVersion: 't',
              installed: [],
            },
          }),
        );
      if (message.type === 'welcome') then(ws);
    });
    setTimeout(() => ws.close(), 5000).unref();
  });
}

describe('device certificates (mutual TLS on the agent port)', () => {
  let h: Harness;
  let server: Proc;
  let agentA: Proc;
  let agentUrl: string;
  let ca: string;
  let deviceCa: string;
  const env = () => ({ PATCHCAST_CA: join(h.dir, 'pki', 'ca.pem') });
  const identity = async (name: string) =>
    JSON.parse(await readFile(join(h.agentDirs(name).data, 'identity.json'), 'utf8')) as Identity;
  const grant = async (name: string) =>
    JSON.parse(
      await readFile(join(h.agentDirs(name).data, 'device-certificate.json'), 'utf8'),
    ) as Grant;
  const client = async (name: string) => ({
    cert: (await grant(name)).certificate,
    key: keyPem(await identity(name)),
  });

  before(async () => {
    h = await Harness.create();
    const pki = join(h.dir, 'pki');
    assert.equal((await h.cli(['tls', 'init', '--hosts', '127.0.0.1', '--out', pki])).code, 0);
    const started = await h.start(
      [
        'server',
        '--data',
        join(h.dir, 'server'),
        '--listen',
        '127.0.0.1:0',
        '--tls-cert',
        join(pki, 'server.pem'),
        '--tls-key',
        join(pki, 'server.key'),
        '--agent-listen',
        '127.0.0.1:0',
        '--require-client-cert',
        '--log-level',
        'error',
      ],
      /listening on (https:\/\/[^\s]+)/,
    );
    server = started.proc;
    h.server = started.match[1] ?? '';
    agentUrl = /device certificates on (https:\/\/[^\s]+)/.exec(server.output())?.[1] ?? '';
    assert.match(agentUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    h.token = (await readFile(join(h.dir, 'server/initial-admin-token'), 'utf8')).trim();
    ca = await readFile(join(pki, 'ca.pem'), 'utf8');
    deviceCa = await readFile(join(h.dir, 'server/keys/device-ca.pem'), 'utf8');
    process.env.PATCHCAST_CA = env().PATCHCAST_CA;
    agentA = await h.startAgent('a', ['fleet=m']);
    await h.startAgent('b', ['fleet=m']);
  });
  after(async () => {
    delete process.env.PATCHCAST_CA;
    await h.close();
  });

  test('enrolled agents hold a certificate for their own key and install through the agent port', async (t) => {
    const a = await identity('a');
    const cert = new X509Certificate((await grant('a')).certificate);
    const caCert = new X509Certificate(deviceCa);
    assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey), 'the device CA signed it');
    assert.equal(cert.subjectAltName, `URI:urn:patchcast:device:${a.deviceId}`);
    const key = cert.publicKey.export({ format: 'jwk' });
    assert.equal(Buffer.from(key.x ?? '', 'base64url').toString('hex'), a.publicKey);
    assert.deepEqual((await grant('a')).agentUrls, [agentUrl]);
    await writeFile(join(h.dir, 'a.pem'), cert.toString());
    const verified = await run('openssl', [
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      join(h.dir, 'server/keys/device-ca.pem'),
      join(h.dir, 'a.pem'),
    ]).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
    if (verified === undefined) t.diagnostic('openssl is not installed: no independent check');
    else assert.match(String((verified as { stdout: string }).stdout), /a\.pem: OK/);

    const source = await writePatchSource(join(h.dir, 'src'), { 'etc/m.conf': 'mtls=1\n' });
    await h.publish(source, 'mtls-app', '1.0.0');
    const plan = join(h.dir, 'plan.yaml');
    await writeFile(
      plan,
      [
        'version: 1',
        'target: { labels: { fleet: m } }',
        'waves:',
        `  - { name: canary, ids: [${(await identity('a')).deviceId}], bake: 1s }`,
        '  - { name: rest, rest: true, bake: 1s }',
        'thresholds: { successPercent: 100, failurePercent: 0 }',
        '',
      ].join('\n'),
    );
    const rollout = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'mtls-app@1.0.0',
      '--plan',
      plan,
    ]);
    assert.equal((await h.settled<{ state: string }>(rollout.id)).state, 'completed');
    for (const name of ['a', 'b'])
      assert.equal(await readFile(join(h.agentDirs(name).root, 'etc/m.conf'), 'utf8'), 'mtls=1\n');
  });

  test('the handshake refuses no certificate and another CA’s; the API is not on the agent port', async () => {
    assert.equal(await handshake(agentUrl, ca, await client('a')), '200');
    assert.notEqual(await handshake(agentUrl, ca, {}), '200');
    const pki = join(h.dir, 'pki');
    const foreign = {
      cert: await readFile(join(pki, 'server.pem'), 'utf8'),
      key: await readFile(join(pki, 'server.key'), 'utf8'),
    };
    assert.notEqual(await handshake(agentUrl, ca, foreign), '200');
    assert.equal(await handshake(agentUrl, ca, await client('a'), '/api/v1/status'), '404');
  });

  test('A’s certificate cannot speak as B, and B is told why', async () => {
    const b = await identity('b');
    const asB = await channel(agentUrl, ca, b, await client('a'));
    const error = asB.find((m) => m.type === 'error');
    assert.equal(error?.code, 'SECURITY_AUTH_FAILED');
    assert.ok(!asB.some((m) => m.type === 'welcome'));
    const own = await channel(agentUrl, ca, b, await client('b'), (ws) => {
      ws.send(JSON.stringify({ type: 'certificate-request' }));
      ws.send(JSON.stringify({ type: 'certificate-request' }));
    });
    assert.ok(own.some((m) => m.type === 'welcome'));
    const renewed = own.find((m) => m.type === 'certificate')?.certificate ?? '';
    const key = new X509Certificate(renewed).publicKey.export({ format: 'jwk' });
    assert.equal(Buffer.from(key.x ?? '', 'base64url').toString('hex'), b.publicKey);
    assert.equal(own.filter((m) => m.type === 'certificate').length, 1, 'one per connection');
    assert.equal(own.find((m) => m.type === 'error')?.code, 'INVALID_INPUT');
  });

  test('the main port hands an agent its certificate and sends it to the agent port', async () => {
    const b = await identity('b');
    const main = await channel(h.server, ca, b, {});
    assert.ok(main.some((m) => m.type === 'certificate'));
    assert.equal(main.find((m) => m.type === 'error')?.code, 'DEVICE_CERT_REQUIRED');
    assert.ok(!main.some((m) => m.type === 'welcome'));
    // An agent that lost its certificate dials the main port, gets one, and moves over.
    const c = await h.startAgent('c', ['fleet=c']);
    await c.stop('SIGTERM');
    await rm(join(h.agentDirs('c').data, 'device-certificate.json'));
    const again = await h.start(
      ['agent', '--data', h.agentDirs('c').data, '--root', h.agentDirs('c').root],
      new RegExp(`connected to ${agentUrl.replace(/[.]/g, '\\.')}`),
    );
    assert.match(again.proc.output(), /DEVICE_CERT_REQUIRED/);
    assert.deepEqual((await grant('c')).agentUrls, [agentUrl]);
  });

  test('a revoked device’s certificate is refused in the handshake at once', async () => {
    const a = await identity('a');
    const before = await client('a');
    const revoke = await h.cli(['devices', 'revoke', a.deviceId, '--reason', 'stolen']);
    assert.equal(revoke.code, 0, `${revoke.stderr}\nserver:\n${server.output().slice(-4000)}`);
    assert.notEqual(await handshake(agentUrl, ca, before), '200');
    assert.equal(await handshake(agentUrl, ca, await client('b')), '200', 'others still pass');
    await eventually(
      () => Promise.resolve(/DEVICE_REVOKED/.test(agentA.output()) || undefined),
      'agent a to stop with DEVICE_REVOKED',
    );
  });
});

describe('device certificate settings', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create();
  });
  after(() => h.close());

  test('the agent port needs TLS; --require-client-cert needs the agent port', async () => {
    const data = join(h.dir, 'data');
    const noTls = await h.cli(['server', '--data', data, '--agent-listen', '127.0.0.1:0']);
    assert.equal(noTls.code, 2);
    assert.match(noTls.stderr, /^error\[USAGE\]: --agent-listen needs --tls-cert and --tls-key/);
    const alone = await h.cli(['server', '--data', data, '--require-client-cert']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /^error\[USAGE\]: --require-client-cert needs --agent-listen/);
  });
});
