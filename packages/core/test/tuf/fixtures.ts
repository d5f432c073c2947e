/**
 * An in-memory TUF repository for tests: real keys (hybrid Ed25519 + ML-DSA-65 unless a test asks
 * for Ed25519 only), real signatures, consistent snapshots, served through a fake RepositoryOps,
 * plus an in-memory TrustedStoreOps for the client side.
 * Tests publish, rotate, re-sign and tamper through it; nothing here touches disk or network.
 */
import assert from 'node:assert/strict';
import { roleSigners } from './fixture-keys.js';
import {
  SecurityError,
  Updater,
  buildRoot,
  buildSnapshot,
  buildTargets,
  buildTimestamp,
  consistentTargetPath,
  serializeEnvelope,
  sha256Hex,
  signEnvelope,
  TOP_LEVEL_ROLES,
} from '../../src/index.js';
import type {
  ErrorCode,
  KeySetType,
  LocalRole,
  RepositoryOps,
  RoleName,
  Root,
  Signer,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
  TrustedStoreOps,
} from '../../src/index.js';

export const DAY = 24 * 60 * 60 * 1000;
/** The test clock: every client runs at NOW unless a test injects another time. */
export const NOW = new Date('2030-01-01T00:00:00Z');
export const later = (days: number): Date => new Date(NOW.getTime() + days * DAY);

export { classical, makeSigners, postQuantum } from './fixture-keys.js';

export interface RoleSetup {
  readonly signers: readonly Signer[];
  readonly threshold: number;
}

/** Signs `signed` with `signers` and serializes the envelope as the server would. */
export function sign(signed: unknown, signers: readonly Signer[]): Uint8Array {
  return serializeEnvelope(signEnvelope(signed, signers));
}

type Json = Record<string, unknown>;

function perRole<T>(make: (role: RoleName) => T): Record<RoleName, T> {
  const [root, timestamp, snapshot, targets] = TOP_LEVEL_ROLES.map(make) as [T, T, T, T];
  return { root, timestamp, snapshot, targets };
}

/** Rewrites an envelope's JSON without re-signing it (the attacker has no keys). */
export function tamper(
  bytes: Uint8Array,
  mutate: (envelope: Json & { signed: Json }) => void,
): Uint8Array {
  const envelope = JSON.parse(new TextDecoder().decode(bytes)) as Json & { signed: Json };
  mutate(envelope);
  return new TextEncoder().encode(JSON.stringify(envelope));
}

export class TestRepo {
  /** Files under /metadata/ and /targets/, as a mirror serves them. */
  readonly metadata = new Map<string, Uint8Array>();
  readonly targetFiles = new Map<string, Uint8Array>();
  readonly roles: Record<RoleName, RoleSetup>;
  readonly expires: Record<RoleName, Date>;
  root!: Root;
  targets!: Targets;
  snapshot!: Snapshot;
  timestamp!: Timestamp;
  #snapshotBytes: Uint8Array = new Uint8Array();

  /**
   * Version 1 of every role, no targets. `keys` sets per role how many key holders and the
   * threshold (standard and post-quantum alike); `type` whether holders are hybrid.
   */
  constructor(
    keys: Partial<Record<RoleName, { count: number; threshold: number }>> = {},
    type: KeySetType = 'hybrid',
  ) {
    const setup = (role: RoleName): RoleSetup => {
      const { count, threshold } = keys[role] ?? { count: 1, threshold: 1 };
      return { signers: roleSigners(role, count, type), threshold };
    };
    this.roles = perRole(setup);
    this.expires = perRole(() => later(365));
    this.writeRoot(this.rootFrom(1));
    this.writeTargets(buildTargets(1, this.expires.targets, {}));
    this.writeSnapshot(buildSnapshot(1, this.expires.snapshot, 1));
    this.writeTimestamp(this.nextTimestamp(1));
  }

  /** The bytes a client is provisioned with out of band. */
  get trustedRoot(): Uint8Array {
    return this.file('1.root.json');
  }

  file(name: string): Uint8Array {
    const bytes = this.metadata.get(name);
    assert.ok(bytes, `test repository has no ${name}`);
    return bytes;
  }

