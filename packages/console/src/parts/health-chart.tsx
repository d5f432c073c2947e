/**
 * A health metric of a wave's devices (the canary: the last judged wave, or the current one)
 * against the devices the judge compared them with (the control: devices outside that wave and
 * every earlier one), as quantile curves: each cohort's values sorted, over 0-100 % of its
 * devices, as last reported. uPlot draws on a canvas; the caption says it in words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RolloutProgress } from '@patchcast/protocol';

type Cohorts = { canary: number[]; control: number[] };

/** The 1-based wave whose canary is shown: the last one judged, else the current one. */
function canaryWave(progress: RolloutProgress): number {
  const judged = progress.waves.map((w, i) => (w.verdict === null ? 0 : i + 1));
  return Math.max(0, ...judged) || progress.wave;
}

function cohorts(progress: RolloutProgress, metric: string): Cohorts {
  const out: Cohorts = { canary: [], control: [] };
  const wave = canaryWave(progress);
  for (const d of progress.devices) {
    const value = d.health?.metrics[metric];
    if (value === undefined) continue;
    if (d.wave === wave) out.canary.push(value);
    else if (d.wave === null || d.wave > wave) out.control.push(value);
  }
  out.canary.sort((a, b) => a - b);
  out.control.sort((a, b) => a - b);
  return out;
}

/** Both cohorts on one x axis of 101 quantiles (nearest rank). */
function quantiles(values: number[]): (number | null)[] {
  if (values.length === 0) return Array.from({ length: 101 }, () => null);
  return Array.from({ length: 101 }, (_, q) => {
    const rank = Math.min(values.length - 1, Math.ceil((q / 100) * values.length) - 1);
    return values[Math.max(0, rank)] ?? null;
  });
}

function median(values: number[]): string {
  return values.length === 0 ? '–' : String(values[Math.floor((values.length - 1) / 2)]);
}

export function HealthChart(props: { progress: RolloutProgress }): JSX.Element {
  const metrics = [
    ...new Set(props.progress.devices.flatMap((d) => Object.keys(d.health?.metrics ?? {}))),
  ].sort();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const metric = chosen ?? metrics[0];
  const box = useRef<HTMLDivElement>(null);
  const data = metric === undefined ? undefined : cohorts(props.progress, metric);
  useEffect(() => {
    if (box.current === null || data === undefined) return;
    const x = Array.from({ length: 101 }, (_, q) => q);
    const plot = new uPlot(
      {
        width: Math.min(720, box.current.clientWidth || 720),
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: '% of devices' }, { label: metric }],
        series: [
          {},
          { label: 'canary', stroke: '#d9480f', width: 2 },
          { label: 'control', stroke: '#1864ab', width: 2 },
        ],
      },
      [x, quantiles(data.canary), quantiles(data.control)],
      box.current,
    );
    return () => plot.destroy();
  }, [metric, JSON.stringify(data)]);
  if (metric === undefined || data === undefined) return <p>No health metrics reported yet.</p>;
  return (
    <figure class="chart">
      <label for="metric">Metric</label>{' '}
      <select id="metric" value={metric} onChange={(e) => setChosen(e.currentTarget.value)}>
        {metrics.map((m) => (
          <option value={m}>{m}</option>
        ))}
      </select>
      <div ref={box} aria-hidden="true" />
      <figcaption>
        {metric}: canary median {median(data.canary)} ({data.canary.length} devices), control median{' '}
        {median(data.control)} ({data.control.length} devices)
      </figcaption>
    </figure>
  );
}
