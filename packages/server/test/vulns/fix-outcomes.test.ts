/**
 * What became of the patches that claim to fix an open finding: recommended until installed;
 * installed and awaiting an inventory collected after the install; installed with the finding
 * still there; and ineffective for the advisory when it persisted wherever it was installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VulnFinding } from '@patchcast/core';
import { deviceFixFacts, fixStates } from '../../src/features/vulns/fix-outcomes.js';
import type { PatchFix } from '../../src/features/vulns/patch-fixes.js';

const finding = (advisoryId: string, pkg = 'git'): VulnFinding => ({
  advisoryId,
  aliases: [],
  cves: [],
  summary: undefined,
  ecosystem: 'Debian:12',
  package: pkg,
  installedVersion: '1:2.39.2-1.1',
  fixedVersion: '1:2.39.5-0+deb12u1',
  matchedBy: 'range',
  origins: [],
  cvss: undefined,
});

const claim = (patch: string, advisory: string): PatchFix => ({
  patch,
  advisories: [advisory],
  package: 'unrelated',
  ecosystem: 'Debian:12',
  fixedVersion: '1',
});

const INSTALLED = '2026-03-01T10:00:00.000Z';
const BEFORE = '2026-03-01T09:59:59.000Z';
const AFTER = '2026-03-01T10:00:02.000Z';

function facts(devices: Record<string, { installed?: string[]; collectedAt?: string }>) {
  const list = Object.entries(devices).map(([id, d]) => ({
    id,
    inventory: {
      installed: (d.installed ?? []).map((p) => {
        const [name = '', version = ''] = p.split('@');
        return { name, version, installedAt: INSTALLED };
      }),
    },
  }));
  const collected = new Map(
    Object.entries(devices).flatMap(([id, d]) =>
      d.collectedAt === undefined ? [] : [[id, d.collectedAt] as const],
    ),
  );
  return deviceFixFacts(list, collected);
}

test('a claiming patch is recommended until it is installed on the device', () => {
  const states = fixStates([{ deviceId: 'd1', finding: finding('DSA-1') }], {
    fixes: [claim('git-fix@1.0.0', 'DSA-1'), claim('other@1.0.0', 'DSA-2')],
    devices: facts({ d1: { collectedAt: AFTER } }),
    closed: [],
    persisted: [],
  });
  assert.deepEqual(states, [[{ patch: 'git-fix@1.0.0', state: 'recommended' }]]);
});

test('installed: awaiting an inventory collected after the install, then the finding persists', () => {
  const input = (collectedAt: string) => ({
    fixes: [claim('git-fix@1.0.0', 'DSA-1')],
    devices: facts({ d1: { installed: ['git-fix@1.0.0'], collectedAt } }),
    closed: [],
    persisted: [],
  });
  const open = [{ deviceId: 'd1', finding: finding('DSA-1') }];
  assert.deepEqual(fixStates(open, input(BEFORE)), [
    [{ patch: 'git-fix@1.0.0', state: 'installed-awaiting-inventory', installedAt: INSTALLED }],
  ]);
  assert.deepEqual(fixStates(open, input(AFTER)), [
    [{ patch: 'git-fix@1.0.0', state: 'installed-finding-persists', installedAt: INSTALLED }],
  ]);
  assert.deepEqual(fixStates(open, input(INSTALLED))[0]?.[0]?.state, 'installed-finding-persists');
});

test('a patch that left the advisory open wherever it was installed is recommended nowhere', () => {
  const open = ['d1', 'd2', 'd3'].map((deviceId) => ({ deviceId, finding: finding('DSA-1') }));
  const other = { deviceId: 'd3', finding: finding('DSA-2', 'curl') };
  const fixes = [claim('git-fix@1.0.0', 'DSA-1'), claim('git-fix@1.0.0', 'DSA-2')];
  const devices = facts({
    d1: { installed: ['git-fix@1.0.0'], collectedAt: AFTER },
    d2: { installed: ['git-fix@1.0.0'], collectedAt: AFTER },
    d3: { collectedAt: AFTER },
  });
  const states = fixStates([...open, other], { fixes, devices, closed: [], persisted: [] });
  assert.deepEqual(
    states.map((s) => s.map((f) => f.state)),
    [
      ['installed-finding-persists'],
      ['installed-finding-persists'],
      ['ineffective'],
      ['recommended'],
    ],
    'ineffective for DSA-1 on d3; still recommended for DSA-2, which it was never tried on',
  );
  const closedOnce = fixStates([...open, other], {
    fixes,
    devices,
    closed: [{ patch: 'git-fix@1.0.0', advisoryId: 'DSA-1' }],
    persisted: [],
  });
  assert.deepEqual(
    closedOnce.map((s) => s.map((f) => f.state)),
    [
      ['installed-finding-persists'],
      ['installed-finding-persists'],
      ['recommended'],
      ['recommended'],
    ],
    'a patch that closed the advisory somewhere stays recommended where it was not installed',
  );
});

test('awaiting an inventory is not evidence: the patch stays recommended elsewhere', () => {
  const states = fixStates(
    [
      { deviceId: 'd1', finding: finding('DSA-1') },
      { deviceId: 'd2', finding: finding('DSA-1') },
    ],
    {
      fixes: [claim('git-fix@1.0.0', 'DSA-1')],
      devices: facts({ d1: { installed: ['git-fix@1.0.0'], collectedAt: BEFORE }, d2: {} }),
      closed: [],
      persisted: [],
    },
  );
  assert.deepEqual(
    states.map((s) => s.map((f) => f.state)),
    [['installed-awaiting-inventory'], ['recommended']],
  );
});

test('recorded evidence outlives a rollback: tried here, or persisted everywhere it was tried', () => {
  const open = ['d1', 'd2'].map((deviceId) => ({ deviceId, finding: finding('DSA-1') }));
  const input = (closed: { patch: string; advisoryId: string }[]) => ({
    fixes: [claim('git-fix@1.0.0', 'DSA-1')],
    devices: facts({ d1: { collectedAt: AFTER }, d2: { collectedAt: AFTER } }),
    closed,
    persisted: [{ deviceId: 'd1', patch: 'git-fix@1.0.0', advisoryId: 'DSA-1' }],
  });
  assert.deepEqual(
    fixStates(open, input([])).map((s) => s.map((f) => f.state)),
    [['ineffective'], ['ineffective']],
    'rolled back from d1 after it persisted there: recommended nowhere',
  );
  assert.deepEqual(
    fixStates(open, input([{ patch: 'git-fix@1.0.0', advisoryId: 'DSA-1' }])).map((s) =>
      s.map((f) => f.state),
    ),
    [['ineffective'], ['recommended']],
    'it closed the advisory elsewhere: recommended again, but not where it persisted',
  );
});

test('another version of the patch installed on the device supersedes the claim there', () => {
  const states = fixStates(
    [
      { deviceId: 'd1', finding: finding('DSA-1') },
      { deviceId: 'd2', finding: finding('DSA-1') },
    ],
    {
      fixes: [claim('git-fix@1.0.0', 'DSA-1')],
      devices: facts({ d1: { installed: ['git-fix@1.0.1'], collectedAt: AFTER }, d2: {} }),
      closed: [],
      persisted: [],
    },
  );
  assert.deepEqual(
    states.map((s) => s.map((f) => f.state)),
    [['superseded'], ['recommended']],
  );
});

test('a withdrawn claiming patch is never recommended; installed, its outcome still shows', () => {
  const withdrawn = { ...claim('git-fix@1.0.0', 'DSA-1'), withdrawn: true as const };
  const states = fixStates(
    [
      { deviceId: 'd1', finding: finding('DSA-1') },
      { deviceId: 'd2', finding: finding('DSA-1') },
    ],
    {
      fixes: [withdrawn, claim('git-fix@1.1.0', 'DSA-1')],
      devices: facts({ d1: { collectedAt: AFTER }, d2: { installed: ['git-fix@1.0.0'] } }),
      closed: [],
      persisted: [],
    },
  );
  assert.deepEqual(
    states[0]?.map((s) => [s.patch, s.state]),
    [
      ['git-fix@1.0.0', 'withdrawn'],
      ['git-fix@1.1.0', 'recommended'],
    ],
  );
  assert.equal(states[1]?.[0]?.state, 'installed-awaiting-inventory');
});
