/**
 * The compliance report renderers with hostile names: CSV quoting and formulas, HTML escaping;
 * and the HTML report rendered by headless Chromium (skipped visibly where it is absent).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComplianceCounts, ComplianceReport } from '@patchcast/protocol';
import { complianceCsv, csvField } from '../../src/vulns/report-csv.js';
import { complianceHtml } from '../../src/vulns/report-html.js';
import { WINDOW, findBrowser, screenshot } from './chromium.js';
import { decodePng, nonBackgroundPixels, pixelsOf } from './png.js';

const counts: ComplianceCounts = {
  findings: 3,
  open: 2,
  overdue: 1,
  closed: 1,
  closedInTime: 1,
  closedLate: 0,
  withinDeadlineShare: 0.667,
  meanTimeToRemediateDays: 2.5,
  findingPersists: 1,
};

const HOSTILE = '<script>alert("x")</script><img src=https://evil.example/x.png>';

const report: ComplianceReport = {
  format: 'patchcast-compliance/v1',
  generatedAt: '2026-03-01T00:00:00.000Z',
  policy: 'CISA BOD 26-04',
  totals: counts,
  byOutcome: [{ outcome: '14 days', ...counts }],
  devices: [
    {
      deviceId: 'dev_1',
      name: HOSTILE,
      owner: '=HYPERLINK("http://x")',
      maxOpenRisk: 61.3,
      ...counts,
    },
  ],
  advisories: [
    {
      advisoryId: 'DSA-1',
      cves: ['CVE-2023-1', 'CVE-2023-2'],
      kev: true,
      devices: 1,
      maxOpenRisk: 61.3,
      ...counts,
    },
  ],
  overdue: [
    {
      deviceId: 'dev_1',
      name: HOSTILE,
      owner: null,
      advisoryId: 'DSA-1',
      package: 'a,"b"',
      dueDate: '2026-02-01',
      risk: 61.3,
    },
  ],
  findingPersists: [
    {
      deviceId: 'dev_1',
      name: HOSTILE,
      owner: null,
      advisoryId: 'DSA-1',
      package: 'openssl',
      installedVersion: '1.0',
      patches: ['=fix@1.0.0'],
    },
  ],
};

test('CSV fields are quoted when needed and never start a formula', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,"b"'), '"a,""b"""');
  assert.equal(csvField('line\nbreak'), '"line\nbreak"');
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField('-2'), "'-2");
  assert.equal(csvField(-2), '-2', 'numbers stay numbers');
  assert.equal(csvField(null), '');
  const csv = complianceCsv(report);
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(
    lines.length,
    1 + 1 + 1 + 1 + 1 + 1 + 1,
    'header, total, outcome, device, advisory, overdue, persists',
  );
  assert.match(csv, /\r\npersists,DSA-1,.*,'=fix@1\.0\.0\r\n/, 'the patch is not a formula');
  assert.match(
    csv,
    /\r\ndevice,dev_1,.*,"'=HYPERLINK\(""http:\/\/x""\)",3,2,1,1,1,0,0\.667,2\.5,61\.3,/,
  );
  assert.match(
    csv,
    /\r\nadvisory,DSA-1,,,3,2,1,1,1,0,0\.667,2\.5,61\.3,true,CVE-2023-1 CVE-2023-2,/,
  );
});

test('the HTML report escapes every text and references nothing outside itself', () => {
  const html = complianceHtml(report);
  assert.ok(!html.includes('<script'), 'no script element');
  assert.ok(!html.includes('<img'), 'no image element');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  const withoutHostileText = html
    .replaceAll('https://evil.example/x.png', '')
    .replaceAll('http://x', '');
  assert.doesNotMatch(withoutHostileText, /https?:\/\//, 'no URL but the escaped hostile text');
  assert.doesNotMatch(html, /<[a-z]+[^>]*\s(src|href|action)\s*=/i, 'no element refers out');
  assert.match(html, /<svg role="img"/);
  assert.match(html, /66\.7 %/);
  assert.match(html, /Installed, finding persists[\s\S]*=fix@1\.0\.0/);
});

test('the HTML report opens in headless Chromium: a PNG of the window size, not a blank page', async (t) => {
  const browser = findBrowser();
  if (browser === undefined) {
    t.skip(
      'no chromium (scripts/ensure-services.sh installs it): the HTML report was not rendered',
    );
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-render-'));
  try {
    // The control: an empty page renders as one colour, which the check below must tell apart.
    const blankFile = join(dir, 'blank.html');
    await writeFile(blankFile, '<!DOCTYPE html><html><body></body></html>');
    const blank = decodePng(await screenshot(browser, blankFile));
    assert.deepEqual([blank.width, blank.height], [WINDOW.width, WINDOW.height]);
    assert.equal(nonBackgroundPixels(blank).others, 0, 'an empty page is one colour');

    const reportFile = join(dir, 'report.html');
    await writeFile(reportFile, complianceHtml(report));
    const png = decodePng(await screenshot(browser, reportFile));
    assert.deepEqual([png.width, png.height], [WINDOW.width, WINDOW.height]);
    const { others, colours } = nonBackgroundPixels(png);
    assert.ok(others > 5000, `text and charts are drawn (${others} pixels off the background)`);
    assert.ok(colours > 20, `the charts and text use many colours (${colours})`);
    // The inline SVG charts are drawn: stacked bars in the legend's colours.
    for (const [what, rgb] of [
      ['closed in time', '2e7d32'],
      ['open, not yet due', '1565c0'],
      ['open, overdue', 'b00020'],
    ] as const)
      assert.ok(pixelsOf(png, rgb) > 1000, `the ${what} bars are drawn (#${rgb})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