  rootFrom(version: number): Root {
    const roles = perRole((r) => ({
      keys: this.roles[r].signers.map((s) => s.key),
      threshold: this.roles[r].threshold,
    }));
    return buildRoot(version, this.expires.root, roles);
  }

  /** Writes `<version>.root.json`, signed by the root signers (default: the current ones). */
  writeRoot(root: Root, signers: readonly Signer[] = this.roles.root.signers): Uint8Array {
    this.root = root;
    return this.#put(`${root.version}.root.json`, sign(root, signers));
  }

  /**
   * Publishes root N+1 with new keys for some roles, signed by the old root keys and the new ones
   * (§5.3.4 needs both thresholds).
   */
  rotate(changes: Partial<Record<RoleName, RoleSetup>>): Uint8Array {
    const oldRootSigners = this.roles.root.signers;
    Object.assign(this.roles, changes);
    const signers = [...new Set([...oldRootSigners, ...this.roles.root.signers])];
    return this.writeRoot(this.rootFrom(this.root.version + 1), signers);
  }

  writeTargets(targets: Targets, signers = this.roles.targets.signers): Uint8Array {
    this.targets = targets;
    return this.#put(`${targets.version}.targets.json`, sign(targets, signers));
  }

  writeSnapshot(snapshot: Snapshot, signers = this.roles.snapshot.signers): Uint8Array {
    this.snapshot = snapshot;
    this.#snapshotBytes = this.#put(`${snapshot.version}.snapshot.json`, sign(snapshot, signers));
    return this.#snapshotBytes;
  }

  writeTimestamp(timestamp: Timestamp, signers = this.roles.timestamp.signers): Uint8Array {
    this.timestamp = timestamp;
    return this.#put('timestamp.json', sign(timestamp, signers));
  }

  /** Timestamp `version` (default: next) naming the snapshot last written. */
  nextTimestamp(version = this.timestamp.version + 1): Timestamp {
    return buildTimestamp(
      version,
      this.expires.timestamp,
      this.snapshot.version,
      this.#snapshotBytes,
    );
  }

  nextSnapshot(targetsVersion = this.targets.version): Snapshot {
    return buildSnapshot(this.snapshot.version + 1, this.expires.snapshot, targetsVersion);
  }

  nextTargets(targets: Readonly<Record<string, TargetFile>> = this.targets.targets): Targets {
    return buildTargets(this.targets.version + 1, this.expires.targets, targets);
  }

  /** Stores target bytes at their consistent path and returns their signed description. */
  addTargetFile(path: string, content: Uint8Array): TargetFile {
    const info = { length: content.length, hashes: { sha256: sha256Hex(content) } };
    this.targetFiles.set(consistentTargetPath(path, info.hashes.sha256), content);
    return info;
  }

  /** Adds a target and publishes targets, snapshot and timestamp N+1, as the server does. */
  publishTarget(path: string, content: Uint8Array | string): void {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const info = this.addTargetFile(path, bytes);
    this.publish(this.nextTargets({ ...this.targets.targets, [path]: info }));
  }

  /** Writes `targets` (default: re-signed N+1), then snapshot and timestamp N+1 naming it. */
  publish(targets = this.nextTargets()): void {
    this.writeTargets(targets);
    this.writeSnapshot(this.nextSnapshot());
    this.writeTimestamp(this.nextTimestamp());
  }

  /** The consistent path a client downloads `path` from. */
  targetUrl(path: string): string {
    const info = this.targets.targets[path];
    assert.ok(info, `no target ${path}`);
    return consistentTargetPath(path, info.hashes.sha256);
  }

  #put(name: string, bytes: Uint8Array): Uint8Array {
    this.metadata.set(name, bytes);
    return bytes;
  }
}

function lengthExceeded(what: string, max: number): SecurityError {
  return new SecurityError('SECURITY_LENGTH_EXCEEDED', `${what} exceeds ${max} bytes`);
}

/** A mirror serving `repo` from memory; logs requests; enforces read limits unless told not to. */
export class MemoryRepository implements RepositoryOps {
  readonly requests: string[] = [];
  constructor(
    readonly repo: TestRepo,
    readonly enforceLimits = true,
  ) {}

