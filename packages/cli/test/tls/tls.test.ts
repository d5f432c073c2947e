/**
 * TLS on the one port (issue 13 item 1): `patchcast tls init`, a server on HTTPS/WSS, the CLI and an
 * agent that verify it (system CAs or --ca / PATCHCAST_CA), a rollout over TLS, certificate reload
 * on SIGHUP without dropping the agent, and the refusals. Real processes on loopback; `openssl
 * verify` is the independent check of the certificates when it is installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { access, copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

const run = promisify(execFile);

async function openssl(args: readonly string[]): Promise<string | undefined> {
  try {
    return (await run('openssl', args)).stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

describe('TLS everywhere', () => {
  let h: Harness;
  let server: Proc;
  let agent: Proc;
  let pki: string;
  const device = 'tls-dev';

  before(async () => {
    h = await Harness.create();
    pki = join(h.dir, 'pki');
    const init = await h.cli(['tls', 'init', '--hosts', 'localhost,127.0.0.1', '--out', pki]);
    assert.equal(init.code, 0, init.stderr);
    // The server serves a copy, so that the reload test can swap the files under it.
    for (const f of ['server.pem', 'server.key']) await copyFile(join(pki, f), join(h.dir, f));
    const started = await h.start(
      [
        'server',
        '--data',
        join(h.dir, 'server'),
        '--listen',
        '127.0.0.1:0',
        '--tls-cert',
        join(h.dir, 'server.pem'),
        '--tls-key',
        join(h.dir, 'server.key'),
      ],
      /listening on (https:\/\/[^\s]+)/,
    );
    server = started.proc;
    h.server = started.match[1] ?? '';
    h.token = (await readFile(join(h.dir, 'server/initial-admin-token'), 'utf8')).trim();
  });
  after(() => h.close());

  const serverSays = (line: RegExp) =>
    eventually(() => Promise.resolve(line.test(server.output()) || undefined), String(line));

  test('tls init writes a CA and a server certificate that verify, keys private', async (t) => {
    const ca = new X509Certificate(await readFile(join(pki, 'ca.pem')));
    const leaf = new X509Certificate(await readFile(join(pki, 'server.pem')));
    assert.ok(ca.ca, 'ca.pem is a CA certificate');
    assert.ok(!leaf.ca);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'the CA signed the server');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkHost('example.org'), undefined);
    for (const key of ['ca.key', 'server.key'])
      assert.equal((await stat(join(pki, key))).mode & 0o777, 0o600, key);
    const verified = await openssl([
      'verify',
      '-CAfile',
      join(pki, 'ca.pem'),
      join(pki, 'server.pem'),
    ]);
    if (verified === undefined) t.skip('openssl is not installed: no independent check');
    else assert.match(verified, /server\.pem: OK/);
  });

  test('tls init never overwrites, and checks --hosts', async () => {
    const before = await readFile(join(pki, 'ca.key'), 'utf8');
    const again = await h.cli(['tls', 'init', '--hosts', 'localhost', '--out', pki]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error\[CONFLICT\]: .* already holds TLS files/);
    assert.equal(await readFile(join(pki, 'ca.key'), 'utf8'), before, 'the CA key is untouched');
    const bad = await h.cli(['tls', 'init', '--hosts', 'bad host!', '--out', join(h.dir, 'x')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error\[USAGE\]: --hosts: "bad host!" is neither/);
    await assert.rejects(access(join(h.dir, 'x', 'ca.pem')), { code: 'ENOENT' });
  });

  test('the CLI verifies the server: refused without the CA, accepted with --ca or PATCHCAST_CA', async () => {
    const untrusted = await h.cli(['status']);
    assert.equal(untrusted.code, 1);
    assert.match(
      untrusted.stderr,
      /^error\[TLS_UNTRUSTED\]: the certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted/,
    );
    assert.match(untrusted.stderr, /hint: pass --ca FILE \(or set PATCHCAST_CA\)/);
    const flag = await h.cli(['status', '--json', '--ca', join(pki, 'ca.pem')]);
    assert.equal(flag.code, 0, flag.stderr);
    const env = await h.cli(['status', '--json'], { env: { PATCHCAST_CA: join(pki, 'ca.pem') } });
    assert.equal(env.code, 0, env.stderr);
    const missing = await h.cli(['status', '--ca', join(h.dir, 'nope.pem')]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^error\[TLS_CA_INVALID\]: --ca .*nope\.pem: cannot read it: ENOENT/,
    );
    const notPem = join(h.dir, 'not.pem');
    await writeFile(notPem, 'hello');
    const garbage = await h.cli(['status', '--ca', notPem]);
    assert.match(garbage.stderr, /^error\[TLS_CA_INVALID\]: --ca .*: it holds no PEM certificate/);
    const plain = await h.cli(['status', '--server', h.server.replace('https:', 'http:')], {
      env: { PATCHCAST_CA: join(pki, 'ca.pem') },
    });
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^error\[SERVER_UNREACHABLE\]/);
  });

  test('an agent enrolls and installs a rollout over HTTPS and WSS', async () => {
    const ca = { PATCHCAST_CA: join(pki, 'ca.pem') };
    process.env.PATCHCAST_CA = ca.PATCHCAST_CA;
    try {
      agent = await h.startAgent(device, ['env=tls']);
      const source = await writePatchSource(join(h.dir, 'src1'), { 'etc/app.conf': 'tls=1\n' });
      await h.publish(source, 'tls-app', '1.0.0');
      const rollout = await h.cliJson<{ id: string }>([
        'rollout',
        'start',
        'tls-app@1.0.0',
        '--devices',
        'env=tls',
      ]);
      const done = await h.settled<{ state: string }>(rollout.id);
      assert.equal(done.state, 'completed');
      const installed = await readFile(join(h.agentDirs(device).root, 'etc/app.conf'), 'utf8');
      assert.equal(installed, 'tls=1\n');
    } finally {
      delete process.env.PATCHCAST_CA;
    }
  });

  test('SIGHUP reloads the certificate; connected agents stay; bad files keep the old one', async () => {
    const other = join(h.dir, 'pki2');
    assert.equal((await h.cli(['tls', 'init', '--hosts', '127.0.0.1', '--out', other])).code, 0);
    const ca1 = { PATCHCAST_CA: join(pki, 'ca.pem') };
    const ca2 = { PATCHCAST_CA: join(other, 'ca.pem') };
    // A broken key first: the server keeps serving the old certificate.
    await writeFile(join(h.dir, 'server.key'), 'not a key');
    server.child.kill('SIGHUP');
    await serverSays(/kept the old TLS certificate/);
    assert.equal((await h.cli(['status'], { env: ca1 })).code, 0, 'still the first certificate');
    for (const f of ['server.pem', 'server.key']) await copyFile(join(other, f), join(h.dir, f));
    server.child.kill('SIGHUP');
    await serverSays(/reloaded the TLS certificate/);
    const withNew = await h.cli(['status'], { env: ca2 });
    assert.equal(withNew.code, 0, withNew.stderr);
    const withOld = await h.cli(['status'], { env: ca1 });
    assert.match(
      withOld.stderr,
      /^error\[TLS_UNTRUSTED\]/,
      'new connections get the new certificate',
    );
    // The agent trusts only the first CA: it can stay online only on the connection it kept.
    const devices = await h.cli(['devices', '--json'], { env: ca2 });
    const list = JSON.parse(devices.stdout) as { devices: { name: string; online: boolean }[] };
    assert.equal(list.devices.find((d) => d.name === device)?.online, true);
    assert.equal(agent.output().match(/connected to /g)?.length, 1, 'the agent never reconnected');
  });
});

describe('TLS refusals at start', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.create();
  });
  after(() => h.close());

  test('a non-loopback address without TLS is refused before anything is written', async () => {
    const data = join(h.dir, 'plain');
    const result = await h.cli(['server', '--data', data, '--listen', '0.0.0.0:0']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error\[TLS_REQUIRED\]: refusing to serve plain HTTP on 0\.0\.0\.0/,
    );
    assert.match(result.stderr, /hint: give --tls-cert FILE --tls-key FILE/);
    await assert.rejects(access(data), { code: 'ENOENT' });
  });

  test('unreadable, malformed or mismatched certificate files are refused', async () => {
    const a = join(h.dir, 'a');
    const b = join(h.dir, 'b');
    for (const dir of [a, b])
      assert.equal((await h.cli(['tls', 'init', '--hosts', 'localhost', '--out', dir])).code, 0);
    const data = join(h.dir, 'data');
    const start = (cert: string, key: string) =>
      h.cli([
        'server',
        '--data',
        data,
        '--listen',
        '127.0.0.1:0',
        '--tls-cert',
        cert,
        '--tls-key',
        key,
      ]);
    const missing = await start(join(a, 'nope.pem'), join(a, 'server.key'));
    assert.match(missing.stderr, /^error\[TLS_CERT_INVALID\]: --tls-cert .*nope\.pem: ENOENT/);
    const mismatched = await start(join(a, 'server.pem'), join(b, 'server.key'));
    assert.equal(mismatched.code, 1);
    assert.match(mismatched.stderr, /^error\[TLS_CERT_INVALID\]: --tls-cert .* with --tls-key .*/);
    const swapped = await start(join(a, 'server.key'), join(a, 'server.pem'));
    assert.match(swapped.stderr, /^error\[TLS_CERT_INVALID\]/);
    await assert.rejects(access(data), { code: 'ENOENT' }, 'no data folder was made');
    const half = await h.cli(['server', '--data', data, '--tls-cert', join(a, 'server.pem')]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /^error\[USAGE\]: --tls-cert and --tls-key go together/);
  });
});
