/**
 * The set of metadata a client trusts, and the checks that admit new metadata into it.
 * Each method is one part of the TUF 1.0 client workflow (spec §5.3 to §5.6); step numbers
 * are cited where each check happens. Failures are SecurityErrors and leave the set unchanged.
 * Every signature check also enforces root's post-quantum threshold where root declares one
 * (docs/protocol/metadata.md): a Patchcast client's check in addition to the spec's.
 */
import { SecurityError } from '../errors.js';
import { sha256Hex } from '../bytes.js';
import { verifyDelegatedThreshold, verifyThreshold } from './signing.js';
import { PQ_ROLE_FIELD, TOP_LEVEL_ROLES, parseEnvelope } from './metadata.js';
import type { SignedBytes } from './signing.js';
import type {
  KeyThreshold,
  RoleKeys,
  MetaFile,
  ParsedEnvelope,
  Root,
  Snapshot,
  Targets,
  Timestamp,
  RoleName,
} from './metadata.js';

export class TrustedMetadata {
  #root: ParsedEnvelope<Root>;
  #timestamp: ParsedEnvelope<Timestamp> | undefined;
  #snapshot: ParsedEnvelope<Snapshot> | undefined;
  #targets: ParsedEnvelope<Targets> | undefined;
  /** Delegated targets roles admitted since the last snapshot or targets update, by name. */
  readonly #delegated = new Map<string, ParsedEnvelope<Targets>>();
  readonly #now: () => Date;

  /** §5.2: load the trusted root. It is trusted because the caller provisioned it out of band. */
  /**
   * Whether every role must declare ML-DSA-65 keys (`x-patchcast-pq`), so that a repository
   * cannot downgrade to classical signatures. Default: on when the trusted root declares them
   * for every top-level role.
   */
  readonly requirePq: boolean;

  constructor(trustedRootBytes: Uint8Array, now: () => Date, options: TrustOptions = {}) {
    this.#root = parseEnvelope('root', trustedRootBytes);
    this.requirePq = options.requirePq ?? declaresPostQuantum(this.root);
    this.#verify(this.#root, this.root, 'root'); // as python-tuf and tuf-js: self-signed
    this.#now = now;
  }

