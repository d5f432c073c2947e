/**
 * The delta a publish adds beside the bundle (docs/protocol/delta.md): from the bundle of the
 * previous version of the same patch in the role's signed targets (or the one `--delta-from`
 * names), fetched and checked against its signed hash, to the new bundle. The delta is decoded
 * here with the agents' decoder before it is uploaded, so no agent is sent one it cannot apply.
 */
import {
  PatchcastError,
  SecurityError,
  comparePatchVersions,
  consistentTargetPath,
  sha256Hex,
} from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import {
  MAX_DELTA_BUNDLE_BYTES,
  applyDelta,
  deltaTargetEntry,
  pieceListOf,
  deltaTargetPath,
  formatPatchRef,
  patchOfTargetPath,
  targetPathOf,
} from '@patchcast/protocol';
import type { DeltaLink, PatchcastClient, PatchRef } from '@patchcast/protocol';
import type { DeltaMaker } from './zstd-cli.js';

/**
 * A delta costs the publisher a pass over the whole base (tens of seconds for 100 MiB at level
 * 19) and the agent a second download round trip: not worth it below this size.
 */
const MIN_DELTA_SAVING_BYTES = 64 * 1024;
/** A bundle this many times smaller than its base shares little with it. */
const UNLIKE_SIZES = 16;

export interface PreparedDelta {
  readonly path: string;
  readonly entry: TargetFile;
  readonly link: DeltaLink;
}

export type DeltaOutcome =
  { readonly delta: PreparedDelta } | { readonly skipped: string; readonly delta?: undefined };

export interface DeltaRequest {
  readonly client: PatchcastClient;
  readonly ref: PatchRef;
  readonly bundle: Uint8Array;
  /** The role's current signed targets (checked as signed by the publisher). */
  readonly targets: Readonly<Record<string, unknown>>;
  /** `--delta-from`: the base; default: the highest earlier version of the same name. */
  readonly from?: PatchRef | undefined;
  readonly make: DeltaMaker;
}

export async function prepareDelta(request: DeltaRequest): Promise<DeltaOutcome> {
  const { ref, bundle } = request;
  const base = request.from ?? previousVersion(request.targets, ref);
  if (base === undefined) return { skipped: `no earlier version of ${ref.name} is published` };
  const baseInfo = request.targets[targetPathOf(base)] as TargetFile | undefined;
  if (baseInfo === undefined)
    throw new PatchcastError('NOT_FOUND', `${formatPatchRef(base)} is not published in this role`, {
      hint: 'name a published version of this role with --delta-from NAME@VERSION',
    });
  const sha256 = sha256Hex(bundle);
  if (baseInfo.hashes.sha256 === sha256) return { skipped: 'the base has the same bytes' };
  if (Math.max(baseInfo.length, bundle.length) > MAX_DELTA_BUNDLE_BYTES)
    return { skipped: `bundles over ${MAX_DELTA_BUNDLE_BYTES} bytes get no delta` };
  if (bundle.length < MIN_DELTA_SAVING_BYTES)
    return {
      skipped: `the bundle is under ${MIN_DELTA_SAVING_BYTES} bytes: a delta saves too little`,
    };
  if (bundle.length * UNLIKE_SIZES < baseInfo.length)
    return {
      skipped: `the base is over ${UNLIKE_SIZES} times the bundle's size: not a version of it`,
    };
  const baseBytes = await fetchBase(request.client, base, baseInfo);
  const delta = await request.make(baseBytes, bundle);
  if (delta === undefined) return { skipped: 'no zstd program (apt-get install zstd)' };
  if (delta.length >= bundle.length) return { skipped: 'the delta is not smaller than the bundle' };
  const link: DeltaLink = {
    format: 'zstd-patch-from/v1',
    base: { version: base.version, sha256: baseInfo.hashes.sha256, length: baseInfo.length },
    result: { sha256, length: bundle.length },
  };
  const rebuilt = await applyDelta(link.format, baseBytes, delta, bundle.length);
  if (sha256Hex(rebuilt) !== sha256)
    throw new PatchcastError('DELTA_INVALID', 'the delta made here does not rebuild the bundle');
  const deltaSha = sha256Hex(delta);
  await request.client.putArtifact(deltaSha, delta);
  const path = deltaTargetPath(ref, baseInfo.hashes.sha256);
  return {
    delta: {
      path,
      link,
      entry: deltaTargetEntry({ sha256: deltaSha, length: delta.length }, link, pieceListOf(delta)),
    },
  };
}

/** The highest published version of `ref.name` below `ref.version`. */
export function previousVersion(
  targets: Readonly<Record<string, unknown>>,
  ref: PatchRef,
): PatchRef | undefined {
  let best: PatchRef | undefined;
  for (const path of Object.keys(targets)) {
    const other = patchOfTargetPath(path);
    if (other?.name !== ref.name || comparePatchVersions(other.version, ref.version) >= 0) continue;
    if (best === undefined || comparePatchVersions(other.version, best.version) > 0) best = other;
  }
  return best;
}

async function fetchBase(client: PatchcastClient, base: PatchRef, info: TargetFile) {
  const url = `/tuf/targets/${consistentTargetPath(targetPathOf(base), info.hashes.sha256)}`;
  const bytes = await client.publicFile(url);
  if (bytes === undefined)
    throw new PatchcastError('NOT_FOUND', `the server has no artifact for ${formatPatchRef(base)}`);
  if (bytes.length !== info.length || sha256Hex(bytes) !== info.hashes.sha256)
    throw new SecurityError(
      'SECURITY_TARGET_MISMATCH',
      `the server's ${formatPatchRef(base)} does not match its signed hash`,
    );
  return bytes;
}
