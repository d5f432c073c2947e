/** Under TLS the console's session cookie is also Secure (a real HTTPS request to the server). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_ROUTES } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import { createLabPki } from '../../src/pki/lab-pki.js';

function post(url: string, ca: string, body: string): Promise<{ status: number; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie']) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('under TLS the session cookie is HttpOnly, SameSite=Strict and Secure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-console-tls-'));
  const pki = await createLabPki({ hosts: ['127.0.0.1'], days: 1 });
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  await writeFile(certFile, pki.serverCert);
  await writeFile(keyFile, pki.serverKey, { mode: 0o600 });
  const server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    logLevel: 'fatal',
    tls: { certFile, keyFile },
  });
  try {
    assert.match(server.url, /^https:/);
    const token = server.initialAdminToken ?? '';
    const answer = await post(
      `${server.url}${CONSOLE_ROUTES.session}`,
      pki.caCert,
      JSON.stringify({ token }),
    );
    assert.equal(answer.status, 200);
    assert.match(
      answer.cookie,
      /^patchcast_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/,
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
