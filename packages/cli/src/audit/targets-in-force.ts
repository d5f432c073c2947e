/**
 * The targets a client finds, top-level and delegated, read without trust: top-level targets
 * first, then each delegated role's targets that match its path patterns (spec §5.6.7; the server
 * admits one level of non-overlapping delegations, so this is what the search finds per path).
 */
import { isDelegatedPath, parseEnvelope } from '@patchcast/core';
import type { Targets } from '@patchcast/core';
import { withdrawalOf } from '@patchcast/protocol';
import type { AuditTarget } from './audit-source.js';

/** `delegated(name)` gives role `name`'s metadata in force, or undefined if it published none. */
export async function targetsInForce(
  top: Uint8Array | undefined,
  delegated: (name: string) => Promise<Uint8Array | undefined>,
): Promise<AuditTarget[]> {
  if (top === undefined) return [];
  const signed = parseEnvelope('targets', top).signed;
  const found = new Map<string, AuditTarget>();
  add(found, signed);
  for (const role of signed.delegations?.roles ?? []) {
    const bytes = await delegated(role.name);
    if (bytes === undefined) continue;
    const targets = parseEnvelope('targets', bytes).signed;
    add(found, targets, role.name, (path) => isDelegatedPath(role, path));
  }
  return [...found.values()];
}

function add(
  found: Map<string, AuditTarget>,
  targets: Targets,
  role?: string,
  matches: (path: string) => boolean = () => true,
): void {
  for (const [path, info] of Object.entries(targets.targets)) {
    if (found.has(path) || !matches(path)) continue;
    const withdrawn = withdrawalOf(info);
    found.set(path, {
      path,
      sha256: info.hashes.sha256,
      length: info.length,
      ...(role === undefined ? {} : { role }),
      ...(withdrawn === undefined ? {} : { withdrawn }),
    });
  }
}
