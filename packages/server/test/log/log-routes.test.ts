import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MerkleTree,
  buildTargets,
  encodeTile,
  leafHash,
  openCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  sha256Hex,
  signEnvelope,
  tileHashes,
  tilePath,
  tilesForTreeSize,
  verifyConsistency,
  verifyTlogProof,
} from '@patchcast/core';
import type { LogIdentity } from '@patchcast/core';
import {
  PatchcastClient,
  consistencyProofResponse,
  parseLogEntry,
  publicationProofResponse,
  readKeyFile,
} from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { ensureLogKey, ensureLogOrigin } from '../../src/keys/log-key.js';
import { TransparencyLog } from '../../src/features/log/transparency-log.js';
import { action } from './log-fixture.js';
import type { RunningServer } from '../../src/index.js';
import {
  naiveEntries,
  naiveIndexPath,
  naiveOpenCheckpoint,
  naiveRoot,
  naiveTile,
} from './independent-verifier.js';

/** Writes `count` entries into the log of a new data folder, in one batch, as a server would. */
async function prefillLog(dataDir: string, count: number): Promise<void> {
  const store = new SqliteStore(join(dataDir, 'patchcast.db'));
  const { signer } = await ensureLogKey(dataDir, await ensureLogOrigin(store));
  const log = await TransparencyLog.open({ store: store.log, signer, onError: () => undefined });
  await Promise.all(Array.from({ length: count }, (_, i) => log.append(action(i))));
  await log.close();
  await store.close();
}

describe('the log served under /log/ (C2SP tlog-tiles)', () => {
  let dir: string;
  let server: RunningServer;
  let client: PatchcastClient;
  let identity: LogIdentity;
  let key: string;

  const get = (path: string) => fetch(`${server.url}${path}`);
  const bytes = async (path: string) => Buffer.from(await (await get(path)).arrayBuffer());
  const text = async (path: string) => (await get(path)).text();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-log-routes-'));
    await prefillLog(dir, 300);
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
    await client.createEnrollToken();
    const content = new TextEncoder().encode('patch a');
    await client.putArtifact(sha256Hex(content), content);
    const targets = {
      'a/1/bundle.tar': { length: content.length, hashes: { sha256: sha256Hex(content) } },
    };
    const signers = (await readKeyFile(join(dir, 'keys', 'targets.key'))).signers;
    await client.submitTargets(
      signEnvelope(buildTargets(2, new Date(Date.now() + 86_400_000), targets), signers),
    );
    key = (await text('/log/key')).trim();
    identity = { origin: parseVerifierKey(key).name, verifiers: [parseVerifierKey(key)] };
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function leaves(size: number): Promise<Uint8Array[]> {
    const all: Uint8Array[] = [];
    for (let start = 0; start < size; start += 256) {
      const width = Math.min(256, size - start);
      const suffix = width === 256 ? '' : `.p/${width}`;
      const bundle = await bytes(`/log/tile/entries/${naiveIndexPath(start / 256)}${suffix}`);
      all.push(...parseEntryBundle(bundle, width));
    }
    return all;
  }

  test('the checkpoint verifies with /log/key, and status shows the same log', async () => {
    const { checkpoint } = openCheckpoint(await text('/log/checkpoint'), identity);
    assert.ok(checkpoint.size >= 308, `${checkpoint.size} entries`);
    const status = await client.status();
    const { checkpointAt, ...log } = status.log ?? {};
    assert.deepEqual(log, { origin: identity.origin, key, size: checkpoint.size });
    assert.ok(
      checkpointAt !== undefined && Date.parse(checkpointAt) <= Date.now(),
      `the newest entry the checkpoint covers has a time: ${checkpointAt}`,
    );
    assert.equal((await get('/log/checkpoint')).headers.get('cache-control'), 'no-cache');
  });

  test("tiles and entry bundles match core's tile computation over the served entries", async () => {
    const { checkpoint } = openCheckpoint(await text('/log/checkpoint'), identity);
    const tree = new MerkleTree();
    for (const leaf of await leaves(checkpoint.size)) tree.append(leaf);
    assert.deepEqual(tree.root(), checkpoint.rootHash);
    for (const tile of tilesForTreeSize(checkpoint.size)) {
      const response = await get(`/log/${tilePath(tile)}`);
      const cache = response.headers.get('cache-control') ?? '';
      assert.equal(cache.includes('immutable'), tile.width === 256, tilePath(tile));
      const served = new Uint8Array(await response.arrayBuffer());
      assert.deepEqual(served, encodeTile(tileHashes(tree, tile)), tilePath(tile));
    }
    const partial = await bytes('/log/tile/0/000.p/7');
    assert.deepEqual(partial, (await bytes('/log/tile/0/000')).subarray(0, 7 * 32));
    assert.equal((await get(`/log/tile/0/001.p/255`)).status, 404, 'beyond the checkpoint');
    assert.equal((await get('/log/tile/0/0')).status, 404, 'not a canonical path');
  });

  test('an independent implementation of the formats verifies the served log', async () => {
    const checkpoint = naiveOpenCheckpoint(await text('/log/checkpoint'), key);
    assert.equal(checkpoint.origin, identity.origin);
    const entries: Buffer[] = [];
    for (let n = 0; n * 256 < checkpoint.size; n += 1) {
      const width = Math.min(256, checkpoint.size - n * 256);
      const path = `${naiveIndexPath(n)}${width === 256 ? '' : `.p/${width}`}`;
      entries.push(...naiveEntries(await bytes(`/log/tile/entries/${path}`)));
    }
    assert.equal(entries.length, checkpoint.size);
    assert.ok(naiveRoot(entries).equals(checkpoint.root), 'the root hash');
    assert.ok((await bytes('/log/tile/0/000')).equals(naiveTile(entries, 0, 0, 256)));
    assert.ok((await bytes('/log/tile/1/000.p/1')).equals(naiveTile(entries, 1, 0, 1)));
  });

  test('a publication proof and consistency proofs verify against the checkpoint', async () => {
    const answer = publicationProofResponse.parse(await (await get('/log/proof/patch/a/1')).json());
    const entry = new Uint8Array(Buffer.from(answer.entry, 'base64'));
    const verified = verifyTlogProof(answer.proof, { leafHash: leafHash(entry), log: identity });
    const event = parseLogEntry(entry);
    assert.equal(event?.type, 'patch-published');
    assert.equal(event.type === 'patch-published' && event.by, 'initial-admin');
    assert.equal((await get('/log/proof/patch/a/2')).status, 404);

    const size = verified.checkpoint.size;
    const tree = new MerkleTree();
    for (const leaf of await leaves(size)) tree.append(leaf);
    const body = await (await get(`/log/proof/consistency/5/${size}`)).json();
    const proof = consistencyProofResponse.parse(body).hashes.map((h) => Buffer.from(h, 'base64'));
    verifyConsistency({ size1: 5, root1: tree.root(5), size2: size, root2: tree.root(), proof });
    assert.equal((await get(`/log/proof/consistency/5/${size + 1}`)).status, 404);
    assert.equal((await get('/log/proof/consistency/0/5')).status, 404);
  });
});
