/**
 * The CISA Known Exploited Vulnerabilities catalog (JSON, per its published JSON schema). A file
 * of another shape fails with THREAT_DATA_INVALID naming the JSON path and the reason.
 */
import { PatchcastError } from '../errors.js';
import { InputProblem } from './input-problem.js';
import {
  asArray,
  asNonEmptyString,
  asRecord,
  asString,
  childPath,
  optionalString,
  requiredField,
  stringArray,
} from './json-reader.js';
import type { JsonRecord } from './json-reader.js';
import { isIsoDate, isRfc3339Utc } from './timestamp.js';

export interface KevEntry {
  readonly cveID: string;
  readonly vendorProject: string;
  readonly product: string;
  readonly vulnerabilityName: string;
  readonly dateAdded: string;
  readonly shortDescription: string;
  readonly requiredAction: string;
  readonly dueDate: string;
  readonly knownRansomwareCampaignUse: string | undefined;
  readonly notes: string | undefined;
  readonly cwes: readonly string[];
}

export interface KevCatalog {
  readonly catalogVersion: string;
  readonly dateReleased: string;
  readonly entries: ReadonlyMap<string, KevEntry>;
}

const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,19}$/;
const CWE_ID = /^CWE-[0-9]+$/;
const TEXT = 64 * 1024;
const MAX_ENTRIES = 1_000_000;

function text(record: JsonRecord, key: string, path: string): string {
  return asString(requiredField(record, key, path), childPath(path, key), TEXT);
}

function matching(
  record: JsonRecord,
  key: string,
  path: string,
  test: (value: string) => boolean,
  what: string,
): string {
  const value = asNonEmptyString(requiredField(record, key, path), childPath(path, key), 64);
  if (!test(value))
    throw new InputProblem(childPath(path, key), `${JSON.stringify(value)} is not ${what}`);
  return value;
}

function parseEntry(value: unknown, path: string): KevEntry {
  const r = asRecord(value, path);
  const cwes = stringArray(r, 'cwes', path, { items: 1000, length: 64 });
  const badCwe = cwes.findIndex((cwe) => !CWE_ID.test(cwe));
  if (badCwe >= 0) throw new InputProblem(`${path}.cwes[${badCwe}]`, 'is not of the form CWE-NNNN');
  return {
    cveID: matching(r, 'cveID', path, (v) => CVE_ID.test(v), 'a CVE id (CVE-YYYY-NNNN)'),
    vendorProject: text(r, 'vendorProject', path),
    product: text(r, 'product', path),
    vulnerabilityName: text(r, 'vulnerabilityName', path),
    dateAdded: matching(r, 'dateAdded', path, isIsoDate, 'a date YYYY-MM-DD'),
    shortDescription: text(r, 'shortDescription', path),
    requiredAction: text(r, 'requiredAction', path),
    dueDate: matching(r, 'dueDate', path, isIsoDate, 'a date YYYY-MM-DD'),
    knownRansomwareCampaignUse: optionalString(r, 'knownRansomwareCampaignUse', path, 64),
    notes: optionalString(r, 'notes', path, TEXT),
    cwes,
  };
}

function entriesOf(list: readonly unknown[]): ReadonlyMap<string, KevEntry> {
  const entries = new Map<string, KevEntry>();
  list.forEach((value, i) => {
    const entry = parseEntry(value, `vulnerabilities[${i}]`);
    if (entries.has(entry.cveID))
      throw new InputProblem(`vulnerabilities[${i}].cveID`, `${entry.cveID} is listed twice`);
    entries.set(entry.cveID, entry);
  });
  return entries;
}

function parseCatalog(value: unknown): KevCatalog {
  const r = asRecord(value, '');
  const catalogVersion = asNonEmptyString(
    requiredField(r, 'catalogVersion', ''),
    'catalogVersion',
    64,
  );
  const dateReleased = matching(r, 'dateReleased', '', isRfc3339Utc, 'a date-time');
  const count = requiredField(r, 'count', '');
  const list = asArray(requiredField(r, 'vulnerabilities', ''), 'vulnerabilities', MAX_ENTRIES);
  if (typeof count !== 'number' || !Number.isInteger(count) || count !== list.length) {
    throw new InputProblem(
      'count',
      `is ${JSON.stringify(count)} but the catalog lists ${list.length} vulnerabilities`,
    );
  }
  return { catalogVersion, dateReleased, entries: entriesOf(list) };
}

/** Parses a KEV catalog; throws THREAT_DATA_INVALID naming the first problem. */
export function parseKevCatalog(value: unknown): KevCatalog {
  try {
    return parseCatalog(value);
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    const where = error.path === '' ? '' : ` at ${error.path}`;
    throw new PatchcastError(
      'THREAT_DATA_INVALID',
      `Not a CISA KEV catalog${where}: ${error.reason}.`,
      {
        hint: 'Use known_exploited_vulnerabilities.json as published by CISA.',
        cause: error,
      },
    );
  }
}
