/** KEV membership and EPSS probability of a finding, looked up through its CVE ids. */
import type { EpssScores } from './epss.js';
import type { KevCatalog } from './kev.js';

export interface KevMatch {
  readonly cve: string;
  readonly dateAdded: string;
  readonly dueDate: string;
  readonly knownRansomwareCampaignUse: string | undefined;
}

export interface EpssMatch {
  readonly cve: string;
  readonly epss: number;
  readonly percentile: number;
}

/** The KEV entry with the earliest due date among the CVEs. */
export function kevFor(cves: readonly string[], kev: KevCatalog | undefined): KevMatch | undefined {
  let best: KevMatch | undefined;
  for (const cve of cves) {
    const entry = kev?.entries.get(cve);
    if (entry === undefined || (best !== undefined && best.dueDate <= entry.dueDate)) continue;
    best = {
      cve,
      dateAdded: entry.dateAdded,
      dueDate: entry.dueDate,
      knownRansomwareCampaignUse: entry.knownRansomwareCampaignUse,
    };
  }
  return best;
}

/** The highest EPSS probability among the CVEs: the finding is as likely exploited as its likeliest CVE. */
export function epssFor(
  cves: readonly string[],
  epss: EpssScores | undefined,
): EpssMatch | undefined {
  let best: EpssMatch | undefined;
  for (const cve of cves) {
    const score = epss?.scores.get(cve);
    if (score !== undefined && (best === undefined || score.epss > best.epss))
      best = { cve, ...score };
  }
  return best;
}
