/**
 * Versions in an OSV record must be valid in the ordering they will be compared with. Debian
 * versions that end in '.' are refused as truncated: no Debian archive version does, and some
 * scraped advisories cut versions at their first capital letter ('1:9.10.3.dfsg.P4-...').
 */
import { PatchcastError } from '../errors.js';
import { parseVersion } from '../versions/index.js';
import type { VersionEcosystem } from '../versions/index.js';
import { InputProblem } from './input-problem.js';

function truncation(ordering: VersionEcosystem, version: string): string | undefined {
  if (ordering !== 'Debian') return undefined;
  const hyphen = version.lastIndexOf('-');
  const upstream = hyphen < 0 ? version : version.slice(0, hyphen);
  if (version.endsWith('.') || upstream.endsWith('.')) {
    return `Debian version ${JSON.stringify(version)} ends in '.' and looks truncated`;
  }
  return undefined;
}

/** Throws an InputProblem at `path` when `version` is not a version of `ordering`. */
export function checkVersion(ordering: VersionEcosystem, version: string, path: string): void {
  try {
    parseVersion(ordering, version);
  } catch (error) {
    if (error instanceof PatchcastError && error.code === 'INVALID_INPUT') {
      throw new InputProblem(path, error.message.replace(/\.$/, ''));
    }
    throw error;
  }
  const truncated = truncation(ordering, version);
  if (truncated !== undefined) throw new InputProblem(path, truncated);
}
