/**
 * The closed set of version orderings, named as OSV ecosystems. An OSV ecosystem string may carry
 * a suffix after ':' (for example 'Debian:12'); the part before it selects the ordering.
 */
import { PatchcastError } from '../errors.js';
import { quoteInput } from './invalid-version.js';

export const VERSION_ECOSYSTEMS = [
  'Debian',
  'npm',
  'PyPI',
  'SemVer',
  'Red Hat',
  'AlmaLinux',
  'Rocky Linux',
] as const;
export type VersionEcosystem = (typeof VERSION_ECOSYSTEMS)[number];

/** The ecosystems whose packages are RPMs, ordered by rpm's EVR comparison. */
export const RPM_ECOSYSTEMS = ['Red Hat', 'AlmaLinux', 'Rocky Linux'] as const;
export type RpmEcosystem = (typeof RPM_ECOSYSTEMS)[number];

function isVersionEcosystem(name: string): name is VersionEcosystem {
  return (VERSION_ECOSYSTEMS as readonly string[]).includes(name);
}

/** Maps an OSV ecosystem string ('Debian:12', 'npm', ...) to the ordering it uses. */
export function resolveEcosystem(ecosystem: string): VersionEcosystem {
  const base = typeof ecosystem === 'string' ? ecosystem.split(':', 1)[0] : undefined;
  if (base !== undefined && isVersionEcosystem(base)) return base;
  throw new PatchcastError(
    'INVALID_INPUT',
    `Unknown version ecosystem ${quoteInput(ecosystem)}; ` +
      `supported: ${VERSION_ECOSYSTEMS.join(', ')}.`,
    { hint: `Use one of ${VERSION_ECOSYSTEMS.join(', ')}, optionally followed by ':<release>'.` },
  );
}
