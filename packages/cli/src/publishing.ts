/**
 * Publishing: upload the bundle, then sign the next targets metadata locally and submit it.
 * The targets key never leaves this process. Metadata is extended only when the current version
 * carries a valid signature of the publisher's own key, so a compromised server cannot slip a
 * target of its own into what the publisher signs.
 */
import {
  PatchcastError,
  buildTargets,
  canonicalBytes,
  countValidSignatures,
  errorCodeOf,
  formatExpires,
  parseEnvelope,
  sha256Hex,
  signEnvelope,
} from '@patchcast/core';
import type { Root, SignedBytes, Signer, TargetFile } from '@patchcast/core';
import { formatPatchRef, pieceListOf, targetPathOf } from '@patchcast/protocol';
import type { PatchcastClient, PatchRef, RepositoryVersions } from '@patchcast/protocol';
import { prepareDelta } from './delta/prepare-delta.js';
import type { DeltaOutcome, PreparedDelta } from './delta/prepare-delta.js';
import type { DeltaMaker } from './delta/zstd-cli.js';

export interface PublishResult {
  readonly name: string;
  readonly version: string;
  readonly targetPath: string;
  readonly sha256: string;
  readonly length: number;
  readonly alreadyPublished: boolean;
  readonly repository: RepositoryVersions | undefined;
  /** The delta published beside the bundle, or why there is none; absent when none was asked. */
  readonly delta?: PublishedDelta | { readonly skipped: string };
}

export interface PublishedDelta {
  readonly path: string;
  readonly sha256: string;
  readonly length: number;
  readonly base: PatchRef & { readonly sha256: string };
}

export interface PublishRequest extends SigningRequest {
  readonly ref: PatchRef;
  readonly bundle: Uint8Array;
  /** Make a delta from an earlier version (`from`, else the previous one) with `make`. */
  readonly delta?: { readonly from?: PatchRef | undefined; readonly make: DeltaMaker };
}

const ATTEMPTS = 5;

export async function publishBundle(request: PublishRequest): Promise<PublishResult> {
  const { client, ref, bundle } = request;
  const sha256 = sha256Hex(bundle);
  const base = { ...ref, targetPath: targetPathOf(ref), sha256, length: bundle.length };
  await client.putArtifact(sha256, bundle);
  const delta = await deltaFor(request);
  return updateTargets<PublishResult>(request, (targets) => {
    const existing = targets[base.targetPath] as TargetFile | undefined;
    if (existing !== undefined) {
      if (existing.hashes.sha256 === sha256 && existing.length === bundle.length)
        return { done: { ...base, alreadyPublished: true, repository: undefined } };
      throw new PatchcastError(
        'CONFLICT',
        `${formatPatchRef(ref)} is already published with other contents`,
        { hint: 'a published name@version never changes: publish a new version' },
      );
    }
    const entry = {
      length: base.length,
      hashes: { sha256 },
      custom: { patchcast: { name: ref.name, version: ref.version, pieces: pieceListOf(bundle) } },
    };
    const extra = delta?.delta !== undefined && baseKept(targets, ref, delta.delta);
    return {
      targets: {
        ...targets,
        [base.targetPath]: entry,
        ...(extra ? { [delta.delta.path]: delta.delta.entry } : {}),
      },
      result: (repository) => ({
        ...base,
        alreadyPublished: false,
        repository,
        ...(delta === undefined ? {} : { delta: publishedDelta(ref, delta, extra) }),
      }),
    };
  });
}

/**
 * The delta to publish beside the bundle. A delta is an optimisation: when it cannot be made the
 * bundle is published without one and the result says why, unless the publisher named the base.
 */
async function deltaFor(request: PublishRequest): Promise<DeltaOutcome | undefined> {
  if (request.delta === undefined) return undefined;
  try {
    const { raw } = await currentTargets(request);
    return await prepareDelta({
      client: request.client,
      ref: request.ref,
      bundle: request.bundle,
      targets: raw.targets as Record<string, unknown>,
      from: request.delta.from,
      make: request.delta.make,
    });
  } catch (error) {
    if (request.delta.from !== undefined) throw error;
    return { skipped: `${errorCodeOf(error)}: ${(error as Error).message}` };
  }
}

/** The delta's base is still the bundle it was made from (targets may have moved meanwhile). */
function baseKept(targets: Readonly<Record<string, unknown>>, ref: PatchRef, delta: PreparedDelta) {
  const base = targets[targetPathOf({ ...ref, version: delta.link.base.version })] as
    TargetFile | undefined;
  return base?.hashes.sha256 === delta.link.base.sha256 && base.length === delta.link.base.length;
}

