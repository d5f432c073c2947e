/**
 * §5.6.7: the pre-order depth-first search for a target through delegated targets roles, as
 * python-tuf and tuf-js do it: visit the top-level targets, then each delegated role whose paths
 * (§4.5) match the target, in order of appearance, depth first; a matching terminating role ends
 * the search of its siblings and of every role still waiting; at most MAX_DELEGATIONS roles.
 * Multi-role delegations (§5.6.7.2.1, a TAP not in the 1.0 format) do not exist in the format.
 */
import type { TargetFile, Targets } from './metadata.js';
import { isDelegatedPath } from './delegations.js';

export const MAX_DELEGATIONS = 32;

export interface Found {
  readonly info: TargetFile;
  /** The role whose signed metadata lists the target. */
  readonly role: string;
}

/** Loads (downloads and verifies) delegated role `role`, delegated by the trusted `delegator`. */
export type LoadDelegated = (role: string, delegator: string) => Promise<Targets>;

export async function searchTarget(
  top: Targets,
  path: string,
  load: LoadDelegated,
): Promise<Found | undefined> {
  const visited = new Set<string>();
  // §5.6.7: begin with the top-level targets role.
  let toVisit: { role: string; delegator: string | undefined }[] = [
    { role: 'targets', delegator: undefined },
  ];
  while (toVisit.length > 0 && visited.size < MAX_DELEGATIONS) {
    const { role, delegator } = toVisit.pop() ?? { role: '', delegator: undefined };
    if (visited.has(role)) continue; // §5.6.7.1: skip roles already visited (cycles)
    const targets = delegator === undefined ? top : await load(role, delegator);
    const info = Object.hasOwn(targets.targets, path) ? targets.targets[path] : undefined;
    if (info !== undefined) return { info, role }; // §5.6.7.1: found, go to §5.7
    visited.add(role);
    const children: { role: string; delegator: string }[] = [];
    for (const child of targets.delegations?.roles ?? []) {
      if (!isDelegatedPath(child, path)) continue; // §4.5: only roles trusted for the path
      children.push({ role: child.name, delegator: role });
      if (child.terminating) {
        toVisit = []; // §5.6.7.2.2: a terminating delegation: no backtracking
        break;
      }
    }
    toVisit.push(...children.reverse()); // §5.6.7.2: in order of appearance
  }
  return undefined;
}
