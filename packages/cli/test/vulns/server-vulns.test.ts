/**
 * Vulnerability management end to end, with real processes: a server, an agent whose package
 * inventory comes from files in its managed root, `patchcast vulns import` (bad inputs: see
 * vulns-import.test.ts), findings and the queue, a published patch that declares its fix, the
 * rollout that installs it, the finding closed by that patch, and `patchcast report compliance`
 * in JSON, CSV and HTML, the HTML opened in headless Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { WINDOW, findBrowser, screenshot } from './chromium.js';
import { fixture } from './paths.js';
import { decodePng, nonBackgroundPixels, pixelsOf } from './png.js';

type Finding = {
  advisoryId: string;
  package: string;
  state: string;
  closedAt: string | null;
  closedBy: string | null;
  patches: string[];
  risk: { score: number; factors: { factor: string; contribution: number; value: unknown }[] };
  deadline: { dueDate?: string; source: string };
  kev?: unknown;
  epss?: { epss: number };
  owner: string | null;
};

function dpkgStatus(opensslVersion: string): string {
  return ['libssl3', 'openssl']
    .map((name) =>
      [
        `Package: ${name}`,
        'Status: install ok installed',
        'Architecture: amd64',
        ...(name === 'openssl' ? [] : [`Source: openssl`]),
        `Version: ${opensslVersion}`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
const LOCKFILE = JSON.stringify({
  name: 'app',
  lockfileVersion: 3,
  packages: { '': { name: 'app' }, 'node_modules/lodash': { version: '4.17.20' } },
});
const EPSS =
  '#model_version:v2025.03.14,score_date:2025-03-01T00:00:00+0000\ncve,epss,percentile\nCVE-2023-5363,0.42,0.97\n';

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** An agent whose inventory comes from files under its managed root. */
async function prepareAgent(h: Harness, name: string): Promise<string> {
  const { data, root } = h.agentDirs(name);
  await put(join(root, 'var/lib/dpkg/status'), dpkgStatus('3.0.11-1~deb12u1'));
  await put(join(root, 'etc/os-release'), OS_RELEASE);
  await put(join(root, 'srv/app/package-lock.json'), LOCKFILE);
  await put(
    join(data, 'inventory.json'),
    JSON.stringify({
      dpkgStatus: join(root, 'var/lib/dpkg/status'),
      osRelease: [join(root, 'etc/os-release')],
      npmLockfiles: [join(root, 'srv/app/package-lock.json')],
    }),
  );
  return root;
}

async function findings(h: Harness, state = 'open'): Promise<Finding[]> {
  return (await h.cliJson<{ findings: Finding[] }>(['vulns', 'findings', '--state', state]))
    .findings;
}

