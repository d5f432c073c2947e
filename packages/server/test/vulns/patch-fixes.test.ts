/**
 * What published patches fix, read from real bundles in a real artifact store for the targets in
 * force, top-level and delegated; and which fixes close which findings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256Hex } from '@patchcast/core';
import type { VulnFinding } from '@patchcast/core';
import { buildBundle } from '@patchcast/protocol';
import type { BundleFix } from '@patchcast/protocol';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { PatchFixes, fixCloses, patchesFor } from '../../src/features/vulns/patch-fixes.js';

async function publish(
  artifacts: LocalArtifactStore,
  name: string,
  fixes: readonly BundleFix[] | undefined,
) {
  const bytes = buildBundle({
    name,
    version: '1.0.0',
    files: [{ path: 'etc/x', mode: 0o644, content: new TextEncoder().encode(name) }],
    fixes,
  });
  const sha256 = sha256Hex(bytes);
  await artifacts.put(sha256, Readable.from([Buffer.from(bytes)]), bytes.length);
  return {
    [`${name}/1.0.0/bundle.tar`]: {
      length: bytes.length,
      hashes: { sha256 },
      custom: { patchcast: { name, version: '1.0.0' } },
    },
  };
}

const fix = (advisories: string[], pkg = 'openssl'): BundleFix => ({
  advisories,
  package: pkg,
  ecosystem: 'Debian:12',
  fixedVersion: '3.0.11-1~deb12u2',
});

test('fixes of top-level and delegated patches are read from their bundles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchcast-fixes-'));
  const artifacts = new LocalArtifactStore(join(dir, 'artifacts'));
  await artifacts.init();
  const top = {
    ...(await publish(artifacts, 'openssl-fix', [fix(['DSA-5532-1'])])),
    ...(await publish(artifacts, 'no-fixes', undefined)),
  };
  const team = await publish(artifacts, 'team-a-lodash', [fix(['GHSA-35jh-r3h4-6jhm'], 'lodash')]);
  const inForce = [
    ...Object.entries(top).map(([path, info]) => [path, { path, info }] as const),
    ...Object.entries(team).map(([path, info]) => [path, { path, info, role: 'team-a' }] as const),
  ];
  const view = { get: () => Promise.resolve({ targetsInForce: new Map(inForce) }) };
  const fixes = await new PatchFixes(view, artifacts).all();
  assert.deepEqual(
    fixes.map((f) => [f.patch, f.advisories]),
    [
      ['openssl-fix@1.0.0', ['DSA-5532-1']],
      ['team-a-lodash@1.0.0', ['GHSA-35jh-r3h4-6jhm']],
    ],
  );
});

const finding = (over: Partial<VulnFinding>): VulnFinding => ({
  advisoryId: 'DSA-5532-1',
  aliases: [],
  cves: ['CVE-2023-5363'],
  summary: undefined,
  ecosystem: 'Debian:12',
  package: 'openssl',
  installedVersion: '3.0.11-1~deb12u1',
  fixedVersion: '3.0.11-1~deb12u2',
  matchedBy: 'range',
  origins: [],
  cvss: undefined,
  ...over,
});

test('a fix closes a finding by advisory id, alias, CVE, or package in the same ecosystem', () => {
  assert.equal(fixCloses(fix(['DSA-5532-1'], 'x'), finding({})), true);
  assert.equal(fixCloses(fix(['CVE-2023-5363'], 'x'), finding({})), true);
  assert.equal(fixCloses(fix(['GHSA-1'], 'x'), finding({ aliases: ['GHSA-1'] })), true);
  assert.equal(fixCloses(fix(['OTHER-1']), finding({})), true, 'same package, Debian');
  assert.equal(
    fixCloses(fix(['OTHER-1']), finding({ ecosystem: 'npm', package: 'openssl' })),
    false,
    'same name in another ecosystem',
  );
  assert.equal(fixCloses(fix(['OTHER-1'], 'bash'), finding({})), false);
  const fixes = [
    { ...fix(['DSA-5532-1']), patch: 'b@1' },
    { ...fix(['DSA-5532-1']), patch: 'a@1' },
    { ...fix(['DSA-5532-1']), patch: 'a@1' },
  ];
  assert.deepEqual(patchesFor(fixes, finding({})), ['a@1', 'b@1']);
});
