import { canonicalBytes, sha256Hex } from '@patchcast/core';
import { resolveLimits } from './limits.js';
import type { BundleLimits } from './limits.js';
import { BUNDLE_FORMAT } from './manifest.js';
import type {
  BundleCommand,
  BundleFix,
  BundleHooks,
  BundleInstaller,
  BundleManifest,
  BundleProbes,
  BundleSymlinkEntry,
} from './manifest.js';
import { checkManifestSize, validateManifest } from './manifest-validate.js';
import { BLOB_PREFIX, MANIFEST_NAME } from './entry-names.js';
import { writeTar } from './tar-writer.js';
import type { TarEntry } from './tar-writer.js';

export interface BundleFileInput {
  readonly path: string;
  readonly mode: number;
  readonly content: Uint8Array;
}

export interface BundleInput {
  readonly name: string;
  readonly version: string;
  readonly files: readonly BundleFileInput[];
  readonly removals?: readonly string[] | undefined;
  readonly hooks?: BundleHooks | undefined;
  readonly health?: BundleCommand | undefined;
  readonly fixes?: readonly BundleFix[] | undefined;
  readonly symlinks?: readonly BundleSymlinkEntry[] | undefined;
  readonly installer?: BundleInstaller | undefined;
  readonly probes?: BundleProbes | undefined;
  /** The machine must be rebooted for the patch to take effect (the agent never reboots it). */
  readonly rebootRequired?: boolean | undefined;
}

/** The validated manifest of `input`: files and removals sorted, hashes and sizes computed. */
export function buildManifest(input: BundleInput, limits?: Partial<BundleLimits>): BundleManifest {
  const files = input.files
    .map((file) => ({
      path: file.path,
      mode: file.mode,
      sha256: sha256Hex(file.content),
      size: file.content.length,
    }))
    .sort((a, b) => compare(a.path, b.path));
  const manifest = {
    format: BUNDLE_FORMAT,
    name: input.name,
    version: input.version,
    files,
    removals: input.removals === undefined ? undefined : [...input.removals].sort(compare),
    ...(input.symlinks === undefined
      ? {}
      : { symlinks: [...input.symlinks].sort((a, b) => compare(a.path, b.path)) }),
    ...(input.installer === undefined ? {} : { installer: input.installer }),
    ...(input.probes === undefined ? {} : { probes: input.probes }),
    ...(input.rebootRequired === true ? { rebootRequired: true as const } : {}),
    hooks: input.hooks,
    health: input.health,
    fixes: input.fixes,
  };
  return validateManifest(manifest, resolveLimits(limits));
}

/** A v1 bundle archive; the same input always gives the same bytes. */
export function buildBundle(input: BundleInput, limits?: Partial<BundleLimits>): Uint8Array {
  const resolved = resolveLimits(limits);
  const manifestBytes = canonicalBytes(buildManifest(input, resolved));
  checkManifestSize(manifestBytes.length, resolved);
  return writeTar([{ name: MANIFEST_NAME, data: manifestBytes }, ...blobEntries(input.files)]);
}

function blobEntries(files: readonly BundleFileInput[]): TarEntry[] {
  const blobs = new Map<string, Uint8Array>();
  for (const file of files) blobs.set(sha256Hex(file.content), file.content);
  return [...blobs.keys()]
    .sort(compare)
    .map((hash) => ({ name: `${BLOB_PREFIX}${hash}`, data: blobs.get(hash) ?? new Uint8Array() }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
