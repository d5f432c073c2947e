/**
 * A real server in a temporary folder with its development targets key: what the tests of
 * submitted targets metadata share (uploading artifacts, reading the current targets).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope, sha256Hex } from '@patchcast/core';
import type { Signer, TargetFile, Targets } from '@patchcast/core';
import { PatchcastClient, readKeyFile } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';

export class RepositoryFixture {
  private constructor(
    readonly dir: string,
    readonly server: RunningServer,
    readonly client: PatchcastClient,
    readonly targetsKey: readonly Signer[],
  ) {}

  static async start(name: string): Promise<RepositoryFixture> {
    const dir = await mkdtemp(join(tmpdir(), `patchcast-${name}-`));
    const server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    const client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
    const targetsKey = (await readKeyFile(join(dir, 'keys', 'targets.key'))).signers;
    return new RepositoryFixture(dir, server, client, targetsKey);
  }

  /** Uploads `content` as an artifact; its target entry. */
  async upload(content: string): Promise<TargetFile> {
    const bytes = new TextEncoder().encode(content);
    await this.client.putArtifact(sha256Hex(bytes), bytes);
    return { length: bytes.length, hashes: { sha256: sha256Hex(bytes) } };
  }

  async current(): Promise<Targets> {
    return parseEnvelope('targets', await this.client.currentTargets()).signed;
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
