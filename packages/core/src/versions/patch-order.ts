/**
 * The order of Patchcast patch versions (ADR 0017): SemVer 2.0.0 precedence when both versions are
 * semantic versions, dpkg's order when both are Debian versions, and otherwise dpkg's verrevcmp
 * over the whole strings (any two patch versions compare; digits numerically, '~' first).
 */
import { compareDebian, parseDebian, verrevcmp } from './debian.js';
import type { DebianVersion } from './debian.js';
import { compareSemVer, parseSemVer } from './semver.js';
import type { SemVerVersion } from './semver.js';

function attempt<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

const semver = (v: string): SemVerVersion | undefined => attempt(() => parseSemVer(v, 'SemVer'));
const debian = (v: string): DebianVersion | undefined => attempt(() => parseDebian(v));

/** Orders two patch versions of one patch name: negative, zero or positive. */
export function comparePatchVersions(a: string, b: string): number {
  const [sa, sb] = [semver(a), semver(b)];
  if (sa !== undefined && sb !== undefined) return compareSemVer(sa, sb);
  const [da, db] = [debian(a), debian(b)];
  if (da !== undefined && db !== undefined) return compareDebian(da, db);
  return verrevcmp(a, b);
}
