/**
 * Vulnerabilities: the remediation queue, highest risk first, with KEV and deadlines; the open
 * findings by deadline; the compliance report's totals (closed in time or late, time to fix); and
 * the last advisory imports.
 */
import type { JSX } from 'preact';
import type { ComplianceReport, QueueResponse } from '@patchcast/protocol';
import { request } from '../api/client.js';
import { VULN_API } from '../api/paths.js';
import { useLive } from '../live.js';
import { DeadlineChart, deadlineBuckets } from '../parts/deadline-chart.js';
import { ErrorLine } from '../parts/error-line.js';
import { ImportList } from '../parts/import-list.js';
import { vulnImports } from '../api/endpoints.js';

function share(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)} %`;
}

function Compliance(props: { report: ComplianceReport }): JSX.Element {
  const t = props.report.totals;
  return (
    <dl class="facts">
      <dt>Findings</dt>
      <dd>
        {t.findings} ({t.open} open, {t.overdue} overdue)
      </dd>
      <dt>Closed</dt>
      <dd>
        {t.closed} ({t.closedInTime} in time, {t.closedLate} late)
      </dd>
      <dt>Within deadline</dt>
      <dd>{share(t.withinDeadlineShare)}</dd>
      <dt>Mean time to remediate</dt>
      <dd>
        {t.meanTimeToRemediateDays === null ? '–' : `${t.meanTimeToRemediateDays.toFixed(1)} days`}
      </dd>
      <dt>Patched, finding persists</dt>
      <dd>{t.findingPersists}</dd>
      <dt>Policy</dt>
      <dd>{props.report.policy}</dd>
    </dl>
  );
}

export function Vulnerabilities(): JSX.Element {
  const { data, error } = useLive(
    () => request<QueueResponse>('GET', VULN_API.queue),
    (e) => e.kind === 'device',
    [],
  );
  const report = useLive(
    () => request<ComplianceReport>('GET', VULN_API.report),
    (e) => e.kind === 'device',
    [],
  );
  const imports = useLive(vulnImports, () => false, []);
  return (
    <section>
      <h1>Vulnerabilities</h1>
      <ErrorLine error={error} />
      <h2>Remediation queue</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Advisory</th>
            <th scope="col">Patch</th>
            <th scope="col">Risk</th>
            <th scope="col">Devices</th>
            <th scope="col">KEV</th>
            <th scope="col">Due</th>
            <th scope="col">Overdue</th>
          </tr>
        </thead>
        <tbody>
          {(data?.groups ?? []).map((g) => (
            <tr>
              <td>
                {g.advisoryId} {g.cves.join(', ')}
              </td>
              <td>{g.patch ?? 'none yet'}</td>
              <td>{g.risk.toFixed(1)}</td>
              <td>{g.devices}</td>
              <td>{g.kev ? 'KEV' : ''}</td>
              <td>{g.dueDate ?? ''}</td>
              <td>{g.overdue}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data !== undefined && data.groups.length === 0 ? <p>No open finding.</p> : null}
      <h2>Deadlines</h2>
      {data === undefined ? null : (
        <DeadlineChart buckets={deadlineBuckets(data.queue, Date.parse(data.generatedAt))} />
      )}
      <h2>Compliance</h2>
      <ErrorLine error={report.error} />
      {report.data === undefined ? null : <Compliance report={report.data} />}
      <h2>Last imports</h2>
      <ErrorLine error={imports.error} />
      {imports.data === undefined ? null : <ImportList imports={imports.data.imports} />}
    </section>
  );
}
