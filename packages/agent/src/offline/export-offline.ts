/**
 * `patchcast export`: everything an air-gapped endpoint needs to verify one patch, read from a
 * server over the same HTTP an agent uses (docs/protocol/offline-bundle.md "Export"). The
 * exporter runs the core Updater itself from root version 1 (or a root it trusts), so it writes
 * only a chain it could verify; the endpoint verifies it again against its own trust.
 */
import {
  LIMITS,
  PatchcastError,
  TILE_WIDTH,
  Updater,
  decodeTile,
  errorCodeOf,
  parseCheckpoint,
  parseEnvelope,
  parseNote,
  parseTlogProof,
  tilePath,
} from '@patchcast/core';
import type { LocalRole, RepositoryOps, TrustedStoreOps } from '@patchcast/core';
import {
  OFFLINE_LIMITS,
  formatPatchRef,
  targetPathOf,
  writeOfflineBundle,
} from '@patchcast/protocol';
import type { PatchRef, PublicationProofResponse, VersionedMetadata } from '@patchcast/protocol';
import { fetchBounded } from '../http-fetch.js';
import { httpLogOps } from '../log/log-ops.js';
import { httpRepository } from '../tuf-ops.js';
import { assertRootMetadata } from '../enroll.js';

export interface ExportRequest {
  readonly server: string;
  readonly ref: PatchRef;
  /** A root.json trusted out of band; without it the server's 1.root.json starts the chain. */
  readonly trustedRoot?: Uint8Array | undefined;
  readonly now?: () => Date;
}

export interface ExportResult {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly length: number;
  readonly rootVersion: number;
  readonly logSize: number;
}

export async function exportOfflineBundle(request: ExportRequest): Promise<ExportResult> {
  const { server, ref } = request;
  const fetched = new Map<string, Uint8Array>();
  const repository = recording(httpRepository(server), fetched);
  const first = request.trustedRoot ?? (await rootVersion(server, 1));
  assertRootMetadata(first);
  const updater = new Updater({ repository, store: memoryStore(first), now: request.now ?? now });
  await updater.refresh();
  const { info, bytes: target } = await updater
    .download(targetPathOf(ref))
    .catch(notPublished(ref));
  const publication = await httpLogOps(server).publication(ref);
  if (publication === null) {
    throw new PatchcastError('NOT_FOUND', `the log has no publication of ${formatPatchRef(ref)}`, {
      hint: 'wait for the server to log the publication, then export again',
    });
  }
  const roots = await rootChain(server, fetched, first);
  const logSize = parseCheckpoint(
    parseNote(parseTlogProof(publication.proof).checkpoint).text,
  ).size;
  const bytes = writeOfflineBundle({
    ...ref,
    roots,
    ...metadataParts(fetched),
    target,
    publication: publicationBytes(publication),
    leafHashes: await leafHashes(server, logSize),
  });
  return {
    bytes,
    sha256: info.hashes.sha256,
    length: info.length,
    rootVersion: roots.length,
    logSize,
  };
}

const now = () => new Date();

function notPublished(ref: PatchRef) {
  return (error: unknown): never => {
    if (errorCodeOf(error) !== 'SECURITY_TARGET_UNKNOWN') throw error;
    throw new PatchcastError('NOT_FOUND', `${formatPatchRef(ref)} is not published`, {
      hint: 'check the name and version; only published patches can be exported',
      cause: error,
    });
  };
}

/** The proof as JSON with its fields in one fixed order, so that exports are reproducible. */
function publicationBytes(publication: PublicationProofResponse): Uint8Array {
  const { entry, proof } = publication;
  return new TextEncoder().encode(JSON.stringify({ entry, proof }));
}

function recording(base: RepositoryOps, fetched: Map<string, Uint8Array>): RepositoryOps {
  return {
    async fetchMetadata(file, maxLength) {
      const bytes = await base.fetchMetadata(file, maxLength);
      if (bytes !== null) fetched.set(file, bytes);
      return bytes;
    },
    fetchTarget: (path, length) => base.fetchTarget(path, length),
  };
}

function memoryStore(root: Uint8Array): TrustedStoreOps {
  const files = new Map<LocalRole, Uint8Array>([['root', root]]);
  return {
    load: (role) => Promise.resolve(files.get(role) ?? null),
    save: (role, bytes) => Promise.resolve(void files.set(role, bytes)),
    remove: (role) => Promise.resolve(void files.delete(role)),
  };
}

async function rootVersion(server: string, version: number): Promise<Uint8Array> {
  const bytes = await httpRepository(server).fetchMetadata(
    `${version}.root.json`,
    LIMITS.rootBytes,
  );
  if (bytes === null)
    throw new PatchcastError('NOT_FOUND', `the server has no ${version}.root.json`, {
      hint: 'check --server, and that --trusted-root is a root of that repository',
    });
  return bytes;
}

/** Root versions 1 to N: what the Updater walked, and the versions before a trusted root. */
async function rootChain(
  server: string,
  fetched: ReadonlyMap<string, Uint8Array>,
  first: Uint8Array,
) {
  const start = parseEnvelope('root', first).signed.version;
  const roots: Uint8Array[] = [];
  for (let version = 1; version <= OFFLINE_LIMITS.maxRoots; version++) {
    const bytes = version === start ? first : (fetched.get(`${version}.root.json`) ?? null);
    if (bytes !== null) roots.push(bytes);
    else if (version < start) roots.push(await rootVersion(server, version));
    else break;
  }
  return roots;
}

function metadataParts(fetched: ReadonlyMap<string, Uint8Array>) {
  const timestamp = fetched.get('timestamp.json');
  const delegated = new Map<string, VersionedMetadata>();
  let snapshot: VersionedMetadata | undefined;
  let targets: VersionedMetadata | undefined;
  for (const [file, bytes] of fetched) {
    const match = /^(\d+)\.([a-z0-9-]+)\.json$/.exec(file);
    if (match === null || match[2] === 'root') continue;
    const meta = { version: Number(match[1]), bytes };
    if (match[2] === 'snapshot') snapshot = meta;
    else if (match[2] === 'targets') targets = meta;
    else delegated.set(match[2] ?? '', meta);
  }
  if (timestamp === undefined || snapshot === undefined || targets === undefined)
    throw new PatchcastError('INTERNAL', 'the repository walk did not fetch every top-level role');
  return { timestamp, snapshot, targets, delegated };
}

/** Level-0 tiles of the log up to `size`: its leaf hashes, for consistency proofs offline. */
async function leafHashes(server: string, size: number): Promise<Uint8Array> {
  if (size * 32 > OFFLINE_LIMITS.leafHashBytes)
    throw new PatchcastError('PAYLOAD_TOO_LARGE', `the log has ${size} entries; too many to carry`);
  const out = new Uint8Array(size * 32);
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
    const url = `${server}/log/${tilePath({ level: 0, index, width })}`;
    const tile = await fetchBounded(url, width * 32);
    if (tile === null) throw new PatchcastError('SERVER_ERROR', `the log has no ${url}`);
    decodeTile(tile.bytes, width).forEach((hash, i) =>
      out.set(hash, (index * TILE_WIDTH + i) * 32),
    );
  }
  return out;
}
