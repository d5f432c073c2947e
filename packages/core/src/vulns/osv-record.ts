/**
 * An OSV record (OSV schema 1.x, https://ossf.github.io/osv-schema/) after it has been checked:
 * read-only, with every field of the kind the schema says. Unknown fields are dropped.
 */
import type { JsonRecord } from './json-reader.js';

export const OSV_RANGE_TYPES = ['SEMVER', 'ECOSYSTEM', 'GIT'] as const;
export type OsvRangeType = (typeof OSV_RANGE_TYPES)[number];

/** "affected[].ranges[].events fields": exactly one of these per event. */
export const OSV_EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
export type OsvEventKind = (typeof OSV_EVENT_KINDS)[number];

/** "severity[].type field". */
export const OSV_SEVERITY_TYPES = ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] as const;
export type OsvSeverityType = (typeof OSV_SEVERITY_TYPES)[number];

export interface OsvEvent {
  readonly kind: OsvEventKind;
  readonly version: string;
}

export interface OsvRange {
  readonly type: OsvRangeType;
  readonly repo: string | undefined;
  readonly events: readonly OsvEvent[];
}

export interface OsvPackage {
  readonly ecosystem: string;
  readonly name: string;
  readonly purl: string | undefined;
}

export interface OsvSeverity {
  readonly type: OsvSeverityType;
  readonly score: string;
}

export interface OsvAffected {
  /** Absent only for entries described by GIT ranges alone. */
  readonly package: OsvPackage | undefined;
  readonly ranges: readonly OsvRange[];
  readonly versions: readonly string[];
  readonly severity: readonly OsvSeverity[];
  readonly ecosystemSpecific: JsonRecord | undefined;
  readonly databaseSpecific: JsonRecord | undefined;
}

export interface OsvRecord {
  /** "schema_version field": '1.0.0' when the record does not say. */
  readonly schemaVersion: string;
  readonly id: string;
  readonly modified: string;
  readonly published: string | undefined;
  /** "withdrawn field": a withdrawn record never matches. */
  readonly withdrawn: string | undefined;
  readonly aliases: readonly string[];
  readonly upstream: readonly string[];
  readonly related: readonly string[];
  readonly summary: string | undefined;
  readonly details: string | undefined;
  readonly severity: readonly OsvSeverity[];
  readonly affected: readonly OsvAffected[];
  readonly databaseSpecific: JsonRecord | undefined;
}

/** Bounds on a single record, far above anything osv.dev publishes. */
export const OSV_LIMITS = {
  idLength: 256,
  textLength: 1024 * 1024,
  nameLength: 1024,
  listItems: 10_000,
  affected: 10_000,
  ranges: 1_000,
  events: 10_000,
  versions: 200_000,
} as const;
