/**
 * Seeded synthetic advisories and inventories for `patchcast bench vulns`: package names drawn
 * from one universe per ecosystem, advisories with OSV ranges (and some `versions` lists), and
 * devices that each install a few hundred packages, some at vulnerable versions.
 */
import type { InventoryView } from '@patchcast/core';

/** Mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Universe {
  readonly debian: number;
  readonly npm: number;
  readonly pypi: number;
}

/** Package counts per ecosystem; advisories and devices draw from these names. */
export const UNIVERSE: Universe = { debian: 4_000, npm: 30_000, pypi: 6_000 };
const SHARES = { debian: 0.3, npm: 0.55, pypi: 0.15 } as const;

const pick = (random: () => number, n: number) => Math.floor(random() * n);

function version(ecosystem: 'debian' | 'npm' | 'pypi', major: number, minor: number): string {
  if (ecosystem === 'debian') return `${major}.${minor}-${1 + (minor % 3)}`;
  return `${major}.${minor}.${minor % 7}`;
}

const ECOSYSTEM = { debian: 'Debian:12', npm: 'npm', pypi: 'PyPI' } as const;
const NAME = {
  debian: (i: number) => `src${i}`,
  npm: (i: number) => `pkg-${i}`,
  pypi: (i: number) => `py-${i}`,
} as const;

function ecosystemFor(random: () => number): 'debian' | 'npm' | 'pypi' {
  const r = random();
  return r < SHARES.debian ? 'debian' : r < SHARES.debian + SHARES.npm ? 'npm' : 'pypi';
}

/** One OSV record (JSON, as published) affecting one package below a fixed version. */
export function advisoryJson(i: number, random: () => number): unknown {
  const eco = ecosystemFor(random);
  const name = NAME[eco](pick(random, UNIVERSE[eco]));
  const fixed = version(eco, 1 + pick(random, 2), pick(random, 10));
  const cve = `CVE-2025-${String(10000 + i)}`;
  const listed = random() < 0.1;
  return {
    id: `BENCH-${i}`,
    modified: '2025-06-01T00:00:00Z',
    aliases: [cve],
    summary: `synthetic advisory ${i}`,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [
      {
        package: { ecosystem: ECOSYSTEM[eco], name },
        ...(listed
          ? { versions: [version(eco, 1, 0), version(eco, 1, 1)] }
          : {
              ranges: [
                {
                  type: eco === 'npm' ? 'SEMVER' : 'ECOSYSTEM',
                  events: [{ introduced: '0' }, { fixed }],
                },
              ],
            }),
      },
    ],
  };
}

/** One device's inventory: `packages` entries across the three ecosystems. */
export function deviceInventory(seed: number, packages: number): InventoryView {
  const random = prng(seed);
  const dpkg = [];
  const npm = [];
  const pypi = [];
  for (let i = 0; i < packages; i++) {
    const eco = ecosystemFor(random);
    const name = NAME[eco](pick(random, UNIVERSE[eco]));
    const v = version(eco, 1 + pick(random, 8), pick(random, 10));
    if (eco === 'debian')
      dpkg.push({ name, version: v, architecture: 'amd64', source: name, sourceVersion: v });
    else if (eco === 'npm') npm.push({ name, version: v, path: `/srv/app#node_modules/${name}` });
    else pypi.push({ name, version: v, path: `/srv/venv/${name}` });
  }
  return { os: { id: 'debian', versionId: '12' }, dpkg, npm, pypi };
}
