/** The whole offline scan in core: findings ranked by risk, with deadlines and a summary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAdvisories } from '../../src/vulns/advisory-index.js';
import type { InventoryView } from '../../src/vulns/inventory-view.js';
import { parseKevCatalog } from '../../src/vulns/kev.js';
import { parseEpssCsv } from '../../src/vulns/epss.js';
import { scanInventory } from '../../src/vulns/scan.js';
import { osvJson, parsed } from './fixtures.js';

const INVENTORY: InventoryView = {
  os: { id: 'debian', versionId: '12' },
  dpkg: [
    {
      name: 'libexpat1',
      version: '2.5.0-1',
      architecture: 'amd64',
      source: 'expat',
      sourceVersion: '2.5.0-1',
    },
  ],
  npm: [{ name: 'lodash', version: '4.17.20', path: 'package-lock.json#node_modules/lodash' }],
};

const ADVISORIES = indexAdvisories([
  parsed(
    osvJson(
      'Debian:12',
      'expat',
      [{ events: [{ introduced: '0' }, { fixed: '2.5.0-1+deb12u1' }] }],
      { id: 'DSA-5000-1', upstream: ['CVE-2024-45490'] },
    ),
  ),
  parsed(
    osvJson('npm', 'lodash', [{ events: [{ introduced: '0' }, { fixed: '4.17.21' }] }], {
      id: 'GHSA-35jh-r3h4-6jhm',
      aliases: ['CVE-2021-23337'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
    }),
  ),
  parsed(
    osvJson('Go', 'example.com/x', [{ type: 'SEMVER', events: [{ introduced: '0' }] }], {
      id: 'GO-2024-0001',
    }),
  ),
]);

const KEV = parseKevCatalog({
  catalogVersion: 't',
  dateReleased: '2025-01-01T00:00:00Z',
  count: 1,
  vulnerabilities: [
    {
      cveID: 'CVE-2024-45490',
      vendorProject: 'libexpat',
      product: 'libexpat',
      vulnerabilityName: 'n',
      dateAdded: '2025-02-01',
      shortDescription: 's',
      requiredAction: 'r',
      dueDate: '2025-02-22',
    },
  ],
});
const EPSS = parseEpssCsv(
  '#model_version:v1,score_date:2025-03-01\ncve,epss,percentile\nCVE-2021-23337,0.03,0.8\nCVE-2024-45490,0.2,0.95\n',
);

test('findings are ranked by risk, carry KEV, EPSS, breakdown and deadline', () => {
  const report = scanInventory({
    inventory: INVENTORY,
    labels: { exposure: 'internet' },
    advisories: ADVISORIES,
    kev: KEV,
    epss: EPSS,
    detectedAt: new Date('2025-03-01T00:00:00Z'),
  });
  assert.deepEqual(
    report.findings.map((f) => f.advisoryId),
    ['DSA-5000-1', 'GHSA-35jh-r3h4-6jhm'],
  );
  const [expat, lodash] = report.findings;
  assert.equal(expat?.kev?.dueDate, '2025-02-22');
  assert.equal(expat?.deadline.source, 'kev');
  assert.equal(expat?.overdue, true);
  assert.equal(lodash?.epss?.epss, 0.03);
  assert.equal(lodash?.cvss?.baseScore, 7.2);
  for (const f of report.findings) {
    const sum = f.risk.factors.reduce((s, x) => s + Math.round(x.contribution * 10), 0) / 10;
    assert.equal(sum, f.risk.score);
  }
  assert.deepEqual(report.summary.advisories.unsupported, { Go: 1 });
  assert.deepEqual(report.summary.packages, { Debian: 1, npm: 1, PyPI: 0, rpm: 0 });
  assert.equal(report.summary.inKev, 1);
  assert.equal(report.summary.overdue, 1);
  assert.equal(report.summary.risk.max, expat?.risk.score);
});
