/** The vulnerability management feature: imports, inventories from agents, findings, reports. */
import type { ImportSummary, ServerMessage } from '@patchcast/protocol';
import type { ComplianceReport } from '@patchcast/protocol';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import type { Store } from '../../storage/store.js';
import type { FindingFilter, ImportCounts } from '../../storage/vuln-store.js';
import { complianceReport } from './compliance.js';
import { coverageOf } from '@patchcast/core';
import type { Coverage } from '@patchcast/core';
import { findingViews } from './finding-views.js';
import type { FindingView } from './finding-views.js';
import { fleetPlatforms } from './fleet-platforms.js';
import { patchImpacts, queueGroups } from './remediation-queue.js';
import type { PatchImpact, QueueGroup } from './remediation-queue.js';
import { FindingsService } from './findings-service.js';
import { ImportService } from './import-service.js';
import { InventoryReceiver } from './inventory-receiver.js';
import { PatchFixes } from './patch-fixes.js';
import type { TargetsSource } from './patch-fixes.js';
import { VulnContextCache } from './vuln-context.js';

export interface VulnFeatureDeps {
  readonly store: Store;
  readonly artifacts: ArtifactStore;
  readonly now: () => Date;
  /** The repository as this node serves it: what published patches fix (patch-fixes.ts). */
  readonly repository: { readonly view: TargetsSource };
}

/** Who committed an import, and the files it was read from (ImportHistoryStore). */
export interface ImportAuthor {
  readonly name: string;
  readonly sources: readonly string[];
}

export interface RemediationQueue {
  readonly generatedAt: string;
  /** One row per (recommended patch or none, advisory). */
  readonly groups: readonly QueueGroup[];
  /** The open findings one by one (the per-device view). */
  readonly queue: readonly FindingView[];
  readonly patches: readonly PatchImpact[];
}

export class VulnFeature {
  readonly imports: ImportService;
  readonly #deps: VulnFeatureDeps;
  readonly #context: VulnContextCache;
  readonly #fixes: PatchFixes;
  readonly #findings: FindingsService;
  readonly #receiver: InventoryReceiver;

  constructor(deps: VulnFeatureDeps) {
    this.#deps = deps;
    this.imports = new ImportService(deps.store.vulns, deps.now);
    this.#context = new VulnContextCache(deps.store.vulns);
    this.#fixes = new PatchFixes(deps.repository.view, deps.artifacts);
    this.#findings = new FindingsService({
      store: deps.store,
      context: this.#context,
      fixes: this.#fixes,
      now: deps.now,
    });
    this.#receiver = new InventoryReceiver({
      store: deps.store.vulns,
      now: deps.now,
      changed: (deviceId, stored) => this.#findings.recompute(deviceId, true, undefined, stored),
    });
  }

  /** One `package-inventory` frame from an authenticated device; the answer to send, if any. */
  receiveInventory(deviceId: string, update: unknown): Promise<ServerMessage | undefined> {
    return this.#receiver.receive(deviceId, update);
  }

  /**
   * Commits an import, then recomputes findings against the new data (not when the import
   * changed nothing: the same data imported again leaves every finding as it was). Changed
   * advisories alone recompute only the devices holding a package they name, before or after
   * (`recomputePackages`); replaced data files, or a step the context cache did not see, every
   * device.
   */
  async commitImport(
    id: string,
    by: ImportAuthor = { name: 'server', sources: [] },
  ): Promise<ImportSummary> {
    await this.#context.current(); // the generation before, whose records the step compares
    const counts = await this.imports.commit(id);
    const devicesRecomputed = await this.#recompute(counts);
    const coverage = await this.coverage();
    const { staged, added, updated, unchanged, total } = counts;
    const summary = {
      id,
      advisories: { staged, added, updated, unchanged, total },
      data: [...counts.data],
      devicesRecomputed,
    };
    await this.#deps.store.importHistory.record({
      ...summary,
      committedAt: this.#deps.now().toISOString(),
      committedBy: by.name,
      sources: [...by.sources],
    });
    return {
      ...summary,
      coverage: { ...coverage, rows: [...coverage.rows], unsupported: [...coverage.unsupported] },
    };
  }

  async #recompute(counts: ImportCounts): Promise<number> {
    if (counts.added + counts.updated + counts.data.length === 0) return 0;
    if (counts.data.length > 0) return this.#findings.recomputeAll();
    await this.#context.current();
    const packages = this.#context.packagesChanged(counts.generation - 1, counts.generation);
    if (packages === undefined) return this.#findings.recomputeAll();
    return this.#findings.recomputePackages(packages);
  }

  /** Which ecosystems and releases the stored advisories cover, against what the fleet runs. */
  async coverage(): Promise<Coverage> {
    const [context, summaries, devices] = await Promise.all([
      this.#context.current(),
      this.#deps.store.vulns.inventorySummaries(),
      this.#deps.store.listDevices(),
    ]);
    const fleet = new Set(devices.map((d) => d.id)); // removed devices are not in it
    const current = summaries.filter((s) => fleet.has(s.deviceId));
    return coverageOf(context.index, fleetPlatforms(current));
  }

  async findings(filter: FindingFilter): Promise<FindingView[]> {
    return findingViews(await this.#viewInput(), filter);
  }

  async queue(): Promise<RemediationQueue> {
    const input = await this.#viewInput();
    const queue = await findingViews(input, { state: 'open' });
    return {
      generatedAt: input.now.toISOString(),
      groups: queueGroups(queue),
      queue,
      patches: patchImpacts(queue),
    };
  }

  async report(): Promise<ComplianceReport> {
    const input = await this.#viewInput();
    const all = await findingViews(input, { state: 'all' });
    return complianceReport(all, input.context.policy.name, input.now);
  }

  async #viewInput() {
    return {
      store: this.#deps.store,
      context: await this.#context.current(),
      fixes: await this.#fixes.all(),
      now: this.#deps.now(),
    };
  }
}