  /** The threshold checks of `role` (signing.ts), and the post-quantum requirement. */
  #verify(envelope: SignedBytes, root: Root, role: RoleName): void {
    verifyThreshold(envelope, root, role);
    if (this.requirePq) requirePqKeys(root.roles[role], role, `root v${root.version}`);
  }

  get root(): Root {
    return this.#root.signed;
  }
  get timestamp(): Timestamp | undefined {
    return this.#timestamp?.signed;
  }
  get snapshot(): Snapshot | undefined {
    return this.#snapshot?.signed;
  }
  get targets(): Targets | undefined {
    return this.#targets?.signed;
  }

  /** §5.3.4 to §5.3.9: admit root N+1. Returns true when timestamp or snapshot keys changed. */
  updateRoot(bytes: Uint8Array): boolean {
    if (this.#timestamp !== undefined) throw new Error('root must be updated before timestamp');
    const next = parseEnvelope('root', bytes);
    // §5.3.4: signed by a threshold of the trusted root's keys and of the new root's own keys;
    // each check includes that root's post-quantum threshold where it declares one.
    this.#verify(next, this.root, 'root');
    this.#verify(next, next.signed, 'root');
    // §5.3.5: the version must be exactly trusted + 1 (rollback and skipped versions refused).
    if (next.signed.version !== this.root.version + 1) {
      throw new SecurityError(
        'SECURITY_ROLLBACK',
        `root version ${next.signed.version} does not follow trusted root version ${this.root.version}`,
      );
    }
    const rotated = (['timestamp', 'snapshot'] as const).some(
      (role) => !sameKeys(this.root, next.signed, role),
    );
    this.#root = next; // §5.3.8: the new root is now trusted.
    return rotated;
  }

  /** §5.3.10: the final root must not be expired (freeze attack). */
  checkRootFresh(): void {
    this.#checkExpiry('root', this.root.expires);
  }

  /** Loads a locally persisted timestamp without expiry checks: it only anchors rollback checks. */
  loadLocalTimestamp(bytes: Uint8Array): void {
    const local = parseEnvelope('timestamp', bytes);
    this.#verify(local, this.root, 'timestamp');
    this.#timestamp = local;
  }

  /** §5.4: admit a new timestamp. Returns false when it equals the trusted version (nothing new). */
  updateTimestamp(bytes: Uint8Array): boolean {
    const next = parseEnvelope('timestamp', bytes);
    this.#verify(next, this.root, 'timestamp'); // §5.4.2
    const trusted = this.#timestamp?.signed;
    if (trusted !== undefined) {
      // §5.4.3.1: no rollback of the timestamp version.
      if (next.signed.version < trusted.version) {
        throw rollback('timestamp', next.signed.version, trusted.version);
      }
      // §5.4.3.2: no rollback of the snapshot version it names.
      const [nextSnap, trustedSnap] = [
        next.signed.meta['snapshot.json'],
        trusted.meta['snapshot.json'],
      ];
      if (nextSnap.version < trustedSnap.version) {
        throw rollback('snapshot (named by timestamp)', nextSnap.version, trustedSnap.version);
      }
      if (next.signed.version === trusted.version) {
        this.#checkExpiry('timestamp', trusted.expires);
        return false;
      }
    }
    this.#checkExpiry('timestamp', next.signed.expires); // §5.4.4
    this.#timestamp = next;
    return true;
  }

  /**
   * Loads the persisted snapshot as the rollback anchor of §5.5.5, even when it is older than the
   * one the timestamp names. Returns true when it is that one and unexpired: no download needed.
   */
  loadLocalSnapshot(bytes: Uint8Array): boolean {
    const expected = this.#expectedSnapshotMeta();
    const local = parseEnvelope('snapshot', bytes);
    this.#verify(local, this.root, 'snapshot');
    this.#snapshot = local;
    this.#targets = undefined;
    this.#delegated.clear();
    return local.signed.version === expected.version && !this.#isExpired(local.signed.expires);
  }

  /** §5.5: admit the snapshot that the trusted timestamp names. */
  updateSnapshot(bytes: Uint8Array): void {
    const expected = this.#expectedSnapshotMeta();
    checkMetaFile('snapshot', bytes, expected); // §5.5.2
    const next = parseEnvelope('snapshot', bytes);
    this.#verify(next, this.root, 'snapshot'); // §5.5.3
    // §5.5.4: the version must be the one the timestamp names.
    if (next.signed.version !== expected.version) {
      throw mixAndMatch('snapshot', next.signed.version, expected.version);
    }
    // §5.5.5: no targets metadata may disappear or go back in version.
    const trusted = this.#snapshot?.signed;
    if (trusted !== undefined) {
      for (const [name, meta] of Object.entries(trusted.meta)) {
        const now = Object.hasOwn(next.signed.meta, name) ? next.signed.meta[name] : undefined;
        if (now === undefined || now.version < meta.version) {
          throw rollback(`${name} (named by snapshot)`, now?.version ?? 0, meta.version);
        }
      }
    }
    this.#checkExpiry('snapshot', next.signed.expires); // §5.5.6
    this.#snapshot = next;
    this.#targets = undefined;
    this.#delegated.clear();
  }

  #expectedSnapshotMeta(): MetaFile {
    const timestamp = this.#timestamp?.signed;
    if (timestamp === undefined) throw new Error('timestamp must be updated before snapshot');
    return timestamp.meta['snapshot.json'];
  }

  /** §5.6: admit the top-level targets metadata that the trusted snapshot names. */
  updateTargets(bytes: Uint8Array, { local = false } = {}): void {
    const expected = this.expectedTargetsMeta();
    if (!local) checkMetaFile('targets', bytes, expected); // §5.6.2
    const next = parseEnvelope('targets', bytes);
    this.#verify(next, this.root, 'targets'); // §5.6.3
    // §5.6.4: the version must be the one the snapshot names.
    if (next.signed.version !== expected.version) {
      throw mixAndMatch('targets', next.signed.version, expected.version);
    }
    this.#checkExpiry('targets', next.signed.expires); // §5.6.5
    this.#targets = next;
    this.#delegated.clear();
  }

  /** A delegated role admitted by updateDelegatedTargets since the last snapshot, if any. */
  delegatedTargets(role: string): Targets | undefined {
    return this.#delegated.get(role)?.signed;
  }

  /**
   * §5.6.7: admit the metadata of delegated role `role`, which the already trusted targets role
   * `delegator` ("targets" or a delegated role) delegates to: the checks of §5.6.2 to §5.6.5,
   * against the snapshot's record of `<role>.json` and the keys the delegator names.
   */
  updateDelegatedTargets(bytes: Uint8Array, role: string, delegator: string): Targets {
    const parent =
      delegator === 'targets' ? this.#targets?.signed : this.#delegated.get(delegator)?.signed;
    const delegation = parent?.delegations?.roles.find((r) => r.name === role);
    if (parent?.delegations === undefined || delegation === undefined)
      throw new Error(`${delegator} is not trusted or does not delegate to ${role}`);
    const expected = this.expectedDelegatedMeta(role);
    checkMetaFile(role, bytes, expected); // §5.6.2
    const next = parseEnvelope('targets', bytes);
    verifyDelegatedThreshold(next, parent.delegations, delegation, delegator); // §5.6.3
    if (this.requirePq) requirePqKeys(delegation, role, delegator);
    if (next.signed.version !== expected.version) {
      throw mixAndMatch(role, next.signed.version, expected.version); // §5.6.4
    }
    this.#checkExpiry(role, next.signed.expires); // §5.6.5
    this.#delegated.set(role, next);
    return next.signed;
  }

  /** The trusted snapshot's record of the metadata file `<role>.json`. */
  expectedDelegatedMeta(role: string): MetaFile {
    this.expectedTargetsMeta(); // the snapshot must be the current one
    const meta = this.#snapshot?.signed.meta;
    const file = `${role}.json`;
    const expected = meta !== undefined && Object.hasOwn(meta, file) ? meta[file] : undefined;
    if (expected === undefined) {
      throw new SecurityError('SECURITY_MIX_AND_MATCH', `snapshot does not list ${file}`);
    }
    return expected;
  }

  expectedTargetsMeta(): MetaFile {
    const snapshot = this.#snapshot?.signed;
    // A loaded-but-stale local snapshot is only a rollback anchor, never a source of targets.
    if (snapshot === undefined || snapshot.version !== this.#expectedSnapshotMeta().version)
      throw new Error('snapshot must be updated before targets');
    const meta = snapshot.meta['targets.json'];
    if (meta === undefined) {
      throw new SecurityError('SECURITY_MIX_AND_MATCH', 'snapshot does not list targets.json');
    }
    return meta;
  }

  #isExpired(expires: string): boolean {
    return Date.parse(expires) <= this.#now().getTime();
  }

  #checkExpiry(role: string, expires: string): void {
    if (this.#isExpired(expires)) {
      throw new SecurityError('SECURITY_EXPIRED', `${role} metadata expired at ${expires}`, {
        hint: 'the repository must re-sign it; if this persists, check the clock and the server',
      });
    }
  }
}

