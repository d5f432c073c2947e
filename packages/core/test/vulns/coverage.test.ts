/** Coverage of the advisories against what the fleet runs: releases, every-release, gaps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAdvisories } from '../../src/vulns/advisory-index.js';
import { coverageOf } from '../../src/vulns/coverage.js';
import type { FleetPlatform } from '../../src/vulns/coverage.js';
import { osvJson, parsed } from './fixtures.js';

const FIX = [{ events: [{ introduced: '0' }, { fixed: '2.0.0' }] }];
const record = (id: string, ecosystem: string, name = 'pkg') =>
  parsed(osvJson(ecosystem, name, FIX, { id }));

const debian = (versionId: string | undefined, dpkg = 100, npm = 0): FleetPlatform => ({
  os: { id: 'debian', ...(versionId === undefined ? {} : { versionId }) },
  dpkg,
  npm,
});

test('a release the fleet runs and no advisory covers is a row with devices and no advisories', () => {
  const index = indexAdvisories([
    record('DLA-1', 'Debian:11'),
    record('DLA-2', 'Debian:11', 'other'),
    record('GHSA-1', 'npm'),
  ]);
  const coverage = coverageOf(index, [
    debian('12'),
    debian('12', 50, 3),
    debian('12'),
    debian('11'),
  ]);
  assert.deepEqual(coverage.rows, [
    { ecosystem: 'Debian:12', devices: 3, advisories: 0, matched: true },
    { ecosystem: 'Debian:11', devices: 1, advisories: 2, matched: true },
    { ecosystem: 'npm', devices: 1, advisories: 1, matched: true },
  ]);
  assert.deepEqual(coverage.unsupported, []);
});

test('plain Debian advisories cover every release; advisories no device runs are listed after', () => {
  const index = indexAdvisories([
    record('DSA-1', 'Debian'),
    record('DSA-2', 'Debian:12'),
    record('DSA-2', 'Debian:12', 'b'),
    record('DLA-9', 'Debian:10'),
    record('PYSEC-1', 'PyPI'),
    record('GO-1', 'Go'),
    record('GO-2', 'Go', 'x'),
  ]);
  const coverage = coverageOf(index, [debian('12', 10, 0), debian(undefined)]);
  assert.deepEqual(coverage.rows, [
    { ecosystem: 'Debian:12', devices: 1, advisories: 2, matched: true },
    { ecosystem: 'Debian:unknown', devices: 1, advisories: 1, matched: true },
    { ecosystem: 'Debian:10', devices: 0, advisories: 1, matched: true },
    { ecosystem: 'PyPI', devices: 0, advisories: 1, matched: true },
  ]);
  assert.deepEqual(coverage.unsupported, [{ ecosystem: 'Go', entries: 2 }]);
});

test('dpkg packages on another OS are not matched; devices without packages count for nothing', () => {
  const index = indexAdvisories([record('DSA-1', 'Debian')]);
  const ubuntu: FleetPlatform = { os: { id: 'ubuntu', versionId: '22.04' }, dpkg: 900, npm: 0 };
  const empty: FleetPlatform = { os: { id: 'debian', versionId: '12' }, dpkg: 0, npm: 0 };
  const coverage = coverageOf(index, [ubuntu, ubuntu, empty, { os: null, dpkg: 5, npm: 0 }]);
  assert.deepEqual(coverage.rows, [
    { ecosystem: 'dpkg:ubuntu 22.04', devices: 2, advisories: 0, matched: false },
    { ecosystem: 'dpkg:unknown', devices: 1, advisories: 0, matched: false },
    { ecosystem: 'Debian', devices: 0, advisories: 1, matched: true },
  ]);
});
