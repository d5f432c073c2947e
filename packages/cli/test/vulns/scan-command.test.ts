/** `patchcast scan` end to end through its Command, with a fake Io. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PatchcastError } from '@patchcast/core';
import { parseInvocation } from '../../src/args.js';
import { scanCommand } from '../../src/commands/scan.js';
import { captureIo } from './io.js';
import type { CapturedIo } from './io.js';
import { fixture } from './paths.js';

async function scan(
  args: readonly string[],
): Promise<{ readonly code: number; readonly io: CapturedIo }> {
  const io = captureIo();
  const code = await scanCommand.run(parseInvocation(scanCommand, args, io));
  return { code, io };
}

const BASE = [
  '--inventory',
  fixture('inventory-debian12.json'),
  '--advisories',
  fixture('advisories'),
  '--date',
  '2025-03-01',
];

test('findings ranked by risk with breakdown and deadlines; exit 1', async () => {
  const { code, io } = await scan([
    ...BASE,
    '--kev',
    fixture('kev-small.json'),
    '--label',
    'exposure=internet',
  ]);
  assert.equal(code, 1);
  const out = io.stdout();
  const ranks = [...out.matchAll(/^#(\d+) {2}risk [\d.]+ {2}(\S+)/gm)].map((m) => m[2]);
  assert.deepEqual(ranks, ['DSA-5532-1', 'GHSA-35jh-r3h4-6jhm', 'GHSA-semver-pre']);
  assert.match(
    out,
    /openssl 3\.0\.11-1~deb12u1 \(Debian:12\): fixed in 3\.0\.11-1~deb12u2 - openssl security update/,
  );
  assert.match(out, /deadline 2025-02-22 from the KEV due date .* OVERDUE/);
  assert.match(
    out,
    /installed: libssl3:amd64 3\.0\.11-1~deb12u1, openssl:amd64 3\.0\.11-1~deb12u1/,
  );
  assert.match(
    out,
    /risk = cvss n\/a \+50\.0 \| epss n\/a -37\.5 \| kev yes \+37\.5 \| criticality medium -20\.0 \| exposure internet \+0\.0 = 30\.0/,
  );
  assert.match(out, /summary: 3 findings \(1 High, 2 Unknown\); 1 in KEV; 1 overdue/);
  assert.match(
    io.stderr(),
    /rejected advisory ELA-669-1 in .*ELA-669-1-dirty\.json: affected\[0\]\.ranges: expected an array, found an object/,
  );
});

test('--json: the full report, with rejected records', async () => {
  const { code, io } = await scan([...BASE, '--json']);
  assert.equal(code, 1);
  const report = JSON.parse(io.stdout()) as {
    format: string;
    summary: { findings: number; rejected: number };
    findings: {
      advisoryId: string;
      risk: { score: number; factors: { contribution: number }[] };
    }[];
    rejected: { id: string }[];
  };
  assert.equal(report.format, 'patchcast-scan/v1');
  assert.equal(report.summary.findings, 3);
  assert.deepEqual(
    report.rejected.map((r) => r.id),
    ['ELA-669-1'],
  );
  for (const f of report.findings) {
    const sum = f.risk.factors.reduce((s, x) => s + Math.round(x.contribution * 10), 0);
    assert.equal(sum, Math.round(f.risk.score * 10));
  }
});

test('a gzipped EPSS file raises the likelihood of the findings it scores', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchcast-epss-'));
  try {
    const csv =
      '#model_version:v2025.03.14,score_date:2025-03-01T00:00:00+0000\ncve,epss,percentile\nCVE-2021-23337,0.90000,0.99000\n';
    writeFileSync(join(dir, 'epss.csv.gz'), gzipSync(csv));
    const { io } = await scan([...BASE, '--epss', join(dir, 'epss.csv.gz')]);
    assert.match(io.stdout(), /#1 {2}risk 28\.0 {2}GHSA-35jh-r3h4-6jhm/);
    assert.match(io.stdout(), /EPSS 0\.9 \(percentile 0\.99\)/);
    assert.match(io.stdout(), /EPSS: v2025\.03\.14 2025-03-01T00:00:00\+0000 \(1 CVEs\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no findings: exit 0', async () => {
  const { code, io } = await scan([
    '--inventory',
    fixture('inventory-clean.json'),
    '--advisories',
    fixture('advisories'),
  ]);
  assert.equal(code, 0);
  assert.match(io.stdout(), /summary: 0 findings/);
});

test('advisory paths may follow --advisories as positionals', async () => {
  const { code } = await scan([
    '--inventory',
    fixture('inventory-clean.json'),
    '--advisories',
    fixture('python-zipfile.zip'),
    fixture('advisories'),
  ]);
  assert.equal(code, 0);
});

async function fails(args: readonly string[], code: string, message: RegExp): Promise<void> {
  await assert.rejects(
    scan(args),
    (e: unknown) => e instanceof PatchcastError && e.code === code && message.test(e.message),
    String(message),
  );
}

test('usage and input errors name the problem', async () => {
  await fails(['--advisories', fixture('advisories')], 'USAGE', /--inventory is required/);
  await fails(
    ['--inventory', fixture('inventory-clean.json')],
    'USAGE',
    /--advisories is required/,
  );
  await fails(
    [...BASE.slice(0, 4), '--date', '2025-02-30'],
    'USAGE',
    /--date "2025-02-30" is not a date/,
  );
  await fails(
    [...BASE, '--kev', fixture('kev-wrong-shape.json')],
    'THREAT_DATA_INVALID',
    /kev-wrong-shape\.json: Not a CISA KEV catalog at vulnerabilities\[0\]\.cveID: is required/,
  );
  await fails(
    ['--inventory', fixture('kev-small.json'), '--advisories', fixture('advisories')],
    'INVALID_INPUT',
    /kev-small\.json: Not a Patchcast inventory/,
  );
  await fails(
    [...BASE, '--epss', fixture('kev-small.json')],
    'THREAT_DATA_INVALID',
    /Not an EPSS scores file: line 1/,
  );
  assert.throws(
    () => parseInvocation(scanCommand, ['--bogus'], captureIo()),
    (e: unknown) => e instanceof PatchcastError && e.code === 'USAGE',
  );
});