test('import, findings, queue, a patch that closes a finding, and the compliance report', async (t) => {
  const h = await Harness.create();
  try {
    await h.startServer();
    await prepareAgent(h, 'web-1');
    await h.startAgent('web-1', ['exposure=internet', 'owner=web-team']);
    const kev = fixture('kev-small.json');
    const epss = join(h.dir, 'epss.csv');
    await writeFile(epss, EPSS);
    const imported = await h.cli([
      'vulns',
      'import',
      fixture('advisories/debian/DSA-5532-1.json'),
      fixture('advisories/npm'),
      kev,
      epss,
      '--json',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /uploaded \d+\/\d+ advisories/, 'progress on stderr');
    const summary = JSON.parse(imported.stdout) as {
      advisories: { added: number; total: number };
      data: string[];
    };
    assert.equal(summary.advisories.total, summary.advisories.added);
    assert.deepEqual(summary.data, ['epss', 'kev']);

    // The agent sent its inventory when it connected; findings come from it.
    const open = await eventually(async () => {
      const list = await findings(h);
      return list.some((f) => f.advisoryId === 'DSA-5532-1') ? list : undefined;
    }, 'the openssl finding');
    const openssl = open.find((f) => f.advisoryId === 'DSA-5532-1');
    assert.ok(openssl !== undefined);
    assert.equal(openssl.package, 'openssl');
    assert.ok(openssl.kev !== undefined, 'CVE-2023-5363 is in the KEV catalog');
    assert.equal(openssl.epss?.epss, 0.42);
    assert.equal(openssl.deadline.source, 'kev');
    assert.equal(openssl.owner, 'web-team');
    assert.deepEqual(
      openssl.risk.factors.map((f) => f.factor),
      ['cvss', 'epss', 'kev', 'criticality', 'exposure'],
    );
    assert.ok(open.some((f) => f.advisoryId === 'GHSA-35jh-r3h4-6jhm' && f.package === 'lodash'));
    const again = await h.cli(['vulns', 'import', '--osv', fixture('advisories/npm'), '--json']);
    assert.equal(again.code, 0, again.stderr);
    const unchanged = JSON.parse(again.stdout) as {
      advisories: { added: number; unchanged: number };
    };
    assert.equal(unchanged.advisories.added, 0, 'importing the same records again adds nothing');
    assert.ok(unchanged.advisories.unchanged > 0);

    // A patch declares its fix; the queue links the finding to it.
    const source = await writePatchSource(
      join(h.dir, 'fix-src'),
      { 'var/lib/dpkg/status': dpkgStatus('3.0.11-1~deb12u2') },
      {
        fixes: [
          {
            advisories: ['DSA-5532-1', 'CVE-2023-5363'],
            package: 'openssl',
            ecosystem: 'Debian:12',
            fixedVersion: '3.0.11-1~deb12u2',
          },
        ],
      },
    );
    await h.publish(source, 'openssl-fix', '1.0.0');
    const queue = await h.cliJson<{
      queue: Finding[];
      patches: {
        patch: string;
        findings: number;
        riskRemoved: number;
        advisories: string[];
        deviceIds: string[];
      }[];
    }>(['vulns', 'queue']);
    assert.deepEqual(queue.queue.find((f) => f.advisoryId === 'DSA-5532-1')?.patches, [
      'openssl-fix@1.0.0',
    ]);
    assert.equal(queue.patches[0]?.patch, 'openssl-fix@1.0.0');
    assert.deepEqual(queue.patches[0]?.advisories, ['DSA-5532-1']);
    assert.equal(queue.patches[0]?.deviceIds.length, 1);
    assert.ok((queue.patches[0]?.riskRemoved ?? 0) > 0);
    const text = await h.cli(['vulns', 'queue']);
    assert.match(text.stdout, /DSA-5532-1 .*openssl-fix@1\.0\.0/);

    // Installing it changes the inventory; the finding closes, naming the patch.
    const rollout = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'openssl-fix@1.0.0',
      '--devices',
      'all',
    ]);
    await h.settled(rollout.id);
    const closed = await eventually(async () => {
      const list = await findings(h, 'closed');
      return list.find((f) => f.advisoryId === 'DSA-5532-1');
    }, 'the openssl finding to close');
    assert.equal(closed.closedBy, 'openssl-fix@1.0.0');
    assert.ok(closed.closedAt !== null);
    assert.ok((await findings(h)).every((f) => f.advisoryId !== 'DSA-5532-1'));

    // The compliance report.
    const report = await h.cliJson<{
      totals: { closed: number; open: number; meanTimeToRemediateDays: number | null };
      byOutcome: { outcome: string }[];
      devices: { name: string; owner: string | null }[];
    }>(['report', 'compliance', '--format', 'json']);
    assert.equal(report.totals.closed, 1);
    assert.ok(report.totals.open >= 1);
    assert.ok(report.totals.meanTimeToRemediateDays !== null);
    assert.ok(report.byOutcome.some((r) => r.outcome === 'KEV due date'));
    assert.deepEqual(
      report.devices.map((d) => [d.name, d.owner]),
      [['web-1', 'web-team']],
    );
    const csvFile = join(h.dir, 'report.csv');
    assert.equal(
      (await h.cli(['report', 'compliance', '--format', 'csv', '--out', csvFile])).code,
      0,
    );
    const csv = await readFile(csvFile, 'utf8');
    assert.match(csv, /^table,key,name,owner,findings,open,overdue,closed,/);
    assert.match(csv, /\r\ndevice,dev_[^,]+,web-1,web-team,/);
    const htmlFile = join(h.dir, 'report.html');
    assert.equal(
      (await h.cli(['report', 'compliance', '--format', 'html', '--out', htmlFile])).code,
      0,
    );
    await checkHtml(htmlFile);
    const alias = await h.cli(['vulns', 'report', '--format', 'html']);
    assert.equal(alias.code, 0, alias.stderr);
    assert.match(alias.stdout, /^<!DOCTYPE html>[\s\S]*web-team/, '`vulns report` is an alias');
    await t.test('the HTML report opens in headless Chromium', async (st) => {
      const browser = findBrowser();
      if (browser === undefined) {
        st.skip(
          'no chromium (scripts/ensure-services.sh installs it): the report was not rendered',
        );
        return;
      }
      const png = decodePng(await screenshot(browser, htmlFile));
      assert.deepEqual([png.width, png.height], [WINDOW.width, WINDOW.height]);
      assert.ok(nonBackgroundPixels(png).others > 5000, 'not a blank page');
      const bars = ['2e7d32', 'f9a825', '1565c0', 'b00020'].map((rgb) => pixelsOf(png, rgb));
      const [inTime = 0, late = 0, onTime = 0, overdue = 0] = bars;
      assert.ok(inTime + late > 100, `the closed finding's bar is drawn (${bars.join(', ')})`);
      assert.ok(onTime + overdue > 100, `the open findings' bars are drawn (${bars.join(', ')})`);
    });
  } finally {
    await h.close();
  }
});

