import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import type { BundleProbes } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import { sandbox, snapshot, writeTree } from '../install/helpers.js';
import type { Sandbox } from '../install/helpers.js';

type Check = BundleProbes['checks'][number];

function bundleWith(checks: readonly Check[], window = { deadlineMs: 5000, intervalMs: 20 }) {
  return buildBundle({
    name: 'probed',
    version: '2',
    files: [{ path: 'etc/app.conf', mode: 0o644, content: utf8('version=2\nready\n') }],
    probes: { ...window, checks },
  });
}

async function install(box: Sandbox, checks: readonly Check[], window?: BundleProbes) {
  const bundle = readBundle(bundleWith(checks, window));
  return installBundle({ bundle, root: box.root, stateDir: box.stateDir });
}

/** A loopback server answering each request with the next status of `statuses` (then the last). */
async function statusServer(t: { after(fn: () => void): void }, statuses: readonly number[]) {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    res.statusCode = statuses[Math.min(requests++, statuses.length - 1)] ?? 500;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/health`, requests: () => requests };
}

const http = (url: string, status?: number): Check => ({
  kind: 'http',
  name: 'api',
  url,
  timeoutMs: 1000,
  ...(status === undefined ? {} : { status }),
});

test('an HTTP probe is retried until the service answers as expected', async (t) => {
  const box = await sandbox(t);
  const server = await statusServer(t, [503, 503, 200]);
  const outcome = await install(box, [http(server.url)]);
  assert.equal(outcome.status, 'installed', outcome.error?.message);
  assert.equal(server.requests(), 3);
});

test('a failing probe rolls back and names the probe and its last reason', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, { 'etc/app.conf': 'version=1\n' });
  const before = await snapshot(box.root);
  const server = await statusServer(t, [500]);
  const outcome = await install(box, [http(server.url, 204)], {
    deadlineMs: 200,
    intervalMs: 20,
    checks: [],
  });
  assert.equal(outcome.status, 'rolled-back');
  assert.equal(outcome.error?.code, 'HEALTH_CHECK_FAILED');
  assert.match(
    outcome.error?.message ?? '',
    /^health probe "api" failed: GET .* answered HTTP 500, expected 204 \(\d+ attempt\(s\) in \d+ ms\)$/,
  );
  assert.deepEqual(await snapshot(box.root), before);
});

test('a refused connection is a failing probe', async (t) => {
  const box = await sandbox(t);
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const address = closed.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  closed.close();
  await once(closed, 'close');
  const probe = http(`http://127.0.0.1:${port}/health`);
  const outcome = await install(box, [probe], { deadlineMs: 100, intervalMs: 50, checks: [] });
  assert.equal(outcome.error?.code, 'HEALTH_CHECK_FAILED');
  assert.match(
    outcome.error?.message ?? '',
    /probe "api" failed: GET http:\/\/127\.0\.0\.1:\d+\/health failed: ECONNREFUSED/,
  );
});

test('process and file probes: exit codes, presence and content, inside the root only', async (t) => {
  const box = await sandbox(t);
  const ok = await install(box, [
    {
      kind: 'process',
      name: 'three',
      command: ['/bin/sh', '-c', 'exit 3'],
      exitCode: 3,
      timeoutMs: 5000,
    },
    { kind: 'file', name: 'conf', path: 'etc/app.conf', contains: 'ready' },
  ]);
  assert.equal(ok.status, 'installed', ok.error?.message);
  const window = { deadlineMs: 100, intervalMs: 50, checks: [] };
  const exit = await install(
    box,
    [
      {
        kind: 'process',
        name: 'svc',
        command: ['/bin/sh', '-c', 'echo down; exit 1'],
        timeoutMs: 5000,
      },
    ],
    window,
  );
  assert.match(
    exit.error?.message ?? '',
    /probe "svc" failed: \/bin\/sh exited with 1, expected 0: down/,
  );
  const missing = await install(box, [{ kind: 'file', name: 'pid', path: 'run/app.pid' }], window);
  assert.match(missing.error?.message ?? '', /probe "pid" failed: run\/app\.pid does not exist/);
  const content = await install(
    box,
    [{ kind: 'file', name: 'v3', path: 'etc/app.conf', contains: 'version=3' }],
    window,
  );
  assert.match(content.error?.message ?? '', /etc\/app\.conf does not contain "version=3"/);
  await writeFile(join(box.base, 'outside.txt'), 'ready\n');
  await symlink(join(box.base, 'outside.txt'), join(box.root, 'escape'));
  const escape = await install(
    box,
    [{ kind: 'file', name: 'out', path: 'escape', contains: 'ready' }],
    window,
  );
  assert.match(escape.error?.message ?? '', /escape leads outside the managed root/);
});

test('probes must be loopback HTTP, distinct, and fit their deadline', () => {
  const build =
    (checks: readonly Check[], window = { deadlineMs: 1000, intervalMs: 10 }) =>
    () =>
      bundleWith(checks, window);
  const cases: [() => unknown, RegExp][] = [
    [build([http('http://example.com/health')]), /must be an http:\/\/ URL on loopback/],
    [build([http('https://127.0.0.1/health')]), /must be an http:\/\/ URL on loopback/],
    [build([http('http://user@127.0.0.1/')]), /must be an http:\/\/ URL on loopback/],
    [build([http('not a url')]), /is not a URL/],
    [build([http('http://[::1]:8080/'), http('http://localhost/')]), /name "api" is used twice/],
    [
      build([http('http://127.0.0.1/')], { deadlineMs: 10, intervalMs: 100 }),
      /intervalMs is longer than its deadlineMs/,
    ],
  ];
  for (const [make, message] of cases) assert.throws(make, { code: 'BUNDLE_MALFORMED', message });
  assert.throws(build([{ kind: 'file', name: 'f', path: '../etc/passwd' }]), {
    code: 'BUNDLE_PATH_UNSAFE',
  });
  assert.doesNotThrow(build([http('http://[::1]:8080/ready')]));
});
