/**
 * Interop oracle: the stock tuf-js client refreshes and downloads from a repository made by our
 * builders and signers, served over HTTP. This proves our canonical JSON, key ids, signatures,
 * root rotation and consistent-snapshot paths match the reference implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { Updater } from 'tuf-js';
import { TestRepo, makeSigners } from './fixtures.js';

/** Writes the repository as a static site: <dir>/metadata/* and <dir>/targets/*. */
async function writeRepository(repo: TestRepo, dir: string): Promise<void> {
  const files = [
    ...[...repo.metadata].map(([name, bytes]) => [join('metadata', name), bytes] as const),
    ...[...repo.targetFiles].map(([path, bytes]) => [join('targets', path), bytes] as const),
  ];
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}

/** A static file server on 127.0.0.1; unknown paths are 404 (which ends tuf-js's root walk). */
async function serveStatic(dir: string) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    readFile(join(dir, path)).then(
      (bytes) => response.writeHead(200).end(bytes),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('tuf-js 5 refreshes and downloads from a repository our core built and signed', async () => {
  const repo = new TestRepo({
    root: { count: 2, threshold: 2 },
    targets: { count: 3, threshold: 2 },
  });
  repo.publishTarget('app/patch-1.0.0.tar', 'first patch');
  const trustedRoot = repo.trustedRoot;
  repo.rotate({ timestamp: { signers: makeSigners(1), threshold: 1 } });
  repo.rotate({ root: { signers: makeSigners(1), threshold: 1 } });
  repo.publish();
  repo.publishTarget('app/patch-1.0.1.tar', 'second patch, "quoted" \\ é');

  const dir = await mkdtemp(join(tmpdir(), 'patchcast-tufjs-'));
  const server = await serveStatic(join(dir, 'repo'));
  try {
    await writeRepository(repo, join(dir, 'repo'));
    const metadataDir = join(dir, 'client', 'metadata');
    const targetDir = join(dir, 'client', 'targets');
    await mkdir(metadataDir, { recursive: true });
    await mkdir(targetDir, { recursive: true });
    await writeFile(join(metadataDir, 'root.json'), trustedRoot);

    const updater = new Updater({
      metadataBaseUrl: `${server.url}/metadata`,
      targetBaseUrl: `${server.url}/targets`,
      metadataDir,
      targetDir,
      config: { fetchRetries: 0 },
    });
    await updater.refresh();
    const info = await updater.getTargetInfo('app/patch-1.0.1.tar');
    assert.ok(info, 'tuf-js found the target in our targets metadata');
    const saved = await updater.downloadTarget(info, join(targetDir, 'patch.tar'));

    assert.equal(await readFile(saved, 'utf8'), 'second patch, "quoted" \\ é');
    const persisted = JSON.parse(await readFile(join(metadataDir, 'root.json'), 'utf8')) as {
      signed: { version: number };
    };
    assert.equal(persisted.signed.version, 3, 'tuf-js walked our root rotations');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
