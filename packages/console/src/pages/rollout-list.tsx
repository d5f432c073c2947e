/** Rollouts: every rollout, newest first, live. */
import type { JSX } from 'preact';
import type { Role } from '@patchcast/protocol';
import { can, rollouts } from '../api/endpoints.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { ProgressBar } from '../parts/progress-bar.js';
import { Link } from '../router.js';

export function RolloutList(props: { role: Role }): JSX.Element {
  const { data, error } = useLive(rollouts, (e) => e.kind === 'rollout', []);
  const list = [...(data?.rollouts ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section>
      <h1>Rollouts</h1>
      {can(props.role, 'operator') ? (
        <p>
          <Link href="/rollouts/new" class="button">
            Start a rollout
          </Link>
        </p>
      ) : null}
      <ErrorLine error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Patch</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Started</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr>
              <td>
                <Link href={`/rollouts/${r.id}`}>
                  {r.patch.name} {r.patch.version}
                </Link>
              </td>
              <td>{r.state}</td>
              <td>
                <ProgressBar
                  label={`${r.patch.name} ${r.patch.version}`}
                  done={r.counts.installed}
                  failed={r.counts.failed}
                  total={r.counts.total}
                />
              </td>
              <td>{r.createdAt.replace('T', ' ').slice(0, 19)}</td>
              <td>{r.createdBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data !== undefined && list.length === 0 ? <p>No rollout yet.</p> : null}
    </section>
  );
}