  fetchMetadata(file: string, maxLength: number): Promise<Uint8Array | null> {
    this.requests.push(`metadata/${file}`);
    const bytes = this.repo.metadata.get(file);
    if (bytes === undefined) return Promise.resolve(null);
    if (this.enforceLimits && bytes.length > maxLength)
      return Promise.reject(lengthExceeded(file, maxLength));
    return Promise.resolve(bytes.slice());
  }

  fetchTarget(path: string, length: number): Promise<Uint8Array> {
    this.requests.push(`targets/${path}`);
    const bytes = this.repo.targetFiles.get(path);
    if (bytes === undefined) return Promise.reject(new Error(`404 targets/${path}`));
    if (this.enforceLimits && bytes.length > length)
      return Promise.reject(lengthExceeded(path, length));
    return Promise.resolve(bytes.slice());
  }
}

/** The client's trusted metadata folder, in memory. */
export class MemoryStore implements TrustedStoreOps {
  readonly files = new Map<LocalRole, Uint8Array>();

  load(role: LocalRole): Promise<Uint8Array | null> {
    return Promise.resolve(this.files.get(role)?.slice() ?? null);
  }
  save(role: LocalRole, bytes: Uint8Array): Promise<void> {
    this.files.set(role, bytes.slice());
    return Promise.resolve();
  }
  remove(role: LocalRole): Promise<void> {
    this.files.delete(role);
    return Promise.resolve();
  }

  /** The `signed.version` of each stored role, for compact assertions. */
  versions(): Partial<Record<LocalRole, number>> {
    const out: Partial<Record<LocalRole, number>> = {};
    for (const [role, bytes] of this.files) {
      const envelope = JSON.parse(new TextDecoder().decode(bytes)) as { signed: Json };
      out[role] = envelope.signed.version as number;
    }
    return out;
  }

  /** A copy of every stored file, to prove later that nothing changed. */
  contents(): Map<LocalRole, string> {
    return new Map([...this.files].map(([role, bytes]) => [role, sha256Hex(bytes)]));
  }
}

export interface TestClient {
  readonly updater: Updater;
  readonly store: MemoryStore;
  readonly mirror: MemoryRepository;
}

/** A client provisioned with the repository's 1.root.json (or a given store) at a clock. */
export function newClient(
  repo: TestRepo,
  options: { now?: Date; store?: MemoryStore; enforceLimits?: boolean } = {},
): TestClient {
  const store = options.store ?? new MemoryStore();
  if (!store.files.has('root')) store.files.set('root', repo.trustedRoot);
  const mirror = new MemoryRepository(repo, options.enforceLimits ?? true);
  const now = options.now ?? NOW;
  return { updater: new Updater({ repository: mirror, store, now: () => now }), store, mirror };
}

/** A fresh client that has refreshed once, so it holds the repository's current versions. */
export async function refreshedClient(repo: TestRepo, now?: Date): Promise<TestClient> {
  const client = newClient(repo, now === undefined ? {} : { now });
  await client.updater.refresh();
  return client;
}

/** Asserts that `promise` fails with a SecurityError of exactly `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SecurityError, `expected a SecurityError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/**
 * Refreshes, and asserts it fails with `code`, that no stored role changed except those in
 * `mayAdvance` (roles the spec persists before the failing step), and that nothing is
 * downloadable afterwards.
 */
export async function refreshRefused(
  client: TestClient,
  code: ErrorCode,
  mayAdvance: readonly LocalRole[] = [],
): Promise<void> {
  const before = client.store.contents();
  await rejectsWith(client.updater.refresh(), code);
  const after = client.store.contents();
  for (const role of TOP_LEVEL_ROLES) {
    if (!mayAdvance.includes(role))
      assert.equal(after.get(role), before.get(role), `${role} moved`);
  }
  await assert.rejects(client.updater.download('any'), /refresh\(\) must succeed/);
}

/** Downloads `path` and asserts it fails with `code` and leaves the trusted store unchanged. */
export async function downloadRefused(
  client: TestClient,
  path: string,
  code: ErrorCode,
): Promise<void> {
  const before = client.store.contents();
  await rejectsWith(client.updater.download(path), code);
  assert.deepEqual(client.store.contents(), before, 'the trusted store changed');
}
