/** Vulnerabilities: the remediation queue, highest risk first, with KEV and deadlines. */
import type { JSX } from 'preact';
import type { QueueResponse } from '@patchcast/protocol';
import { request } from '../api/client.js';
import { VULN_API } from '../api/paths.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';

export function Vulnerabilities(): JSX.Element {
  const { data, error } = useLive(
    () => request<QueueResponse>('GET', VULN_API.queue),
    (e) => e.kind === 'device',
    [],
  );
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
    </section>
  );
}
