/**
 * One rollout, live: its waves with a progress bar each, the canary verdicts with their p-values,
 * the health metric of canary vs control, the decision timeline, and the actions the role may take.
 */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { Role, RolloutAction, RolloutProgress, WaveProgress } from '@patchcast/protocol';
import { can, rolloutAction, rolloutProgress } from '../api/endpoints.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { ProgressBar } from '../parts/progress-bar.js';
import { HealthChart } from '../parts/health-chart.js';
import { Link } from '../router.js';

const ACTIONS: readonly RolloutAction[] = ['approve', 'pause', 'resume', 'abort', 'rollback'];

function Verdict(props: { wave: WaveProgress }): JSX.Element | null {
  const v = props.wave.verdict;
  if (v === null) return null;
  return (
    <details>
      <summary>
        verdict: <strong>{v.verdict}</strong> (α per comparison{' '}
        {v.alphaPerComparison.toPrecision(2)})
      </summary>
      <ul>
        {v.findings.map((f) => (
          <li>
            {f.subject}: {f.outcome}, p = {f.p === null ? '–' : f.p.toPrecision(3)}, effect ={' '}
            {f.effect === null ? '–' : f.effect.toPrecision(3)} ({f.reason})
          </li>
        ))}
      </ul>
    </details>
  );
}

function Waves(props: { progress: RolloutProgress }): JSX.Element {
  return (
    <ol class="waves">
      {props.progress.waves.map((w, i) => (
        <li class={i + 1 === props.progress.wave ? 'current' : undefined}>
          <h3>
            Wave {i + 1}: {w.name}
          </h3>
          <ProgressBar
            label={`wave ${i + 1}`}
            done={w.succeeded}
            failed={w.failed}
            total={w.devices}
          />
          <p class="detail">
            {w.notified} notified · control {w.controlReports}/{w.control}
            {w.bakeUntil === null ? '' : ` · bakes until ${w.bakeUntil.slice(11, 19)}`}
          </p>
          <Verdict wave={w} />
        </li>
      ))}
    </ol>
  );
}

function Actions(props: {
  progress: RolloutProgress;
  role: Role;
  onDone: () => void;
}): JSX.Element | null {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  if (!can(props.role, 'operator')) return null;
  const allowed = new Set(props.progress.allowed);
  const act = (action: RolloutAction): void => {
    if ((action === 'abort' || action === 'rollback') && !confirm(`${action} this rollout?`))
      return;
    setBusy(true);
    rolloutAction(props.progress.id, action).then(
      () => (setError(undefined), setBusy(false), props.onDone()),
      (e: unknown) => (setError(e), setBusy(false)),
    );
  };
  return (
    <div class="actions">
      {ACTIONS.filter((a) => allowed.has(a)).map((a) => (
        <button type="button" disabled={busy} onClick={() => act(a)}>
          {a[0]?.toUpperCase()}
          {a.slice(1)}
        </button>
      ))}
      <ErrorLine error={error} />
    </div>
  );
}

export function RolloutPage(props: { id: string; role: Role }): JSX.Element {
  const {
    data: p,
    error,
    reload,
  } = useLive(
    () => rolloutProgress(props.id),
    (e) => e.kind === 'rollout' && e.id === props.id,
    [props.id],
  );
  const total = p?.devices.length ?? 0;
  const done = p?.devices.filter((d) => d.state === 'installed').length ?? 0;
  const failed = p?.devices.filter((d) => d.state === 'failed').length ?? 0;
  return (
    <section>
      <p>
        <Link href="/rollouts">← Rollouts</Link>
      </p>
      <ErrorLine error={error} />
      {p === undefined ? null : (
        <>
          <h1>
            {p.patch.name} {p.patch.version}
          </h1>
          <p class="state">
            <strong>{p.state}</strong> · {p.phase} · wave {p.wave} of {p.waves.length}
            {p.expedited ? ' · expedited' : ''}
          </p>
          <ProgressBar label="rollout" done={done} failed={failed} total={total} />
          <Actions progress={p} role={props.role} onDone={reload} />
          <h2>Waves</h2>
          <Waves progress={p} />
          <h2>Health: canary vs control</h2>
          <HealthChart progress={p} />
          <h2>Decisions</h2>
          <ol class="timeline">
            {p.decisions.map((d) => (
              <li>
                <time dateTime={d.at}>{d.at.replace('T', ' ').slice(0, 19)}</time> wave {d.wave}:{' '}
                {d.event} {d.from ?? ''} → {d.to}
                {d.by === null ? '' : ` by ${d.by}`} <span class="detail">{d.detail}</span>
              </li>
            ))}
          </ol>
          <h2>Devices</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Wave</th>
                <th scope="col">State</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {p.devices.slice(0, 500).map((d) => (
                <tr>
                  <td>
                    <Link href={`/devices/${d.id}`}>{d.name}</Link>
                  </td>
                  <td>{d.wave ?? 'control'}</td>
                  <td>{d.state}</td>
                  <td>{d.error === null ? '' : `${d.error.code}: ${d.error.message}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
