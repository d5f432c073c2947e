/** The default deadline policy written as the SSVC CSV an import takes: a data file to replace. */
import { CISA_BOD_26_04_POLICY } from '@patchcast/core';

const yes = (value: boolean) => (value ? 'yes' : 'no');

export function defaultPolicyCsv(): string {
  const rows = CISA_BOD_26_04_POLICY.rules.map((r, i) =>
    [
      String(i),
      yes(r.inKev),
      yes(r.publiclyExposed),
      yes(r.automatable),
      r.technicalImpact,
      r.outcome.label,
    ].join(','),
  );
  return ['row,In KEV,Publicly Exposed,Automatable,Technical Impact,Outcome', ...rows].join('\n');
}
