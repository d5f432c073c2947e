/**
 * device.install-failed and finding.kev from real processes: an agent whose install fails its
 * health check, and an agent whose dpkg inventory matches a Debian advisory whose CVE the
 * imported KEV catalog lists. Each event is checked with the `standardwebhooks` oracle.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { fixture } from '../vulns/paths.js';
import { Receiver, signedHeaders } from './receiver.js';

const SECRET = `whsec_${Buffer.from('patchcast webhook events test key!!!').toString('base64')}`;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

let h: Harness;
let receiver: Receiver;
const oracle = new Webhook(SECRET);

before(async () => {
  h = await Harness.create();
  receiver = await Receiver.start();
  await h.startServer();
  const { data, root } = h.agentDirs('web-1');
  await put(
    join(root, 'var/lib/dpkg/status'),
    'Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u1\n',
  );
  await put(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  await put(
    join(data, 'inventory.json'),
    JSON.stringify({
      dpkgStatus: join(root, 'var/lib/dpkg/status'),
      osRelease: [join(root, 'etc/os-release')],
    }),
  );
  await h.startAgent('web-1');
  await writeFile(join(h.dir, 'secret'), SECRET);
  const added = await h.cli([
    'webhook',
    'add',
    receiver.url(),
    '--events',
    'device.install-failed,finding.kev,rollout.completed',
    '--secret-file',
    join(h.dir, 'secret'),
    '--allow-private',
  ]);
  assert.equal(added.code, 0, added.stderr);
});
after(async () => {
  await receiver.close();
  await h.close();
});

const payloadOf = (type: string) =>
  eventually(async () => {
    const [r] = receiver.ofType(type);
    return Promise.resolve(
      r && (oracle.verify(r.body, signedHeaders(r)) as { data: Record<string, unknown> }),
    );
  }, `${type} at the receiver`);

test('a device newly exposed to a KEV-listed vulnerability is a signed finding.kev', async () => {
  const imported = await h.cli([
    'vulns',
    'import',
    fixture('advisories/debian/DSA-5532-1.json'),
    fixture('kev-small.json'),
  ]);
  assert.equal(imported.code, 0, imported.stderr);
  const { data } = await payloadOf('finding.kev');
  const { devices } = await h.cliJson<{ devices: { id: string }[] }>(['devices']);
  assert.equal(data['deviceId'], devices[0]?.id);
  assert.equal(data['advisoryId'], 'DSA-5532-1');
  assert.equal(data['package'], 'openssl');
  assert.equal((data['kev'] as { cve: string }).cve, 'CVE-2023-5363');
  assert.equal(receiver.ofType('finding.kev').length, 1, 'once per finding');
});

test('a failed install is a signed device.install-failed, then rollout.completed with failures', async () => {
  const source = await writePatchSource(
    join(h.dir, 'bad'),
    { 'etc/bad.conf': 'x\n' },
    { health: { command: 'exit 3', timeoutSeconds: 10 } },
  );
  await h.publish(source, 'bad', '1');
  const { id } = await h.cliJson<{ id: string }>(['rollout', 'start', 'bad@1', '--devices', 'all']);
  const { data } = await payloadOf('device.install-failed');
  assert.equal(data['rolloutId'], id);
  assert.deepEqual(data['patch'], { name: 'bad', version: '1' });
  assert.match((data['error'] as { code: string }).code, /HEALTH_CHECK_FAILED/);
  const done = await payloadOf('rollout.completed');
  assert.deepEqual([done.data['rolloutId'], done.data['state']], [id, 'completed-with-failures']);
});
