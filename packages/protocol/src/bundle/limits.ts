/** Bounds the bundle reader enforces on untrusted bytes; callers may tighten or relax them. */
export interface BundleLimits {
  /** Most file entries a manifest may list (and so most blobs an archive may hold). */
  readonly maxFiles: number;
  /** Largest manifest.json accepted, in bytes. */
  readonly maxManifestBytes: number;
  /** Largest single blob accepted, in bytes. */
  readonly maxFileBytes: number;
  /** Largest whole archive accepted, in bytes. */
  readonly maxBundleBytes: number;
  /** Accept setuid, setgid and sticky bits in file modes (refused by default). */
  readonly allowSpecialModes: boolean;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = Object.freeze({
  maxFiles: 100_000,
  maxManifestBytes: 8 * 1024 * 1024,
  maxFileBytes: 1024 * 1024 * 1024,
  maxBundleBytes: 2 * 1024 * 1024 * 1024,
  allowSpecialModes: false,
});

export function resolveLimits(limits: Partial<BundleLimits> = {}): BundleLimits {
  return { ...DEFAULT_BUNDLE_LIMITS, ...limits };
}