function publishedDelta(ref: PatchRef, outcome: DeltaOutcome, kept: boolean) {
  if (outcome.delta === undefined) return { skipped: outcome.skipped };
  if (!kept) return { skipped: 'the base changed while publishing' };
  const { link, path, entry } = outcome.delta;
  const base = { name: ref.name, version: link.base.version, sha256: link.base.sha256 };
  return { path, sha256: entry.hashes.sha256, length: entry.length, base };
}

/** What a change makes of the role's current targets: nothing to sign, or new targets. */
export type TargetsChange<T> =
  | { readonly done: T }
  | {
      readonly targets: Record<string, unknown>;
      readonly result: (repository: RepositoryVersions) => T;
    };

/** Who signs which role's targets metadata, through which server. */
export interface SigningRequest {
  readonly client: PatchcastClient;
  readonly signers: readonly Signer[];
  readonly targetsExpirySeconds?: number;
  readonly now?: () => Date;
  /** A delegated targets role (signed with its key); default: the top-level role. */
  readonly role?: string;
}

/**
 * Applies `change` to the role's current targets (only metadata our key signed), signs the next
 * version here and submits it; a concurrent update (CONFLICT) is met by starting over.
 */
export async function updateTargets<T>(
  request: SigningRequest,
  change: (targets: Readonly<Record<string, unknown>>) => TargetsChange<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { raw, version } = await currentTargets(request);
    const changed = change(raw.targets as Record<string, unknown>);
    if ('done' in changed) return changed.done;
    const signed = nextTargets(raw, version, changed.targets, request);
    try {
      const envelope = signEnvelope(signed, request.signers);
      return changed.result(await request.client.submitTargets(envelope, request.role));
    } catch (error) {
      const raced = error instanceof PatchcastError && error.code === 'CONFLICT';
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}

interface Current {
  readonly raw: Record<string, unknown>;
  readonly version: number;
}

async function currentTargets(request: SigningRequest): Promise<Current> {
  const bytes = await fetchTargets(request);
  if (bytes === undefined) {
    // the delegated role's first metadata: nothing to extend
    const fresh = buildTargets(0, new Date(0), {}) as unknown as Record<string, unknown>;
    return { raw: fresh, version: 0 };
  }
  const envelope = parseEnvelope('targets', bytes);
  assertSignedByPublisher(envelope, request);
  const raw = (JSON.parse(new TextDecoder().decode(bytes)) as { signed: Record<string, unknown> })
    .signed;
  return { raw, version: envelope.signed.version };
}

/**
 * Refuses to extend metadata that carries no valid signature of the publisher's own key: a
 * compromised server cannot slip a target of its own into what the publisher signs.
 */
export function assertSignedByPublisher(
  envelope: SignedBytes,
  request: { readonly signers: readonly Signer[]; readonly role?: string | undefined },
): void {
  const keyids = request.signers.map((s) => s.keyid);
  const pseudoRoot = pseudoRootFor(request.signers);
  if (countValidSignatures(envelope, pseudoRoot, 'targets') === 0) {
    throw new PatchcastError(
      'KEY_INVALID',
      `the server's current ${request.role === undefined ? 'targets' : `${request.role} role`} metadata is not signed by your key (${keyids.map((k) => k.slice(0, 12)).join(', ')})`,
      {
        hint:
          request.role === undefined
            ? 'use the targets key this repository was created with (<data>/keys/targets.key for a development server)'
            : `use the key delegated to ${request.role}`,
      },
    );
  }
}

/** The role's current metadata; undefined when a delegated role has published nothing yet. */
async function fetchTargets(request: SigningRequest): Promise<Uint8Array | undefined> {
  try {
    return await request.client.currentTargets(request.role);
  } catch (error) {
    const missing = error instanceof PatchcastError && error.code === 'NOT_FOUND';
    if (request.role !== undefined && missing) return undefined;
    throw error;
  }
}

/** A root naming only the publisher's keys, to ask "did one of my keys sign this?". */
function pseudoRootFor(signers: readonly Signer[]): Root {
  const keys = Object.fromEntries(signers.map((s) => [s.keyid, s.key]));
  const role = { keyids: signers.map((s) => s.keyid), threshold: 1 };
  return {
    _type: 'root',
    spec_version: '1.0.31',
    version: 1,
    expires: '2100-01-01T00:00:00Z',
    consistent_snapshot: true,
    keys,
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  };
}

function nextTargets(
  raw: Record<string, unknown>,
  version: number,
  targets: Record<string, unknown>,
  request: SigningRequest,
) {
  const now = (request.now ?? (() => new Date()))();
  const expires = new Date(now.getTime() + (request.targetsExpirySeconds ?? 90 * 86400) * 1000);
  const next = { ...raw, version: version + 1, expires: formatExpires(expires), targets };
  canonicalBytes(next); // throws early on anything that canonical JSON cannot carry
  return next;
}
