/**
 * The TUF client workflow (spec §5), with all I/O behind two small interfaces: the repository
 * (network) and the local store of trusted metadata (disk). `refresh()` runs §5.3 to §5.6 in order;
 * `download()` runs §5.7 for one target.
 */
import { SecurityError } from '../errors.js';
import { sha256Hex } from '../bytes.js';
import { TrustedMetadata } from './trusted-metadata.js';
import { searchTarget } from './delegation-walk.js';
import type { TargetFile, Targets } from './metadata.js';

export const LIMITS = {
  rootBytes: 512 * 1024,
  timestampBytes: 16 * 1024,
  snapshotBytes: 4 * 1024 * 1024,
  targetsBytes: 32 * 1024 * 1024,
  maxRootRotations: 256,
} as const;

export interface RepositoryOps {
  /** Fetches `/metadata/<file>`; null when the repository says it does not exist (404). Must
   * stop reading past `maxLength` and throw SECURITY_LENGTH_EXCEEDED. */
  fetchMetadata(file: string, maxLength: number): Promise<Uint8Array | null>;
  /** Fetches `/targets/<path>`, at most `length` bytes (longer: SECURITY_LENGTH_EXCEEDED). */
  fetchTarget(path: string, length: number): Promise<Uint8Array>;
}

export type LocalRole = 'root' | 'timestamp' | 'snapshot' | 'targets';

export interface TrustedStoreOps {
  load(role: LocalRole): Promise<Uint8Array | null>;
  /** Must replace the file atomically. */
  save(role: LocalRole, bytes: Uint8Array): Promise<void>;
  remove(role: LocalRole): Promise<void>;
}

export interface UpdaterDeps {
  readonly repository: RepositoryOps;
  readonly store: TrustedStoreOps;
  /** A trustworthy clock for expiry checks. */
  readonly now: () => Date;
  /** Require ML-DSA-65 keys for every role (TrustedMetadata.requirePq); default: by the root. */
  readonly requirePq?: boolean | undefined;
}

function limited(bytes: Uint8Array | null, max: number, what: string): Uint8Array | null {
  if (bytes !== null && bytes.length > max) {
    throw new SecurityError(
      'SECURITY_LENGTH_EXCEEDED',
      `${what} is larger than its limit of ${max} bytes`,
    );
  }
  return bytes;
}

export class Updater {
  readonly #deps: UpdaterDeps;
  #trusted: TrustedMetadata | undefined;

  constructor(deps: UpdaterDeps) {
    this.#deps = deps;
  }

  /** Runs the whole workflow and returns the trusted top-level targets metadata. */
  async refresh(): Promise<Targets> {
    const { store, now } = this.#deps;
    const rootBytes = await store.load('root');
    if (rootBytes === null) throw new Error('no trusted root: provision one before refreshing');
    this.#trusted = undefined; // a failed refresh must not leave older metadata usable
    const trusted = new TrustedMetadata(rootBytes, now, { requirePq: this.#deps.requirePq }); // §5.2
    await this.#updateRoot(trusted); // §5.3
    await this.#updateTimestamp(trusted); // §5.4
    await this.#updateSnapshot(trusted); // §5.5
    await this.#updateTargets(trusted); // §5.6
    this.#trusted = trusted;
    const targets = trusted.targets;
    if (targets === undefined) throw new Error('targets missing after refresh');
    return targets;
  }

  async #updateRoot(trusted: TrustedMetadata): Promise<void> {
    const { repository, store } = this.#deps;
    for (let i = 0; i < LIMITS.maxRootRotations; i++) {
      const file = `${trusted.root.version + 1}.root.json`; // §5.3.2
      const bytes = limited(
        await repository.fetchMetadata(file, LIMITS.rootBytes),
        LIMITS.rootBytes,
        file,
      );
      if (bytes === null) break; // §5.3.3: no newer root
      const rotated = trusted.updateRoot(bytes); // §5.3.4 to §5.3.8
      await store.save('root', bytes);
      if (rotated) {
        // §5.3.11: timestamp or snapshot keys rotated: forget both so a fast-forward attack's
        // high versions do not lock this client out.
        await store.remove('timestamp');
        await store.remove('snapshot');
      }
    }
    trusted.checkRootFresh(); // §5.3.10
  }

  async #updateTimestamp(trusted: TrustedMetadata): Promise<void> {
    const { repository, store } = this.#deps;
    const local = await store.load('timestamp');
    if (local !== null) {
      try {
        trusted.loadLocalTimestamp(local);
      } catch {
        await store.remove('timestamp'); // unverifiable under the current root: no anchor
      }
    }
    const file = 'timestamp.json'; // §5.4.1
    const bytes = limited(
      await repository.fetchMetadata(file, LIMITS.timestampBytes),
      LIMITS.timestampBytes,
      file,
    );
    if (bytes === null)
      throw new SecurityError(
        'SECURITY_METADATA_MALFORMED',
        'the repository has no timestamp.json',
      );
    if (trusted.updateTimestamp(bytes)) await store.save('timestamp', bytes); // §5.4.2 to §5.4.5
  }

