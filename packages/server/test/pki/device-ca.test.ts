/**
 * The device CA (ADR 0030): certificates bind the device's own Ed25519 key, and the CRL is one
 * that OpenSSL (what Node's TLS checks it with) reads and verifies, serial numbers whose top bit
 * is set included. The handshake itself is tested in cli/test/tls/device-certificates.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateEd25519 } from '@patchcast/core';
import {
  deviceCaPaths,
  deviceCrl,
  ensureDeviceCa,
  issueDeviceCertificate,
} from '../../src/pki/device-ca.js';

const run = promisify(execFile);
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function freshCa() {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-device-ca-'));
  dirs.push(dir);
  return { dir, ...(await ensureDeviceCa(dir, new Date())) };
}

test('the device CA is made once, private, and loaded again unchanged', async () => {
  const { dir, ca, created } = await freshCa();
  assert.equal(created, true);
  assert.equal((await stat(deviceCaPaths(dir).key)).mode & 0o777, 0o600);
  const again = await ensureDeviceCa(dir, new Date());
  assert.equal(again.created, false);
  assert.equal(again.ca.fingerprint, ca.fingerprint);
});

test('a device certificate holds the device key, names the device, and the CA signed it', async () => {
  const { ca } = await freshCa();
  const pair = generateEd25519();
  const issued = await issueDeviceCertificate(ca, 'dev_1', pair.publicHex, new Date());
  const cert = new X509Certificate(issued.certificate);
  const caCert = new X509Certificate(ca.certificate);
  assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey));
  assert.equal(cert.subject, 'CN=dev_1');
  assert.equal(cert.subjectAltName, 'URI:urn:patchcast:device:dev_1');
  const jwk = cert.publicKey.export({ format: 'jwk' });
  assert.equal(Buffer.from(jwk.x ?? '', 'base64url').toString('hex'), pair.publicHex);
  assert.equal(BigInt(`0x${cert.serialNumber}`), BigInt(`0x${issued.serial}`));
});

test('the CRL lists exactly the given serials, signed by the CA, readable by OpenSSL', async (t) => {
  const { dir, ca } = await freshCa();
  const issued = await issueDeviceCertificate(ca, 'dev_2', generateEd25519().publicHex, new Date());
  const serials = [issued.serial, 'ff01', '7a', '00007b'];
  const pem = deviceCrl(ca, serials, new Date());
  const file = join(dir, 'crl.pem');
  await writeFile(file, pem);
  const openssl = await run('openssl', [
    'crl',
    '-in',
    file,
    '-noout',
    '-text',
    '-CAfile',
    deviceCaPaths(dir).certificate,
  ]).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
  if (openssl === undefined) return t.skip('openssl is not installed: no independent check');
  const { stdout, stderr } = openssl as { stdout: string; stderr: string };
  assert.match(stderr + stdout, /verify OK/);
  const listed = [...stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) =>
    BigInt(`0x${m[1]}`),
  );
  assert.deepEqual(listed, [BigInt(`0x${issued.serial}`), 0xff01n, 0x7an, 0x7bn]);
  assert.doesNotMatch(deviceCrl(ca, [], new Date()), /BEGIN CRL/);
});