export interface TrustOptions {
  /** See TrustedMetadata.requirePq; undefined: decided by the trusted root. */
  readonly requirePq?: boolean | undefined;
}

/** Whether `root` gives every top-level role ML-DSA-65 keys: the default of requirePq. */
export function declaresPostQuantum(root: Root): boolean {
  return TOP_LEVEL_ROLES.every((role) => root.roles[role][PQ_ROLE_FIELD] !== undefined);
}

function requirePqKeys(keys: RoleKeys, name: string, whose: string): void {
  if (keys[PQ_ROLE_FIELD] !== undefined) return;
  throw new SecurityError(
    'SECURITY_PQ_SIGNATURE_MISSING',
    `${whose} gives ${name} no ML-DSA-65 keys, and this client requires post-quantum signatures`,
    {
      hint: 'a downgrade to classical signatures is refused; only a deliberately classical repository is used with --require-pq off',
    },
  );
}

/** §5.3.11 compares a role's keys across roots: the standard and the post-quantum key ids. */
function sameKeys(a: Root, b: Root, role: RoleName): boolean {
  const [x, y] = [a.roles[role], b.roles[role]];
  return sameIds(x, y) && sameIds(x[PQ_ROLE_FIELD], y[PQ_ROLE_FIELD]);
}

function sameIds(x: KeyThreshold | undefined, y: KeyThreshold | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  return (
    x.threshold === y.threshold &&
    x.keyids.length === y.keyids.length &&
    x.keyids.every((id) => y.keyids.includes(id))
  );
}

/** Checks length and hashes that the referring role recorded, where it recorded them. */
function checkMetaFile(role: string, bytes: Uint8Array, expected: MetaFile): void {
  if (expected.length !== undefined && bytes.length !== expected.length) {
    throw new SecurityError(
      'SECURITY_MIX_AND_MATCH',
      `${role} metadata is ${bytes.length} bytes; ${expected.length} recorded`,
    );
  }
  const sha256 = expected.hashes?.sha256;
  if (sha256 !== undefined && sha256Hex(bytes) !== sha256) {
    throw new SecurityError(
      'SECURITY_MIX_AND_MATCH',
      `${role} metadata does not match its recorded sha256`,
    );
  }
}

function rollback(what: string, got: number, trusted: number): SecurityError {
  return new SecurityError(
    'SECURITY_ROLLBACK',
    `${what} version ${got} is older than trusted version ${trusted}`,
  );
}

function mixAndMatch(role: string, got: number, expected: number): SecurityError {
  return new SecurityError(
    'SECURITY_MIX_AND_MATCH',
    `${role} version ${got} is not the version ${expected} its referrer names`,
  );
}