  async #updateSnapshot(trusted: TrustedMetadata): Promise<void> {
    const { repository, store } = this.#deps;
    const expected = trusted.timestamp?.meta['snapshot.json'];
    if (expected === undefined) throw new Error('timestamp missing');
    if (await this.#tryLocal(store, 'snapshot', (b) => trusted.loadLocalSnapshot(b))) return;
    const file = trusted.root.consistent_snapshot
      ? `${expected.version}.snapshot.json`
      : 'snapshot.json'; // §5.5.1
    const max = expected.length ?? LIMITS.snapshotBytes;
    const bytes = limited(await repository.fetchMetadata(file, max), max, file);
    if (bytes === null)
      throw new SecurityError('SECURITY_MIX_AND_MATCH', `the repository has no ${file}`);
    trusted.updateSnapshot(bytes); // §5.5.2 to §5.5.6
    await store.save('snapshot', bytes); // §5.5.7
  }

  async #updateTargets(trusted: TrustedMetadata): Promise<void> {
    const { repository, store } = this.#deps;
    const expected = trusted.expectedTargetsMeta();
    const admitLocal = (b: Uint8Array): boolean => {
      trusted.updateTargets(b, { local: true });
      return true;
    };
    if (await this.#tryLocal(store, 'targets', admitLocal)) return;
    const file = trusted.root.consistent_snapshot
      ? `${expected.version}.targets.json`
      : 'targets.json'; // §5.6.1
    const max = expected.length ?? LIMITS.targetsBytes;
    const bytes = limited(await repository.fetchMetadata(file, max), max, file);
    if (bytes === null)
      throw new SecurityError('SECURITY_MIX_AND_MATCH', `the repository has no ${file}`);
    trusted.updateTargets(bytes); // §5.6.2 to §5.6.5
    await store.save('targets', bytes); // §5.6.6
  }

  /**
   * §5.6.7 applies §5.6.1 to §5.6.5 to a delegated role. Delegated metadata is not persisted: the
   * trusted snapshot pins its version and is itself rollback-protected (§5.5.5).
   */
  async #loadDelegated(trusted: TrustedMetadata, role: string, delegator: string) {
    const loaded = trusted.delegatedTargets(role);
    if (loaded !== undefined) return loaded;
    const expected = trusted.expectedDelegatedMeta(role);
    const name = encodeURIComponent(role);
    const file = trusted.root.consistent_snapshot
      ? `${expected.version}.${name}.json`
      : `${name}.json`;
    const max = expected.length ?? LIMITS.targetsBytes;
    const bytes = limited(await this.#deps.repository.fetchMetadata(file, max), max, file);
    if (bytes === null)
      throw new SecurityError('SECURITY_MIX_AND_MATCH', `the repository has no ${file}`);
    return trusted.updateDelegatedTargets(bytes, role, delegator);
  }

  /** Uses the persisted copy when it is exactly the version now required; saves a download. */
  async #tryLocal(
    store: TrustedStoreOps,
    role: LocalRole,
    admit: (bytes: Uint8Array) => boolean,
  ): Promise<boolean> {
    const bytes = await store.load(role);
    if (bytes === null) return false;
    try {
      return admit(bytes);
    } catch {
      return false;
    }
  }

  /** §5.6.7: `path`'s signed target info, searched through the delegations; refresh() first. */
  async findTarget(path: string): Promise<TargetFile> {
    const trusted = this.#trusted;
    if (trusted?.targets === undefined) throw new Error('refresh() must succeed before download()');
    const found = await searchTarget(trusted.targets, path, (role, delegator) =>
      this.#loadDelegated(trusted, role, delegator),
    );
    if (found === undefined) {
      throw new SecurityError(
        'SECURITY_TARGET_UNKNOWN',
        `target ${path} is not in signed targets metadata`,
      );
    }
    return found.info;
  }

  /** §5.7: finds `path` in trusted targets, downloads it within its length, checks its hashes. */
  async download(path: string): Promise<{ readonly info: TargetFile; readonly bytes: Uint8Array }> {
    const trusted = this.#trusted;
    const info = await this.findTarget(path); // §5.6.7
    if (trusted === undefined) throw new Error('refresh() must succeed before download()');
    const url = trusted.root.consistent_snapshot
      ? consistentTargetPath(path, info.hashes.sha256)
      : path;
    const bytes = await this.#deps.repository.fetchTarget(url, info.length);
    verifyTarget(path, info, bytes);
    return { info, bytes };
  }
}

/** §5.7.3: with consistent snapshots, a target lives at `<dir>/<sha256>.<basename>`. */
export function consistentTargetPath(path: string, sha256: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0
    ? `${sha256}.${path}`
    : `${path.slice(0, slash + 1)}${sha256}.${path.slice(slash + 1)}`;
}

/** §5.7.2: length and every known hash must match the signed metadata. */
export function verifyTarget(path: string, info: TargetFile, bytes: Uint8Array): void {
  if (bytes.length !== info.length) {
    throw new SecurityError(
      'SECURITY_TARGET_MISMATCH',
      `target ${path} is ${bytes.length} bytes; signed length is ${info.length}`,
    );
  }
  if (sha256Hex(bytes) !== info.hashes.sha256) {
    throw new SecurityError(
      'SECURITY_TARGET_MISMATCH',
      `target ${path} does not match its signed sha256`,
    );
  }
}
