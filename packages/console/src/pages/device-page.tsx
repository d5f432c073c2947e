/** One device: labels, inventory, and its results (phase timings, errors, reboot required). */
import type { JSX } from 'preact';
import { deviceResults } from '../api/endpoints.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { Link } from '../router.js';

export function DevicePage(props: { id: string }): JSX.Element {
  const { data, error } = useLive(
    () => deviceResults(props.id),
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
          <h2>Results</h2>
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
