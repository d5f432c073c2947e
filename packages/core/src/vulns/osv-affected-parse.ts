/** "affected[]": the package, its ranges and versions, checked against its ecosystem's ordering. */
import {
  asArray,
  asNonEmptyString,
  asRecord,
  childPath,
  optionalArray,
  optionalRecord,
  optionalString,
  requiredField,
} from './json-reader.js';
import type { JsonRecord } from './json-reader.js';
import { OSV_LIMITS } from './osv-record.js';
import type { OsvAffected, OsvPackage } from './osv-record.js';
import { parseRange } from './osv-range-parse.js';
import { parseSeverities } from './osv-severity-parse.js';

function parsePackage(record: JsonRecord, path: string): OsvPackage | undefined {
  const pkg = optionalRecord(record, 'package', path);
  if (pkg === undefined) return undefined;
  const at = childPath(path, 'package');
  const field = (key: string) =>
    asNonEmptyString(requiredField(pkg, key, at), childPath(at, key), OSV_LIMITS.nameLength);
  return {
    ecosystem: field('ecosystem'),
    name: field('name'),
    purl: optionalString(pkg, 'purl', at, OSV_LIMITS.nameLength),
  };
}

/**
 * "affected[].versions" holds versions "in whatever version syntax" the ecosystem uses, legacy
 * spellings included (old PyPI releases predate PEP 440): they are kept as text and compared in
 * the ecosystem's ordering only where they parse (osv-evaluate.ts).
 */
function parseVersions(record: JsonRecord, path: string): readonly string[] {
  const at = childPath(path, 'versions');
  return optionalArray(record, 'versions', path, OSV_LIMITS.versions).map((value, i) =>
    asNonEmptyString(value, childPath(at, i), OSV_LIMITS.nameLength),
  );
}

export function parseAffected(value: unknown, path: string): OsvAffected {
  const record = asRecord(value, path);
  const pkg = parsePackage(record, path);
  const rangesPath = childPath(path, 'ranges');
  const rawRanges =
    record['ranges'] === undefined ? [] : asArray(record['ranges'], rangesPath, OSV_LIMITS.ranges);
  return {
    package: pkg,
    ranges: rawRanges.map((r, i) => parseRange(r, childPath(rangesPath, i), pkg?.ecosystem)),
    versions: parseVersions(record, path),
    severity: parseSeverities(record, path),
    ecosystemSpecific: optionalRecord(record, 'ecosystem_specific', path),
    databaseSpecific: optionalRecord(record, 'database_specific', path),
  };
}
