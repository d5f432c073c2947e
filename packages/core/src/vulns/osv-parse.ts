/**
 * The strict OSV record parser: untrusted JSON in, a typed {@link OsvRecord} or one precise
 * problem out (JSON path and reason). It never throws on a bad record.
 */
import { isSemVer } from './semver-text.js';
import { InputProblem } from './input-problem.js';
import type { Problem } from './input-problem.js';
import {
  asArray,
  asNonEmptyString,
  asRecord,
  isRecord,
  optionalRecord,
  optionalString,
  requiredField,
  stringArray,
} from './json-reader.js';
import type { JsonRecord } from './json-reader.js';
import { parseAffected } from './osv-affected-parse.js';
import { OSV_LIMITS } from './osv-record.js';
import type { OsvRecord } from './osv-record.js';
import { parseSeverities } from './osv-severity-parse.js';
import { isRfc3339Utc } from './timestamp.js';

export type OsvParseResult =
  | { readonly ok: true; readonly record: OsvRecord }
  | { readonly ok: false; readonly id: string | undefined; readonly problem: Problem };

/** "id": `<DB>-<ENTRYID>`; letters, digits and . _ - : + only. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;
const IDS = { items: OSV_LIMITS.listItems, length: OSV_LIMITS.idLength } as const;

function timestamp(record: JsonRecord, key: string, required: boolean): string | undefined {
  const value = required ? requiredField(record, key, '') : record[key];
  if (value === undefined) return undefined;
  const text = asNonEmptyString(value, key, 64);
  if (!isRfc3339Utc(text))
    throw new InputProblem(
      key,
      `${JSON.stringify(text)} is not an RFC 3339 UTC timestamp ending in Z`,
    );
  return text;
}

/** "schema_version": SemVer; missing means 1.0.0; a later major version may change meanings. */
function schemaVersion(record: JsonRecord): string {
  const version = optionalString(record, 'schema_version', '', 64) ?? '1.0.0';
  if (!isSemVer(version))
    throw new InputProblem(
      'schema_version',
      `${JSON.stringify(version)} is not a semantic version`,
    );
  if (!version.startsWith('1.'))
    throw new InputProblem('schema_version', `OSV schema ${version} is not supported (1.x only)`);
  return version;
}

function recordId(record: JsonRecord): string {
  const id = asNonEmptyString(requiredField(record, 'id', ''), 'id', OSV_LIMITS.idLength);
  if (!ID.test(id))
    throw new InputProblem('id', `${JSON.stringify(id)} is not of the form <DB>-<ENTRYID>`);
  return id;
}

/** "affected[].severity": if any package-level severity is set, the top level must not be. */
function checkSeverityPlacement(record: OsvRecord): void {
  if (record.severity.length === 0) return;
  const index = record.affected.findIndex((a) => a.severity.length > 0);
  if (index >= 0)
    throw new InputProblem(
      `affected[${index}].severity`,
      'must not be set when the top-level severity is',
    );
}

function parseRecord(value: unknown): OsvRecord {
  const record = asRecord(value, '');
  const parsed: OsvRecord = {
    schemaVersion: schemaVersion(record),
    id: recordId(record),
    modified: timestamp(record, 'modified', true) ?? '',
    published: timestamp(record, 'published', false),
    withdrawn: timestamp(record, 'withdrawn', false),
    aliases: stringArray(record, 'aliases', '', IDS),
    upstream: stringArray(record, 'upstream', '', IDS),
    related: stringArray(record, 'related', '', IDS),
    summary: optionalString(record, 'summary', '', OSV_LIMITS.textLength),
    details: optionalString(record, 'details', '', OSV_LIMITS.textLength),
    severity: parseSeverities(record, ''),
    affected:
      record['affected'] === undefined
        ? []
        : asArray(record['affected'], 'affected', OSV_LIMITS.affected).map((a, i) =>
            parseAffected(a, `affected[${i}]`),
          ),
    databaseSpecific: optionalRecord(record, 'database_specific', ''),
  };
  checkSeverityPlacement(parsed);
  return parsed;
}

function idOf(value: unknown): string | undefined {
  const id = isRecord(value) ? value['id'] : undefined;
  return typeof id === 'string' && id.length <= OSV_LIMITS.idLength ? id : undefined;
}

export function parseOsvRecord(value: unknown): OsvParseResult {
  try {
    return { ok: true, record: parseRecord(value) };
  } catch (error) {
    if (error instanceof InputProblem)
      return { ok: false, id: idOf(value), problem: error.toProblem() };
    throw error;
  }
}
