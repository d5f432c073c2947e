/** The dpkg status parser on fixtures, and on this machine's database against dpkg-query. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseDpkgStatus } from '../../src/inventory/dpkg-status.js';
import { fixture } from './paths.js';

test('installed packages with source names and versions; absent ones counted; problems reported', () => {
  const status = parseDpkgStatus(readFileSync(fixture('dpkg-status'), 'utf8'), 'status');
  assert.deepEqual(status.packages, [
    {
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u2',
      status: 'installed',
    },
    {
      name: 'bash',
      version: '5.2.15-2+b2',
      architecture: 'amd64',
      source: 'bash',
      sourceVersion: '5.2.15-2',
      status: 'installed',
    },
    {
      name: 'tzdata',
      version: '2024a-0+deb12u1',
      architecture: 'all',
      source: 'tzdata',
      sourceVersion: '2024a-0+deb12u1',
      status: 'installed',
    },
    {
      name: 'libc6',
      version: '2.36-9+deb12u4',
      architecture: 'i386',
      source: 'glibc',
      sourceVersion: '2.36-9+deb12u4',
      status: 'half-configured',
    },
  ]);
  assert.equal(status.absent, 2);
  assert.deepEqual(status.warnings, [
    { source: 'status:47', reason: 'broken: malformed Status "install ok"' },
    { source: 'status:52', reason: 'noversion: Version and Architecture are required' },
    { source: 'status:56', reason: 'weird-source: malformed Source "Not A Name (1.0)"' },
  ]);
});

test('CRLF line ends, blank-line runs and a missing final newline are tolerated', () => {
  const text =
    'Package: a\r\nStatus: install ok installed\r\nArchitecture: all\r\nVersion: 1\r\n\r\n\r\nPackage: b\nStatus: hold ok installed\nArchitecture: all\nVersion: 2';
  assert.deepEqual(
    parseDpkgStatus(text).packages.map((p) => `${p.name} ${p.version}`),
    ['a 1', 'b 2'],
  );
});

function dpkgQuery(): string | undefined {
  try {
    const format =
      '${db:Status-Status} ${Package} ${Architecture} ${Version} ${source:Package} ${source:Version}\\n';
    return execFileSync('dpkg-query', ['-W', '-f', format], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

const PRESENT = new Set([
  'installed',
  'triggers-pending',
  'triggers-awaited',
  'half-configured',
  'unpacked',
  'half-installed',
]);

test("this machine's /var/lib/dpkg/status agrees with dpkg-query, source names and versions included", (t) => {
  const path = '/var/lib/dpkg/status';
  const oracle = existsSync(path) ? dpkgQuery() : undefined;
  if (oracle === undefined)
    return t.skip('no dpkg database or dpkg-query on this machine: test not run');
  const expected = oracle
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([state]) => PRESENT.has(state ?? ''))
    .map(([, ...rest]) => rest.join(' '))
    .sort();
  const status = parseDpkgStatus(readFileSync(path, 'utf8'), path);
  const got = status.packages
    .map((p) => `${p.name} ${p.architecture} ${p.version} ${p.source} ${p.sourceVersion}`)
    .sort();
  assert.ok(got.length > 50, `only ${got.length} packages`);
  assert.deepEqual(got, expected);
  assert.deepEqual(status.warnings, []);
});
