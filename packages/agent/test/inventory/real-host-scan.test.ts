/**
 * This machine's real dpkg database, collected by the agent and scanned by core against
 * generated advisories: exactly the one advisory that affects an installed source package matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { indexAdvisories, parseOsvRecord, scanInventory } from '@patchcast/core';
import type { OsvRecord } from '@patchcast/core';
import { collectPackageInventory } from '../../src/inventory/collect.js';
import type { DpkgPackage } from '../../src/inventory/inventory-types.js';

function advisory(id: string, ecosystem: string, name: string, fixed: string): OsvRecord {
  const result = parseOsvRecord({
    id,
    modified: '2025-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem, name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  });
  assert.ok(result.ok, result.ok ? '' : result.problem.reason);
  return result.record;
}

/** A source package with a binary of another name: the case scanners get wrong. */
function pickSource(dpkg: readonly DpkgPackage[]): DpkgPackage | undefined {
  return [...dpkg]
    .sort((a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name))
    .find((p) => p.name !== p.source);
}

test("this machine's dpkg database against generated advisories gives exactly the affecting one", async (t) => {
  if (!existsSync('/var/lib/dpkg/status'))
    return t.skip('no dpkg database on this machine: test not run');
  const { inventory } = await collectPackageInventory();
  const release = inventory.os?.versionId;
  const target = pickSource(inventory.dpkg);
  if (inventory.os?.id !== 'debian' || release === undefined || target === undefined) {
    return t.skip(
      `not a Debian stable host (${inventory.os?.prettyName ?? 'no os-release'}): test not run`,
    );
  }
  const records = [
    advisory(
      'TEST-AFFECTS-1',
      `Debian:${release}`,
      target.source,
      `${target.sourceVersion}+patchcast1`,
    ),
    advisory('TEST-FIXED-2', `Debian:${release}`, target.source, target.sourceVersion),
    advisory('TEST-BINARY-3', `Debian:${release}`, target.name, `99:${target.version}`),
    advisory('TEST-RELEASE-4', 'Debian:9', target.source, `${target.sourceVersion}+patchcast1`),
  ];
  const report = scanInventory({
    inventory,
    labels: {},
    advisories: indexAdvisories(records),
    detectedAt: new Date(),
  });
  assert.deepEqual(report.problems, []);
  assert.deepEqual(
    report.findings.map((f) => [f.advisoryId, f.package, f.installedVersion]),
    [['TEST-AFFECTS-1', target.source, target.sourceVersion]],
  );
  const binaries = inventory.dpkg.filter(
    (p) => p.source === target.source && p.sourceVersion === target.sourceVersion,
  );
  assert.deepEqual(
    report.findings[0]?.origins,
    binaries.map((p) => `${p.name}:${p.architecture} ${p.version}`),
  );
  assert.equal(
    report.summary.packages.Debian,
    new Set(inventory.dpkg.map((p) => `${p.source} ${p.sourceVersion}`)).size,
  );
});
