/**
 * `patchcast bench vulns`: matching a fleet against a large advisory set, in this process.
 * 50,000 generated OSV records are parsed and indexed; then each of 10,000 devices (500 packages
 * each, generated one at a time) is matched and its findings scored. Reports times and memory.
 */
import {
  assetContextOf,
  indexAdvisories,
  matchTargets,
  parseOsvRecord,
  scoreFinding,
  targetsOf,
} from '@patchcast/core';
import type { OsvRecord } from '@patchcast/core';
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';
import { percentile, round } from '../stats.js';
import { advisoryJson, deviceInventory, prng } from './synthetic-data.js';
import { measureImports } from './import-phase.js';
import type { ImportFigures } from './import-phase.js';
import { defaultPolicyCsv } from './policy-csv.js';

export const VULN_BENCH = { devices: 10_000, packages: 500, advisories: 50_000 } as const;
const TARGET_MS_PER_DEVICE = 5;

const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);

function parseAll(count: number): OsvRecord[] {
  const random = prng(42);
  const records: OsvRecord[] = [];
  for (let i = 0; i < count; i++) {
    const parsed = parseOsvRecord(JSON.parse(JSON.stringify(advisoryJson(i, random))) as unknown);
    if (!parsed.ok)
      throw new Error(`generated advisory ${i} is not valid OSV: ${parsed.problem.reason}`);
    records.push(parsed.record);
  }
  return records;
}

interface FleetResult {
  readonly perDeviceMs: number[];
  readonly matchMs: number;
  readonly scoreMs: number;
  readonly findings: number;
  readonly peakRss: number;
}

function matchFleet(
  context: BenchContext,
  index: ReturnType<typeof indexAdvisories>,
  devices: number,
): FleetResult {
  const asset = assetContextOf({ exposure: 'internet' }).context;
  const detectedAt = new Date('2025-07-01T00:00:00Z');
  const perDeviceMs: number[] = [];
  let matchMs = 0;
  let scoreMs = 0;
  let findings = 0;
  let peakRss = process.memoryUsage.rss();
  for (let d = 0; d < devices; d++) {
    const inventory = deviceInventory(1000 + d, VULN_BENCH.packages);
    const t0 = performance.now();
    const matched = matchTargets(targetsOf(inventory).targets, index).findings;
    const t1 = performance.now();
    for (const f of matched) scoreFinding(f, { asset, detectedAt });
    const t2 = performance.now();
    perDeviceMs.push(t1 - t0);
    matchMs += t1 - t0;
    scoreMs += t2 - t1;
    findings += matched.length;
    if (d % 500 === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      context.progress(`vulns: ${d}/${devices} devices matched`);
    }
  }
  return {
    perDeviceMs,
    matchMs,
    scoreMs,
    findings,
    peakRss: Math.max(peakRss, process.memoryUsage.rss()),
  };
}

export const vulnsBenchmark: Benchmark = {
  name: 'vulns',
  summary:
    'match 10,000 devices x 500 packages against 50,000 advisories; one advisory imported into a server',
  async run(context: BenchContext): Promise<BenchReport> {
    const matching = runVulns(context);
    const devices = context.options.agents ?? VULN_BENCH.devices;
    const imports = await measureImports(
      context,
      devices,
      VULN_BENCH.packages,
      VULN_BENCH.advisories,
      defaultPolicyCsv(),
    );
    return withImports(matching, imports);
  },
};

function runVulns(context: BenchContext): BenchReport {
  const devices = context.options.agents ?? VULN_BENCH.devices;
  const rssBefore = process.memoryUsage.rss();
  context.progress(`vulns: generating and parsing ${VULN_BENCH.advisories} advisories`);
  const p0 = performance.now();
  const records = parseAll(VULN_BENCH.advisories);
  const p1 = performance.now();
  const index = indexAdvisories(records);
  const p2 = performance.now();
  const rssIndexed = process.memoryUsage.rss();
  context.progress(`vulns: matching ${devices} devices x ${VULN_BENCH.packages} packages`);
  const fleet = matchFleet(context, index, devices);
  const sorted = [...fleet.perDeviceMs].sort((a, b) => a - b);
  const perDevice = fleet.matchMs / devices;
  return {
    figures: {
      devices,
      packagesPerDevice: VULN_BENCH.packages,
      advisories: index.records,
      parseMs: Math.round(p1 - p0),
      indexMs: Math.round(p2 - p1),
      matchTotalMs: Math.round(fleet.matchMs),
      matchPerDeviceMeanMs: round(perDevice, 3),
      matchPerDeviceP99Ms: round(percentile(sorted, 99), 3),
      scoreTotalMs: Math.round(fleet.scoreMs),
      findings: fleet.findings,
      findingsPerDevice: round(fleet.findings / devices, 1),
      rssBeforeMiB: mib(rssBefore),
      rssIndexedMiB: mib(rssIndexed),
      peakRssMiB: mib(fleet.peakRss),
    },
    targets: [
      {
        target: `matching one device of ${VULN_BENCH.packages} packages takes under ${TARGET_MS_PER_DEVICE} ms on average`,
        measured: `${round(perDevice, 3)} ms`,
        met: perDevice < TARGET_MS_PER_DEVICE,
      },
    ],
    notes: [
      'Advisories: 30% Debian:12, 55% npm, 15% PyPI; 10% use `versions` lists, the rest ranges.',
      'Devices are generated one at a time (seeded) and dropped after matching: memory is the index plus one device.',
      'Match = targetsOf + matchTargets (core); score = KEV/EPSS lookup, risk and deadline per finding.',
    ],
    sections: [],
    complete: true,
  };
}

const IMPORT_TARGET_MS = 1000;

/** The server's figures beside the in-process ones (issue 20 item 4). */
function withImports(matching: BenchReport, imports: ImportFigures): BenchReport {
  const one = Math.round(imports.oneAdvisoryMs);
  return {
    ...matching,
    figures: {
      ...matching.figures,
      importOneAdvisoryMs: one,
      importOneAdvisoryDevicesRecomputed: imports.oneAdvisoryDevicesRecomputed,
      importFullRecomputeMs: Math.round(imports.fullRecomputeMs),
      importFullDevicesRecomputed: imports.fullDevicesRecomputed,
    },
    targets: [
      ...matching.targets,
      {
        target: `importing one new advisory into ${imports.devices} devices takes under ${IMPORT_TARGET_MS} ms`,
        measured: `${one} ms (${imports.oneAdvisoryDevicesRecomputed} devices recomputed); every device: ${Math.round(imports.fullRecomputeMs)} ms`,
        met: one < IMPORT_TARGET_MS,
      },
    ],
    notes: [
      ...matching.notes,
      `Server: a real server process with the ${imports.advisories} advisories and ${imports.devices} loopback agents that sent their inventories; times run from the import's commit request to its answer. "Every device": one new advisory with a replaced deadline policy (a data file), which recomputes every device, as every import did before.`,
    ],
  };
}
