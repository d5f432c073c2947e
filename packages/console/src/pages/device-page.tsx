/** One device: labels, inventory, and its results (phase timings, errors, reboot required). */
import type { JSX } from 'preact';
import type { FindingViewRow } from '@patchcast/protocol';
import { request } from '../api/client.js';
import { deviceResults } from '../api/endpoints.js';
import { VULN_API } from '../api/paths.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { Link } from '../router.js';

export function DevicePage(props: { id: string }): JSX.Element {
  const { data, error } = useLive(
    () => deviceResults(props.id),
    (e) => e.kind === 'device' && e.id === props.id,
    [props.id],
  );
  const findings = useLive(
    () =>
      request<{ findings: FindingViewRow[] }>(
        'GET',
        `${VULN_API.findings}?device=${encodeURIComponent(props.id)}&state=open`,
      ),
    (e) => e.kind === 'device' && e.id === props.id,
    [props.id],
  );
  const d = data?.device;
  return (
    <section>
      <p>
        <Link href="/devices">← Devices</Link>
      </p>
      <ErrorLine error={error} />
      {d === undefined ? null : (
        <>
          <h1>{d.name}</h1>
          <dl class="facts">
            <dt>Id</dt>
            <dd>{d.id}</dd>
            <dt>State</dt>
            <dd>
              {d.online ? 'online' : 'offline'}
              {d.rebootRequired === true ? ', reboot required' : ''}
              {d.revokedAt === undefined ? '' : `, revoked ${d.revokedAt}`}
            </dd>
            <dt>OS</dt>
            <dd>
              {d.inventory.os} ({d.inventory.arch}), host {d.inventory.hostname}
            </dd>
            <dt>Labels</dt>
            <dd>
              {Object.entries(d.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ') || 'none'}
            </dd>
            <dt>Patches on disk</dt>
            <dd>
              {(d.recorded ?? []).map((r) => `${r.name} ${r.version}`).join(', ') ||
                'none recorded'}
            </dd>
          </dl>
          <h2>Open findings</h2>
          <ErrorLine error={findings.error} />
          <table>
            <thead>
              <tr>
                <th scope="col">Advisory</th>
                <th scope="col">Package</th>
                <th scope="col">Risk</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {(findings.data?.findings ?? []).map((f) => (
                <tr>
                  <td>
                    {f.advisoryId} {f.kev === undefined ? '' : '(KEV)'}
                  </td>
                  <td>
                    {f.package} {f.installedVersion}
                    {f.fixedVersion === undefined ? '' : ` → ${f.fixedVersion}`}
                  </td>
                  <td>{f.risk.score.toFixed(1)}</td>
                  <td>
                    {f.deadline.dueDate ?? ''}
                    {f.overdue ? ' (overdue)' : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Results and rollouts</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Rollout</th>
                <th scope="col">Patch</th>
                <th scope="col">State</th>
                <th scope="col">Timings (ms)</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {(data?.results ?? []).map((r) => (
                <tr>
                  <td>
                    <Link href={`/rollouts/${r.rolloutId}`}>{r.rolloutId}</Link>
                  </td>
                  <td>
                    {r.patch.name} {r.patch.version}
                  </td>
                  <td>
                    {r.state}
                    {r.rebootRequired ? ' (reboot required)' : ''}
                  </td>
                  <td>
                    {Object.entries(r.timings ?? {})
                      .map(([k, v]) => `${k} ${v}`)
                      .join(', ')}
                  </td>
                  <td>{r.error === null ? '' : `${r.error.code}: ${r.error.message}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
