import { canonicalBytes, equalBytes } from '@patchcast/core';
import { malformed } from './bundle-error.js';
import type { BundleLimits } from './limits.js';
import { bundleManifestSchema, describeIssue } from './manifest.js';
import type { BundleManifest } from './manifest.js';
import { checkManifestRules } from './manifest-rules.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Checks a manifest object against the schema and the rules; returns the typed, frozen copy. */
export function validateManifest(value: unknown, limits: BundleLimits): BundleManifest {
  const result = bundleManifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw malformed(issue === undefined ? 'manifest is invalid' : describeIssue(issue));
  }
  checkManifestRules(result.data, limits);
  return result.data;
}

/** Parses manifest.json bytes, which must be the canonical JSON of a valid manifest. */
export function parseManifestBytes(bytes: Uint8Array, limits: BundleLimits): BundleManifest {
  checkManifestSize(bytes.length, limits);
  const manifest = validateManifest(parseJson(bytes), limits);
  if (!equalBytes(canonicalBytes(manifest), bytes)) {
    throw malformed('manifest.json is not canonical JSON (sorted keys, no whitespace)');
  }
  return manifest;
}

export function checkManifestSize(size: number, limits: BundleLimits): void {
  if (size > limits.maxManifestBytes) {
    throw malformed(`manifest.json has ${size} bytes; the limit is ${limits.maxManifestBytes}`);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw malformed(`manifest.json is not valid UTF-8 JSON: ${reason}`);
  }
}
