/** Overview: the fleet, rollouts in progress, open findings, the log and its checkpoint's age. */
import type { JSX } from 'preact';
import type { QueueResponse } from '@patchcast/protocol';
import { request } from '../api/client.js';
import { rollouts, status } from '../api/endpoints.js';
import { VULN_API } from '../api/paths.js';
import { useLive } from '../live.js';
import { ageOf } from '../parts/age.js';
import { ErrorLine } from '../parts/error-line.js';
import { Link } from '../router.js';

function Tile(props: {
  label: string;
  value: string | number;
  detail?: string | undefined;
}): JSX.Element {
  return (
    <div class="tile">
      <div class="value">{props.value}</div>
      <div class="label">{props.label}</div>
      {props.detail === undefined ? null : <div class="detail">{props.detail}</div>}
    </div>
  );
}

function severityCounts(queue: QueueResponse | undefined): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of queue?.queue ?? []) {
    const key = f.cvss?.severity ?? 'unscored';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

export function Overview(): JSX.Element {
  const s = useLive(status, () => true, []);
  const r = useLive(rollouts, (e) => e.kind === 'rollout', []);
  const q = useLive(
    () => request<QueueResponse>('GET', VULN_API.queue),
    () => false,
    [],
  );
  const st = s.data;
  const active = (r.data?.rollouts ?? []).filter((x) => x.state === 'in-progress');
  const groups = q.data?.groups ?? [];
  return (
    <section>
      <h1>Overview</h1>
      <ErrorLine error={s.error} />
      {st === undefined ? null : (
        <div class="tiles">
          <Tile
            label="devices online"
            value={st.devices.online}
            detail={`of ${st.devices.total}`}
          />
          <Tile label="devices offline" value={st.devices.total - st.devices.online} />
          <Tile
            label="rollouts in progress"
            value={st.rollouts.active}
            detail={`${st.rollouts.total} in all`}
          />
          <Tile label="KEV advisories open" value={groups.filter((g) => g.kev).length} />
          <Tile label="overdue findings" value={groups.reduce((n, g) => n + g.overdue, 0)} />
          <Tile label="log entries" value={st.log.size} detail={st.log.origin} />
          <Tile
            label="checkpoint age"
            value={st.log.checkpointAt === undefined ? '–' : ageOf(st.log.checkpointAt, Date.now())}
            detail={st.log.checkpointAt?.replace('T', ' ').slice(0, 19)}
          />
        </div>
      )}
      <h2>Open findings by severity</h2>
      <ErrorLine error={q.error} />
      <ul class="counts">
        {severityCounts(q.data).map(([severity, n]) => (
          <li>
            {severity}: {n}
          </li>
        ))}
        {q.data !== undefined && q.data.queue.length === 0 ? <li>none</li> : null}
      </ul>
      <h2>Rollouts in progress</h2>
      <ul>
        {active.map((x) => (
          <li>
            <Link href={`/rollouts/${x.id}`}>
              {x.patch.name} {x.patch.version}
            </Link>{' '}
            {x.counts.installed}/{x.counts.total} installed
          </li>
        ))}
        {active.length === 0 ? <li>none</li> : null}
      </ul>
    </section>
  );
}
