/** Deadline policy: the code table equals the published CSV; KEV due dates win when earlier. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PatchcastError } from '../../src/errors.js';
import { assetContextOf } from '../../src/vulns/asset-context.js';
import { scoreCvss } from '../../src/vulns/cvss.js';
import type { CvssScore } from '../../src/vulns/cvss-score.js';
import { addDays, deadlineOf } from '../../src/vulns/deadline.js';
import { CISA_BOD_26_04_POLICY, decisionKey } from '../../src/vulns/deadline-policy.js';
import { parseDeadlinePolicyCsv } from '../../src/vulns/deadline-policy-csv.js';
import { sharedData } from './fixtures.js';

function cvss(vector: string): CvssScore {
  const result = scoreCvss(vector);
  assert.ok(result.ok);
  return result.score;
}

const NETWORK_TOTAL = cvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
const LOCAL_PARTIAL = cvss('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N');
const DETECTED = new Date('2025-03-01T15:30:00Z');
const INTERNET = assetContextOf({ exposure: 'internet' }).context;
const INTERNAL = assetContextOf({}).context;

function byKey(rules: typeof CISA_BOD_26_04_POLICY.rules): Map<string, string> {
  return new Map(rules.map((r) => [decisionKey(r), r.outcome.label]));
}

test('the default table in code equals the CERT/CC SSVC CSV for CISA BOD 26-04', (t) => {
  const file = sharedData('ssvc/cisa_bod_26_04_1_0_0.csv');
  if (file === undefined)
    return t.skip('../shared/data/ssvc is absent: policy table check not run');
  const fromCsv = parseDeadlinePolicyCsv(readFileSync(file, 'utf8'), 'csv');
  assert.equal(fromCsv.rules.length, 16);
  assert.deepEqual(byKey(CISA_BOD_26_04_POLICY.rules), byKey(fromCsv.rules));
  assert.deepEqual(CISA_BOD_26_04_POLICY.rules, fromCsv.rules);
});

test('KEV, internet-exposed, automatable, total impact: 3 days and forensics, unless KEV is earlier', () => {
  const d = deadlineOf({
    cvss: NETWORK_TOTAL,
    inKev: true,
    kevDueDate: '2025-03-20',
    asset: INTERNET,
    policy: CISA_BOD_26_04_POLICY,
    detectedAt: DETECTED,
  });
  assert.deepEqual(
    [d.outcome, d.dueDate, d.forensic, d.source],
    ['3 days & forensic investigation', '2025-03-04', true, 'policy'],
  );
  const early = deadlineOf({
    cvss: NETWORK_TOTAL,
    inKev: true,
    kevDueDate: '2025-02-15',
    asset: INTERNET,
    policy: CISA_BOD_26_04_POLICY,
    detectedAt: DETECTED,
  });
  assert.deepEqual([early.dueDate, early.source], ['2025-02-15', 'kev']);
});

test('not in KEV, internal, local partial impact: "fix on system upgrade" gives no date', () => {
  const d = deadlineOf({
    cvss: LOCAL_PARTIAL,
    inKev: false,
    kevDueDate: undefined,
    asset: INTERNAL,
    policy: CISA_BOD_26_04_POLICY,
    detectedAt: DETECTED,
  });
  assert.deepEqual(d.decision, {
    inKev: false,
    publiclyExposed: false,
    automatable: false,
    technicalImpact: 'partial',
  });
  assert.deepEqual([d.outcome, d.dueDate, d.source], ['fix on system upgrade', undefined, 'none']);
  assert.match(d.reasons.join('; '), /automatable: no \(CVSS AV:L\/AC:L\/PR:L\/UI:N\)/);
});

test('without a CVSS vector the decision points are conservative: automatable, total impact', () => {
  const d = deadlineOf({
    cvss: undefined,
    inKev: false,
    kevDueDate: undefined,
    asset: INTERNAL,
    policy: CISA_BOD_26_04_POLICY,
    detectedAt: DETECTED,
  });
  assert.deepEqual(
    [d.decision.automatable, d.decision.technicalImpact, d.outcome, d.dueDate],
    [true, 'total', '60 days', '2025-04-30'],
  );
});

test('CVSS v4 supplemental Automatable (AU) is used when given', () => {
  const v4 = cvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/AU:N');
  const d = deadlineOf({
    cvss: v4,
    inKev: false,
    kevDueDate: undefined,
    asset: INTERNET,
    policy: CISA_BOD_26_04_POLICY,
    detectedAt: DETECTED,
  });
  assert.deepEqual(
    [d.decision.automatable, d.decision.technicalImpact, d.outcome],
    [false, 'total', '14 days'],
  );
});

test('days are counted in UTC calendar days', () => {
  assert.equal(addDays(new Date('2024-02-28T23:59:59Z'), 1), '2024-02-29');
  assert.equal(addDays(new Date('2024-12-31T00:00:00Z'), 60), '2025-03-01');
});

test('a policy CSV of the wrong shape fails precisely', () => {
  const header = 'row,In KEV,Publicly Exposed,Automatable,Technical Impact,Timeline';
  const cases: readonly (readonly [string, RegExp])[] = [
    ['row,a,b\n0,no,no', /line 1: no column named "In KEV \.\.\."/],
    [`${header}\n0,maybe,no,no,partial,14 days`, /line 2: In KEV must be yes or no, not "maybe"/],
    [`${header}\n0,no,no,no,full,14 days`, /line 2: Technical Impact must be partial or total/],
    [`${header}\n0,no,no,no,partial,soon`, /line 2: outcome "soon" is not/],
    [`${header}\n0,no,no,no,partial,14 days`, /it covers 1 of the 16 combinations/],
    [`${header}\n0,no,no,no,partial,14 days\n1,no,no,no,partial,3 days`, /appears twice/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseDeadlinePolicyCsv(text, 'x'),
      (e: unknown) =>
        e instanceof PatchcastError && e.code === 'POLICY_INVALID' && message.test(e.message),
      String(message),
    );
  }
});
