/** The coverage of the stored advisories against what the fleet runs, as lines of text. */
import type { VulnCoverage } from '@patchcast/protocol';

type CoverageRow = VulnCoverage['rows'][number];

function devices(n: number): string {
  return `${n} device${n === 1 ? '' : 's'}`;
}

function advisories(n: number): string {
  return `${n} advisor${n === 1 ? 'y' : 'ies'}`;
}

const EVERY_RELEASE = new Set(['Debian', 'Red Hat', 'AlmaLinux', 'Rocky Linux']);

/** 'Debian:12' → 'Debian 12'; 'dpkg:ubuntu 22.04' → 'dpkg packages on ubuntu 22.04'. */
export function platformName(ecosystem: string): string {
  if (ecosystem.startsWith('dpkg:')) return `dpkg packages on ${ecosystem.slice(5)}`;
  if (ecosystem.startsWith('rpm:')) return `rpm packages on ${ecosystem.slice(4)}`;
  if (EVERY_RELEASE.has(ecosystem)) return `${ecosystem} (every release)`;
  return ecosystem.replace(':', ' ');
}

function unmatchedReason(ecosystem: string): string {
  return ecosystem.startsWith('rpm:')
    ? 'only Red Hat, AlmaLinux and Rocky Linux advisories are supported'
    : 'only Debian advisories are supported';
}

function rowLine(r: CoverageRow): string {
  const name = platformName(r.ecosystem);
  if (!r.matched)
    return `not matched: ${name} (${devices(r.devices)}): ${unmatchedReason(r.ecosystem)}`;
  if (r.devices > 0 && r.advisories === 0)
    return `no advisory covers ${name} (${devices(r.devices)})`;
  if (r.devices === 0) return `${name}: ${advisories(r.advisories)}, no device runs it`;
  return `${name}: ${devices(r.devices)}, ${advisories(r.advisories)}`;
}

export function coverageLines(coverage: VulnCoverage): string[] {
  const lines = coverage.rows.map(rowLine);
  if (coverage.unsupported.length > 0)
    lines.push(
      `not evaluated (ecosystem not supported): ${coverage.unsupported.map((u) => `${u.ecosystem} (${u.entries} entries)`).join(', ')}`,
    );
  return lines.length === 0 ? ['no advisories and no device inventories yet'] : lines;
}

export function coverageText(coverage: VulnCoverage): string {
  return `${coverageLines(coverage).join('\n')}\n`;
}
