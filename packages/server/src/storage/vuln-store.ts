/**
 * The vulnerability management part of the Store (`Store.vulns`): advisories and threat data
 * imported through staged, all-or-nothing imports; each device's package inventory; findings
 * with their first detection and closing. Multi-row changes are single methods (one transaction).
 */
import type { WebhookEventRecord } from './webhook-store.js';

/** One OSV record as imported: its id, `modified` time and JSON text (already validated). */
export interface AdvisoryRow {
  readonly id: string;
  readonly modified: string;
  readonly json: string;
}

/** 'kev', 'epss' or 'policy': the file text, already validated. */
export interface VulnDataRow {
  readonly kind: string;
  readonly text: string;
  readonly importedAt: string;
}

export interface ImportCounts {
  readonly staged: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Advisories stored after the commit. */
  readonly total: number;
  /** The data kinds the import replaced. */
  readonly data: readonly string[];
  /** The advisory generation after the commit (it grows with every commit). */
  readonly generation: number;
}

export interface InventoryRecord extends InventorySummary {
  readonly digest: string;
  /** The normalized inventory document as JSON text. */
  readonly json: string;
  readonly receivedAt: string;
}

/** What is read of every device's inventory without its entries (coverage, fix outcomes). */
export interface InventorySummary {
  readonly deviceId: string;
  /** The inventory's `collectedAt`: the agent's clock, the clock of its patches' `installedAt`. */
  readonly collectedAt: string;
  /** JSON text: the inventory's `os` and how many dpkg and npm entries it holds. */
  readonly platform: string;
}

/** A finding: one advisory affecting one package of one device, open or closed. */
export interface FindingRecord {
  readonly deviceId: string;
  /** `advisoryId`, ecosystem and package joined by NUL: unique per device. */
  readonly key: string;
  readonly advisoryId: string;
  /** The match as JSON (core VulnFinding), refreshed while the finding is open. */
  readonly json: string;
  readonly firstSeenAt: string;
  readonly closedAt: string | null;
  /** `name@version` of the installed patch that declared the fix, when one did. */
  readonly closedBy: string | null;
}

export interface FindingChanges {
  /** Findings now open: inserted when new, their JSON refreshed when already open. */
  readonly open: readonly {
    readonly key: string;
    readonly advisoryId: string;
    readonly json: string;
  }[];
  /** Open findings that no longer match. */
  readonly close: readonly { readonly key: string; readonly closedBy: string | null }[];
  /** Webhook events the change causes (finding.kev), queued in the same transaction. */
  readonly events?: readonly WebhookEventRecord[];
}

/**
 * A patch claiming the fix for an advisory was installed on a device, and an inventory collected
 * after the install still held an affected version. Kept after a rollback: evidence about the patch.
 */
export interface PersistedFix {
  readonly deviceId: string;
  readonly patch: string;
  readonly advisoryId: string;
  /** When the server first saw it. */
  readonly at: string;
}

export interface FindingFilter {
  readonly deviceId?: string | undefined;
  readonly state?: 'open' | 'closed' | 'all' | undefined;
}

export interface VulnStore {
  /** Starts an import; nothing it stages is visible until `commitImport`. */
  createImport(id: string, at: string): Promise<void>;
  /** False when the import is unknown (never created, committed, or expired). */
  stageAdvisories(importId: string, rows: readonly AdvisoryRow[]): Promise<boolean>;
  stageData(importId: string, kind: string, text: string): Promise<boolean>;
  /**
   * Makes everything staged visible at once: advisories are upserted by id (a record replaces the
   * stored one only when its `modified` is later), data kinds replaced. Undefined when unknown.
   */
  commitImport(importId: string, at: string): Promise<ImportCounts | undefined>;
  /** Drops imports created before `before` that were never committed. */
  dropStaleImports(before: string): Promise<number>;

  advisories(): Promise<AdvisoryRow[]>;
  /** The advisories the commits after `generation` stored (an advisory changed twice: once). */
  advisoriesSince(generation: number): Promise<AdvisoryRow[]>;
  /** 0 before the first commit; grows by one with every committed import. */
  generation(): Promise<number>;
  data(kind: string): Promise<VulnDataRow | undefined>;

  /**
   * Stores a device's inventory. `packages` (core `packageKey` of each match target) replaces
   * the device's entries in the package index in the same transaction; without it the device
   * counts as unindexed, so `devicesHolding` names it for any package.
   */
  putInventory(record: InventoryRecord, packages?: readonly string[]): Promise<void>;
  getInventory(deviceId: string): Promise<InventoryRecord | undefined>;
  /** Device ids that have an inventory. */
  inventoryDevices(): Promise<string[]>;
  /**
   * Devices whose inventory holds any of these packages (`packageKey`), and devices whose
   * inventory has no package index (stored without `packages`), by device id.
   */
  devicesHolding(packages: readonly string[]): Promise<string[]>;
  /** Every stored inventory's summary, by device id. */
  inventorySummaries(): Promise<InventorySummary[]>;

  /** Applies one recomputation of a device's findings atomically. */
  applyFindings(deviceId: string, changes: FindingChanges, at: string): Promise<void>;
  findings(filter: FindingFilter): Promise<FindingRecord[]>;

  /** Records persisted fixes; one already recorded (device, patch, advisory) keeps its time. */
  recordPersistedFixes(rows: readonly PersistedFix[]): Promise<void>;
  /** Every recorded persisted fix, by device, patch and advisory. */
  persistedFixes(): Promise<PersistedFix[]>;
}
