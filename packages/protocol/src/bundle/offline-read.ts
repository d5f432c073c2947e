/**
 * The strict reader of offline bundles (docs/protocol/offline-bundle.md "What the reader
 * refuses"). It only checks the container: members, order and sizes. Whether the contents are
 * trustworthy is decided by the same TUF and log verification an online agent runs.
 */
import { PatchcastError, SecurityError, canonicalBytes, equalBytes } from '@patchcast/core';
import { z } from 'zod';
import { publicationProofResponse } from '../api.js';
import type { PublicationProofResponse } from '../api.js';
import { PATCH_NAME, PATCH_VERSION } from '../names.js';
import type { PatchRef } from '../names.js';
import { MANIFEST_NAME } from './entry-names.js';
import {
  MAX_OFFLINE_BYTES,
  OFFLINE_FORMAT,
  OFFLINE_LIMITS,
  OFFLINE_NAMES,
  VERSIONED_METADATA,
} from './offline-format.js';
import { readTar } from './tar-reader.js';
import type { TarEntry } from './tar-writer.js';

export interface OfflineBundle {
  readonly ref: PatchRef;
  /** Metadata by the file name the repository serves it under (`3.root.json`, `timestamp.json`). */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
  readonly target: Uint8Array;
  readonly publication: PublicationProofResponse;
  readonly leafHashes: readonly Uint8Array[];
}

const indexSchema = z.strictObject({
  format: z.literal(OFFLINE_FORMAT),
  name: z.string().regex(PATCH_NAME),
  version: z.string().regex(PATCH_VERSION),
});

const MAX_ENTRIES = 1 + OFFLINE_LIMITS.maxRoots + 3 + OFFLINE_LIMITS.maxDelegated + 3;
const HASH = 32;

export function readOfflineBundle(bytes: Uint8Array): OfflineBundle {
  if (bytes.length > MAX_OFFLINE_BYTES)
    throw invalid(`the file has ${bytes.length} bytes; the limit is ${MAX_OFFLINE_BYTES}`);
  const members = new Members(readMembers(bytes));
  const ref = readIndex(members.take(OFFLINE_NAMES.index, OFFLINE_LIMITS.indexBytes));
  const metadata = new Map<string, Uint8Array>();
  for (const [file, data] of readMetadata(members)) metadata.set(file, data);
  const target = members.take(OFFLINE_NAMES.target, OFFLINE_LIMITS.targetBytes);
  const publication = parsePublication(
    members.take(OFFLINE_NAMES.publication, OFFLINE_LIMITS.publicationBytes),
  );
  const leaves = members.take(OFFLINE_NAMES.leafHashes, OFFLINE_LIMITS.leafHashBytes);
  members.end();
  return { ref, metadata, target, publication, leafHashes: splitHashes(leaves) };
}

function readMembers(bytes: Uint8Array): TarEntry[] {
  let entries: TarEntry[];
  try {
    entries = readTar(bytes, { maxEntries: MAX_ENTRIES });
  } catch (error) {
    if (!(error instanceof PatchcastError)) throw error;
    throw invalid(error.message);
  }
  if (entries[0]?.name === MANIFEST_NAME) {
    throw new SecurityError(
      'SECURITY_BUNDLE_UNSIGNED',
      'this is a bare patch bundle: it carries no signed metadata and no log proof',
      {
        hint: 'install only what a repository signed: make an offline bundle with `patchcast export NAME@VERSION --server URL --out FILE`',
      },
    );
  }
  return entries;
}

/** Walks the members in their one allowed order. */
class Members {
  readonly #entries: readonly TarEntry[];
  #next = 0;

  constructor(entries: readonly TarEntry[]) {
    this.#entries = entries;
  }

  peek(): TarEntry | undefined {
    return this.#entries[this.#next];
  }

  take(name: string, limit: number): Uint8Array {
    const entry = this.peek();
    if (entry?.name !== name)
      throw invalid(
        `expected member ${name}, found ${entry === undefined ? 'the end' : entry.name}`,
      );
    this.#next++;
    return sized(entry, limit);
  }

  skip(): void {
    this.#next++;
  }