async function checkHtml(file: string): Promise<void> {
  const html = await readFile(file, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<svg /, 'charts are inline SVG');
  assert.doesNotMatch(html, /https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i, 'no URL of any kind');
  assert.doesNotMatch(html, /\b(src|href|srcset|action)\s*=/i, 'no external reference');
  assert.doesNotMatch(html, /@import|url\(|<script|<link|<iframe/i, 'nothing that loads');
}

const DPKG_STATUS = '/var/lib/dpkg/status';

/** The source package and version of `bash` in this machine's dpkg database. */
function bashSource(text: string): { source: string; version: string } | undefined {
  const stanza = text.split(/\n\n/).find((s) => /^Package: bash$/m.test(s));
  const source = stanza === undefined ? undefined : /^Source: (\S+) \((\S+)\)$/m.exec(stanza);
  const version = stanza === undefined ? undefined : /^Version: (\S+)$/m.exec(stanza)?.[1];
  if (source?.[1] !== undefined && source[2] !== undefined)
    return { source: source[1], version: source[2] };
  return version === undefined ? undefined : { source: 'bash', version };
}

test("this machine's own dpkg database, sent by an agent with the default configuration", async (t) => {
  const osRelease = existsSync('/etc/os-release') ? await readFile('/etc/os-release', 'utf8') : '';
  const status = existsSync(DPKG_STATUS) ? await readFile(DPKG_STATUS, 'utf8') : '';
  const bash = bashSource(status);
  if (!/^ID=debian$/m.test(osRelease) || !/^VERSION_ID="?12"?$/m.test(osRelease) || !bash) {
    t.skip('not a Debian 12 host with bash in its dpkg database');
    return;
  }
  const h = await Harness.create();
  try {
    await h.startServer();
    await h.startAgent('this-host', ['criticality=high']);
    const advisory = join(h.dir, 'DSA-9999-1.json');
    await writeFile(
      advisory,
      JSON.stringify({
        id: 'DSA-9999-1',
        modified: '2026-01-01T00:00:00Z',
        upstream: ['CVE-2026-99999'],
        summary: `${bash.source}: test advisory fixed just above the installed version`,
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [
          {
            package: { ecosystem: 'Debian:12', name: bash.source },
            ranges: [
              {
                type: 'ECOSYSTEM',
                events: [{ introduced: '0' }, { fixed: `${bash.version}+deb12u99` }],
              },
            ],
          },
          {
            package: { ecosystem: 'Debian:12', name: bash.source },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.1-1' }] }],
          },
        ],
      }),
    );
    const imported = await h.cli(['vulns', 'import', '--osv', advisory, '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const found = await eventually(async () => {
      const list = await findings(h);
      return list.find((f) => f.advisoryId === 'DSA-9999-1');
    }, "a finding for this machine's bash");
    assert.equal(found.package, bash.source);
    const full = found as Finding & {
      installedVersion: string;
      fixedVersion: string;
      origins: string[];
    };
    assert.equal(
      full.installedVersion,
      bash.version,
      'the source version, not the binNMU binary version',
    );
    assert.equal(full.fixedVersion, `${bash.version}+deb12u99`);
    assert.ok(full.origins.some((o) => o.startsWith('bash:amd64 ') || o.startsWith('bash:')));
    const criticality = found.risk.factors.find((f) => f.factor === 'criticality');
    assert.equal(criticality?.value, 'high', 'the device label feeds the risk');
    assert.ok(found.deadline.source === 'policy' || found.deadline.source === 'none');
  } finally {
    await h.close();
  }
});
