/**
 * Root ceremonies: drafting root N+1 from root N, signing the draft offline key holder by key
 * holder, and the admission check a repository applies before it publishes the draft (the same
 * rules a client applies in spec §5.3.4 and §5.3.5, refused with ceremony codes instead of
 * security codes: a refused ceremony is an operator's mistake, not an attack on a client).
 */
import { PatchcastError } from '../errors.js';
import { isPostQuantum, keyIdOf } from '../keys.js';
import type { Signer, TufKey } from '../keys.js';
import { buildRoot } from './builders.js';
import type { RoleKeySet } from './builders.js';
import { PQ_ROLE_FIELD, TOP_LEVEL_ROLES } from './metadata.js';
import type { Root, RoleName, Signature } from './metadata.js';
import { countValidPqSignatures, countValidSignatures } from './signing.js';
import type { SignedBytes } from './signing.js';

/** The keys and thresholds `role` has in `root`, in the form `buildRoot` takes. */
export function roleKeySetOf(root: Root, role: RoleName): RoleKeySet {
  const { keyids, threshold } = root.roles[role];
  const pq = root.roles[role][PQ_ROLE_FIELD];
  const ids = [...keyids, ...(pq?.keyids ?? [])];
  const keys = ids.flatMap((id) => (Object.hasOwn(root.keys, id) ? [root.keys[id] as TufKey] : []));
  return { keys, threshold, ...(pq === undefined ? {} : { pqThreshold: pq.threshold }) };
}

/** Root N+1: the roles in `changes` replaced, every other role's keys carried over from `previous`. */
export function draftNextRoot(
  previous: Root,
  changes: Partial<Record<RoleName, RoleKeySet>>,
  expires: Date,
): Root {
  const roles = Object.fromEntries(
    TOP_LEVEL_ROLES.map((role) => [role, changes[role] ?? roleKeySetOf(previous, role)]),
  ) as Record<RoleName, RoleKeySet>;
  const next = buildRoot(previous.version + 1, expires, roles);
  checkRootUsable(next);
  checkNoPqDowngrade(previous, next);
  return next;
}

/**
 * A role that has ML-DSA-65 keys keeps some: agents that trust a hybrid root refuse a root
 * without them (TrustedMetadata.requirePq), so such a root would strand every agent.
 */
export function checkNoPqDowngrade(previous: Root, next: Root): void {
  for (const role of TOP_LEVEL_ROLES) {
    if (
      previous.roles[role][PQ_ROLE_FIELD] !== undefined &&
      next.roles[role][PQ_ROLE_FIELD] === undefined
    )
      throw draftInvalid(
        `root v${next.version} gives ${role} no ML-DSA-65 keys while root v${previous.version} does: agents refuse such a downgrade`,
      );
  }
}

/** Every role must be satisfiable: thresholds no larger than the usable keys listed. */
export function checkRootUsable(root: Root): void {
  if (!root.consistent_snapshot) throw draftInvalid('consistent_snapshot must be true');
  for (const role of TOP_LEVEL_ROLES) {
    const keys = root.roles[role];
    const pq = keys[PQ_ROLE_FIELD];
    const listed = (ids: readonly string[], wantPq: boolean) =>
      ids.filter(
        (id) => Object.hasOwn(root.keys, id) && isPostQuantum(root.keys[id] as TufKey) === wantPq,
      ).length;
    if (listed(keys.keyids, false) < keys.threshold)
      throw draftInvalid(
        `${role} threshold ${keys.threshold} exceeds its ${listed(keys.keyids, false)} key(s)`,
      );
    if (pq !== undefined && listed(pq.keyids, true) < pq.threshold)
      throw draftInvalid(
        `${role} post-quantum threshold ${pq.threshold} exceeds its ${listed(pq.keyids, true)} ML-DSA-65 key(s)`,
      );
  }
}

/** The key ids allowed to sign root N+1: its own root keys and those of the root it replaces. */
export function rootSigningKeyIds(previous: Root, next: Root): Set<string> {
  const ids = (root: Root) => [
    ...root.roles.root.keyids,
    ...(root.roles.root[PQ_ROLE_FIELD]?.keyids ?? []),
  ];
  return new Set([...ids(previous), ...ids(next)]);
}

/**
 * One key holder's signatures for the draft of root N+1, over the draft's exact signed bytes.
 * Refuses a holder none of whose keys is a root key of either root (ROOT_SIGNER_UNKNOWN) and a
 * holder that already signed (ROOT_ALREADY_SIGNED). Keys that neither root lists are not used.
 */
