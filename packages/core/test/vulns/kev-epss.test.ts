/** KEV catalog and EPSS CSV parsing: the real KEV file, generated EPSS files, wrong shapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PatchcastError } from '../../src/errors.js';
import { parseEpssCsv } from '../../src/vulns/epss.js';
import { parseKevCatalog } from '../../src/vulns/kev.js';
import { sharedData } from './fixtures.js';
import type { Json } from './fixtures.js';

function entry(overrides: Json = {}): Json {
  return {
    cveID: 'CVE-2021-44228',
    vendorProject: 'Apache',
    product: 'Log4j2',
    vulnerabilityName: 'Apache Log4j2 Remote Code Execution Vulnerability',
    dateAdded: '2021-12-10',
    shortDescription: 'JNDI features do not protect against attacker-controlled LDAP endpoints.',
    requiredAction: 'Apply updates per vendor instructions.',
    dueDate: '2021-12-24',
    knownRansomwareCampaignUse: 'Known',
    notes: '',
    cwes: ['CWE-20', 'CWE-400'],
    ...overrides,
  };
}

function catalog(entries: readonly Json[], overrides: Json = {}): Json {
  return {
    catalogVersion: '2025.01.01',
    dateReleased: '2025-01-01T00:00:00.000Z',
    count: entries.length,
    vulnerabilities: entries,
    ...overrides,
  };
}

function invalid(value: unknown, message: RegExp): void {
  assert.throws(
    () => parseKevCatalog(value),
    (e: unknown) =>
      e instanceof PatchcastError && e.code === 'THREAT_DATA_INVALID' && message.test(e.message),
  );
}

test('the real KEV catalog loads: 1,404 entries', (t) => {
  const file = sharedData('kev/known_exploited_vulnerabilities.json');
  if (file === undefined) return t.skip('../shared/data/kev is absent: real KEV test not run');
  const kev = parseKevCatalog(JSON.parse(readFileSync(file, 'utf8')));
  assert.equal(kev.entries.size, 1404);
  assert.equal(kev.catalogVersion, '2025.08.25');
  assert.equal(kev.entries.get('CVE-2021-44228')?.dueDate, '2021-12-24');
});

test('a small valid catalog parses into entries keyed by CVE', () => {
  const kev = parseKevCatalog(catalog([entry()]));
  assert.deepEqual(kev.entries.get('CVE-2021-44228')?.cwes, ['CWE-20', 'CWE-400']);
});

test('wrong shapes fail precisely', () => {
  invalid([], /Not a CISA KEV catalog: expected an object, found an array/);
  invalid({ vulnerabilities: [] }, /at catalogVersion: is required/);
  invalid(
    catalog([entry()], { vulnerabilities: {} }),
    /at vulnerabilities: expected an array, found an object/,
  );
  invalid(
    catalog([entry()], { count: 2 }),
    /at count: is 2 but the catalog lists 1 vulnerabilities/,
  );
  invalid(
    catalog([entry(), entry({ dueDate: '2021-13-01' })]),
    /at vulnerabilities\[1\]\.dueDate: "2021-13-01" is not a date YYYY-MM-DD/,
  );
  invalid(
    catalog([entry({ cveID: 'CVE-21-1' })]),
    /at vulnerabilities\[0\]\.cveID: "CVE-21-1" is not a CVE id/,
  );
  invalid(
    catalog([entry({ product: undefined })]),
    /at vulnerabilities\[0\]\.product: is required/,
  );
  invalid(
    catalog([entry({ cwes: ['20'] })]),
    /at vulnerabilities\[0\]\.cwes\[0\]: is not of the form CWE-NNNN/,
  );
  invalid(
    catalog([entry(), entry()]),
    /at vulnerabilities\[1\]\.cveID: CVE-2021-44228 is listed twice/,
  );
  invalid({ title: 'EPSS', model_version: 'v2025' }, /at catalogVersion: is required/);
});

function epssFile(rows: number): string {
  const lines = [
    '#model_version:v2025.03.14,score_date:2025-03-14T00:00:00+0000',
    'cve,epss,percentile',
  ];
  for (let i = 0; i < rows; i++) {
    const p = ((i * 7919) % 100000) / 100000;
    lines.push(`CVE-2024-${String(10000 + i)},${p.toFixed(5)},${(i / rows).toFixed(5)}`);
  }
  return `${lines.join('\n')}\n`;
}

test('a generated EPSS file of 100,000 rows parses', () => {
  const epss = parseEpssCsv(epssFile(100_000));
  assert.equal(epss.modelVersion, 'v2025.03.14');
  assert.equal(epss.scoreDate, '2025-03-14T00:00:00+0000');
  assert.equal(epss.scores.size, 100_000);
  assert.deepEqual(epss.scores.get('CVE-2024-10001'), { epss: 0.07919, percentile: 0.00001 });
});

test('EPSS accepts CRLF and exponents; wrong shapes fail with the line', () => {
  const ok = parseEpssCsv(
    '#model_version:v1,score_date:2025-01-01\r\ncve,epss,percentile\r\nCVE-2024-0001,4e-05,0.01\r\n',
  );
  assert.equal(ok.scores.get('CVE-2024-0001')?.epss, 0.00004);
  const cases: readonly (readonly [string, RegExp])[] = [
    ['cve,epss,percentile\nCVE-2024-0001,0.1,0.2', /line 1: expected "#model_version/],
    [
      '#model_version:v1\ncve,epss,percentile',
      /line 1: model_version and score_date are both required/,
    ],
    ['#model_version:v1,score_date:d\ncve,epss', /line 2: expected the header/],
    [
      '#model_version:v1,score_date:d\ncve,epss,percentile\nCVE-2024-0001,1.5,0.2',
      /line 3: epss "1.5" is not a number from 0 to 1/,
    ],
    [
      '#model_version:v1,score_date:d\ncve,epss,percentile\nCVE-2024-0001,0.1',
      /line 3: percentile "" is not/,
    ],
    [
      '#model_version:v1,score_date:d\ncve,epss,percentile\nGHSA-1,0.1,0.1',
      /line 3: expected "CVE-YYYY-NNNN,epss,percentile"/,
    ],
    [
      '#model_version:v1,score_date:d\ncve,epss,percentile\nCVE-2024-0001,0.1,0.1\nCVE-2024-0001,0.1,0.1',
      /line 4: CVE-2024-0001 is listed twice/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseEpssCsv(text),
      (e: unknown) => e instanceof PatchcastError && message.test(e.message),
      String(message),
    );
  }
});
