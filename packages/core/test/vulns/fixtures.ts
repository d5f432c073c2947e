/** Shared test helpers: data locations and small OSV record builders. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parseOsvRecord } from '../../src/vulns/osv-parse.js';
import type { OsvRecord } from '../../src/vulns/osv-record.js';

/** ../shared/data beside the repository, located from packages/core/dist/test/vulns/. */
export const SHARED_DATA = new URL('../../../../../../shared/data/', import.meta.url);
/** packages/core/test/data/vulns, from packages/core/dist/test/vulns/. */
export const FIXTURES = new URL('../../../test/data/vulns/', import.meta.url);

export function sharedData(path: string): URL | undefined {
  const url = new URL(path, SHARED_DATA);
  return existsSync(url) ? url : undefined;
}

export type Json = Record<string, unknown>;

export interface RangeSpec {
  readonly type?: string;
  readonly repo?: string;
  readonly events: readonly Json[];
}

/** A valid OSV record for one package; `extra` overrides top-level fields. */
export function osvJson(
  ecosystem: string,
  name: string,
  ranges: readonly RangeSpec[],
  extra: Json = {},
): Json {
  return {
    schema_version: '1.6.0',
    id: 'TEST-2024-0001',
    modified: '2024-05-01T12:00:00Z',
    aliases: ['CVE-2024-0001'],
    affected: [
      {
        package: { ecosystem, name },
        ranges: ranges.map((r) => ({
          type: r.type ?? 'ECOSYSTEM',
          repo: r.repo,
          events: r.events,
        })),
      },
    ],
    ...extra,
  };
}

export function parsed(json: unknown): OsvRecord {
  const result = parseOsvRecord(json);
  if (!result.ok) assert.fail(`${result.problem.path}: ${result.problem.reason}`);
  return result.record;
}

export function problemOf(json: unknown): { readonly path: string; readonly reason: string } {
  const result = parseOsvRecord(json);
  assert.equal(result.ok, false, 'expected the record to be refused');
  return result.ok ? { path: '', reason: '' } : result.problem;
}