export function signRootDraft(
  previous: Root,
  draft: SignedBytes & { readonly signed: Root },
  signers: readonly Signer[],
): Signature[] {
  const allowed = rootSigningKeyIds(previous, draft.signed);
  const members = signers.filter((s) => allowed.has(s.keyid));
  if (members.length === 0) {
    throw new PatchcastError(
      'ROOT_SIGNER_UNKNOWN',
      `key ${signers.map((s) => s.keyid.slice(0, 12)).join(', ')} is not a root key of root v${draft.signed.version} or of root v${previous.version}`,
      { hint: 'sign with a key listed in the draft (patchcast root init --key FILE.pub)' },
    );
  }
  const signed = new Set(draft.signatures.map((s) => s.keyid));
  const again = members.find((s) => signed.has(s.keyid));
  if (again !== undefined) {
    throw new PatchcastError(
      'ROOT_ALREADY_SIGNED',
      `the draft already carries a signature by key ${again.keyid.slice(0, 12)}`,
      { hint: 'each key holder signs once; pass the draft on to the next holder' },
    );
  }
  return members.map((s) => ({ keyid: s.keyid, sig: s.sign(draft.signedBytes) }));
}

/** How far a draft is from publishable: valid signatures against each root's root role. */
export interface RootSignatureStatus {
  readonly byPrevious: ThresholdCount;
  readonly byItself: ThresholdCount;
}

export interface ThresholdCount {
  readonly valid: number;
  readonly threshold: number;
  readonly pqValid: number;
  readonly pqThreshold: number;
}

function thresholdCount(envelope: SignedBytes, root: Root): ThresholdCount {
  return {
    valid: countValidSignatures(envelope, root, 'root'),
    threshold: root.roles.root.threshold,
    pqValid: countValidPqSignatures(envelope, root, 'root'),
    pqThreshold: root.roles.root[PQ_ROLE_FIELD]?.threshold ?? 0,
  };
}

export function rootSignatureStatus(
  previous: Root,
  next: SignedBytes & { readonly signed: Root },
): RootSignatureStatus {
  return {
    byPrevious: thresholdCount(next, previous),
    byItself: thresholdCount(next, next.signed),
  };
}

function met(count: ThresholdCount): boolean {
  return count.valid >= count.threshold && count.pqValid >= count.pqThreshold;
}

/**
 * What a repository checks before it publishes root N+1 (spec §5.3.4, §5.3.5 and §5.3.10, as
 * a client will check them): version exactly N+1, signed by a threshold (and post-quantum
 * threshold) of root N's root keys and of its own, not expired, and every role satisfiable.
 */
export function checkRootSuccessor(
  previous: Root,
  next: SignedBytes & { readonly signed: Root },
  now: Date,
): void {
  if (next.signed.version !== previous.version + 1) {
    throw new PatchcastError(
      'ROOT_VERSION_INVALID',
      `root version ${next.signed.version} does not follow the current root version ${previous.version}`,
      {
        hint: `draft again from the current root (patchcast root init): it must be version ${previous.version + 1}`,
      },
    );
  }
  const status = rootSignatureStatus(previous, next);
  for (const [count, whose] of [
    [status.byPrevious, `the current root v${previous.version}'s root keys`],
    [status.byItself, `its own root keys`],
  ] as const) {
    if (!met(count)) throw thresholdUnmet(count, whose);
  }
  if (Date.parse(next.signed.expires) <= now.getTime()) {
    throw new PatchcastError('ROOT_EXPIRED', `the new root expired at ${next.signed.expires}`, {
      hint: 'draft again with a later --expires',
    });
  }
  checkRootUsable(next.signed);
  checkNoPqDowngrade(previous, next.signed);
}

function thresholdUnmet(count: ThresholdCount, whose: string): PatchcastError {
  const pq = count.pqThreshold > 0 ? ` and ${count.pqValid} of ${count.pqThreshold} ML-DSA-65` : '';
  return new PatchcastError(
    'ROOT_THRESHOLD_UNMET',
    `root is signed by ${count.valid} of ${count.threshold} Ed25519${pq} signature(s) required of ${whose}`,
    { hint: 'more key holders must sign the draft (patchcast root sign DRAFT --key FILE)' },
  );
}

function draftInvalid(message: string): PatchcastError {
  return new PatchcastError('ROOT_DRAFT_INVALID', message);
}

/** Key ids of one key holder's public keys, for messages and `root init --json`. */
export function keyIdsOf(keys: readonly TufKey[]): string[] {
  return keys.map(keyIdOf);
}