  end(): void {
    const extra = this.peek();
    if (extra !== undefined) throw invalid(`unexpected member ${extra.name}`);
  }
}

function sized(entry: TarEntry, limit: number): Uint8Array {
  if (entry.data.length > limit)
    throw invalid(`member ${entry.name} has ${entry.data.length} bytes; the limit is ${limit}`);
  return entry.data;
}

function readIndex(data: Uint8Array): PatchRef {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw invalid(`${OFFLINE_NAMES.index} is not UTF-8 JSON`);
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success || !equalBytes(canonicalBytes(parsed.data), data))
    throw invalid(`${OFFLINE_NAMES.index} is not a canonical ${OFFLINE_FORMAT} index`);
  return { name: parsed.data.name, version: parsed.data.version };
}

/** Roots 1..N, timestamp, snapshot, targets, then delegated roles sorted by name. */
function* readMetadata(members: Members): Generator<[string, Uint8Array]> {
  let root = 0;
  for (let entry = members.peek(); entry !== undefined && roleOf(entry) === 'root';) {
    if (versionOf(entry) !== ++root)
      throw invalid(`member ${entry.name} is out of order: expected version ${root} of root`);
    if (root > OFFLINE_LIMITS.maxRoots) throw invalid(`more than ${OFFLINE_LIMITS.maxRoots} roots`);
    yield [fileOf(entry), sized(entry, OFFLINE_LIMITS.rootBytes)];
    members.skip();
    entry = members.peek();
  }
  if (root === 0) throw invalid('the bundle carries no root metadata (metadata/1.root.json)');
  yield ['timestamp.json', members.take(OFFLINE_NAMES.timestamp, OFFLINE_LIMITS.timestampBytes)];
  yield takeRole(members, 'snapshot', OFFLINE_LIMITS.snapshotBytes);
  yield takeRole(members, 'targets', OFFLINE_LIMITS.targetsBytes);
  let previous = '';
  for (let n = 0, entry = members.peek(); entry !== undefined; entry = members.peek(), n++) {
    const role = roleOf(entry);
    if (role === undefined) return;
    if (['root', 'timestamp', 'snapshot', 'targets'].includes(role) || role <= previous)
      throw invalid(`member ${entry.name} is out of order or repeated`);
    if (n >= OFFLINE_LIMITS.maxDelegated)
      throw invalid(`more than ${OFFLINE_LIMITS.maxDelegated} delegated roles`);
    yield [fileOf(entry), sized(entry, OFFLINE_LIMITS.targetsBytes)];
    members.skip();
    previous = role;
  }
}

function takeRole(members: Members, role: string, limit: number): [string, Uint8Array] {
  const entry = members.peek();
  if (entry === undefined || roleOf(entry) !== role)
    throw invalid(`expected metadata/<version>.${role}.json, found ${entry?.name ?? 'the end'}`);
  members.skip();
  return [fileOf(entry), sized(entry, limit)];
}

function roleOf(entry: TarEntry): string | undefined {
  return VERSIONED_METADATA.exec(entry.name)?.[2];
}

function versionOf(entry: TarEntry): number {
  return Number(VERSIONED_METADATA.exec(entry.name)?.[1]);
}

function fileOf(entry: TarEntry): string {
  return entry.name.slice('metadata/'.length);
}

function parsePublication(data: Uint8Array): PublicationProofResponse {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw invalid(`${OFFLINE_NAMES.publication} is not UTF-8 JSON`);
  }
  const parsed = publicationProofResponse.safeParse(json);
  if (!parsed.success) throw invalid(`${OFFLINE_NAMES.publication} does not have the proof shape`);
  return parsed.data;
}

function splitHashes(data: Uint8Array): Uint8Array[] {
  if (data.length % HASH !== 0)
    throw invalid(`${OFFLINE_NAMES.leafHashes} is not a whole number of 32-byte hashes`);
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += HASH) hashes.push(data.subarray(i, i + HASH));
  return hashes;
}

function invalid(message: string): SecurityError {
  return new SecurityError('SECURITY_OFFLINE_MALFORMED', message, {
    hint: 'use the file exactly as `patchcast export` wrote it; this one is damaged or forged',
  });
}
