/** tuf-js 5.0.1, the stock TUF client, run against a TestRepo served over loopback HTTP. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { Updater } from 'tuf-js';
import type { TestRepo } from './fixtures.js';

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

export interface StockClient {
  readonly updater: Updater;
  readonly metadataDir: string;
  readonly targetDir: string;
}

/** Serves `repo` and runs `use` with a tuf-js client provisioned with `trustedRoot`. */
export async function withTufJs(
  repo: TestRepo,
  trustedRoot: Uint8Array,
  use: (client: StockClient) => Promise<void>,
): Promise<void> {
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
    await use({ updater, metadataDir, targetDir });
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** tuf-js refreshes, finds `path` and downloads it; returns the downloaded text. */
export async function stockDownload(
  { updater, targetDir }: StockClient,
  path: string,
): Promise<string> {
  await updater.refresh();
  const info = await updater.getTargetInfo(path);
  assert.ok(info, `tuf-js found ${path} in our targets metadata`);
  return readFile(await updater.downloadTarget(info, join(targetDir, 'patch.tar')), 'utf8');
}
