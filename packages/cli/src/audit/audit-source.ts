/** Where `patchcast audit verify` reads a log and the records it must describe. */
import type { TileId } from '@patchcast/core';

/** A problem the audit found: what is wrong, and where (entry index, tile, table and id). */
export interface Problem {
  readonly where: string;
  readonly what: string;
}

export type ReportProblem = (where: string, what: string) => void;

export interface AuditEntry {
  readonly index: number;
  readonly leaf: Uint8Array;
  /** The leaf hash as the source stored it, when it stores one. */
  readonly storedHash?: Uint8Array | undefined;
}

export interface AuditTarget {
  readonly path: string;
  readonly sha256: string;
  readonly length: number;
  /** The delegated targets role that lists it; absent for the top-level targets role. */
  readonly role?: string | undefined;
  /** The publisher's withdrawal, as the signed targets metadata says. */
  readonly withdrawn?: { readonly reason: string; readonly at: string } | undefined;
  /** The artifact on disk, hashed: null when it is missing; absent when not checked. */
  readonly stored?: { readonly sha256: string; readonly length: number } | null | undefined;
}

/** A stored metadata file: its role (`delegated:<name>` for a delegation), version and hash. */
export interface AuditMetadata {
  readonly role: string;
  readonly version: number;
  readonly sha256: string;
}

export interface AuditAssignment {
  readonly deviceId: string;
  readonly state: string;
  readonly errorCode: string | null;
  /** Only a database holds it. */
  readonly errorMessage?: string | undefined;
}

/** A planned rollout's decision as the source stores it (seq from 1). */
export interface AuditDecision {
  readonly seq: number;
  readonly to: string;
  readonly event: string;
  readonly by: string | null;
}

export interface AuditRollout {
  readonly id: string;
  readonly patch: { readonly name: string; readonly version: string };
  readonly createdBy: string;
  readonly state: string;
  readonly assignments: readonly AuditAssignment[];
  /** Only a database holds these. */
  readonly targetPath?: string | undefined;
  readonly selector?: unknown;
  readonly allowDowngrade?: boolean | undefined;
  /** A planned rollout's decisions, when the source can read them. */
  readonly decisions?: readonly AuditDecision[] | undefined;
  /** When it ended; only a database holds it. */
  readonly completedAt?: string | null | undefined;
}

export interface AuditDevice {
  readonly id: string;
  readonly publicKey?: string | undefined;
  readonly name?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** The records the log must describe: published targets, rollouts and results, devices. */
export interface AuditRecords {
  readonly targets: readonly AuditTarget[];
  readonly rollouts: readonly AuditRollout[];
  readonly devices: readonly AuditDevice[];
  /** Every stored metadata file, when the source can read them (a database). */
  readonly metadata?: readonly AuditMetadata[] | undefined;
}

export interface AuditSource {
  /** The server URL or data folder, for output. */
  readonly name: string;
  /** The verifier key the source announces; an auditor should rather pin one (--log-key). */
  announcedKey(): Promise<string | undefined>;
  /** The log's key transition checkpoints, smallest first (ADR 0028). */
  keyTransitions(): Promise<readonly string[]>;
  /** Signed checkpoint notes to verify, smallest tree first; the last is the current one. */
  checkpoints(): Promise<readonly string[]>;
  /** How many entries are stored, when the source can tell (a database can; a server serves). */
  storedSize(): Promise<number | undefined>;
  /** Entries with start <= index < end as stored or served; missing ones are simply absent. */
  entries(start: number, end: number): Promise<readonly AuditEntry[]>;
  /**
   * Entries written with their records but not yet in the log (ADR 0033), in the order the
   * server will append them; sources that cannot see them leave this out.
   */
  readonly pending?: () => Promise<readonly Uint8Array[]>;
  /** Served tile bytes (C2SP tlog-tiles), for sources that serve tiles. */
  readonly tile?: (tile: TileId) => Promise<Uint8Array | undefined>;
  /** The records to check against the log, or undefined when the source cannot read them. */
  records(): Promise<AuditRecords | undefined>;
  close(): Promise<void>;
}
