/**
 * Open findings by deadline: overdue, then each of the next eight weeks, then later and without a
 * date. An SVG bar chart (no script, so the CSP holds) with the counts as text for every reader.
 */
import type { JSX } from 'preact';
import type { FindingViewRow } from '@patchcast/protocol';

const WEEK_MS = 7 * 86_400_000;
const WEEKS = 8;

export interface Bucket {
  readonly label: string;
  readonly count: number;
  readonly overdue: boolean;
}

/** Buckets the open findings by their due date as of `now`. */
export function deadlineBuckets(findings: readonly FindingViewRow[], now: number): Bucket[] {
  const counts = new Array<number>(WEEKS + 3).fill(0);
  for (const f of findings) {
    const due = f.deadline.dueDate;
    if (due === undefined) counts[WEEKS + 2] = (counts[WEEKS + 2] ?? 0) + 1;
    else {
      const week = Math.floor((Date.parse(`${due}T23:59:59Z`) - now) / WEEK_MS);
      const slot = f.overdue || week < 0 ? 0 : Math.min(WEEKS + 1, week + 1);
      counts[slot] = (counts[slot] ?? 0) + 1;
    }
  }
  const labels = [
    'overdue',
    ...Array.from({ length: WEEKS }, (_, i) => `week ${i + 1}`),
    'later',
    'no date',
  ];
  return labels.map((label, i) => ({ label, count: counts[i] ?? 0, overdue: i === 0 }));
}

export function DeadlineChart(props: { buckets: readonly Bucket[] }): JSX.Element {
  const max = Math.max(1, ...props.buckets.map((b) => b.count));
  const width = 44;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${props.buckets.length * width} 140`}
        width={props.buckets.length * width}
        height={140}
        aria-hidden="true"
      >
        {props.buckets.map((b, i) => {
          const h = Math.round((b.count / max) * 100);
          return (
            <g>
              <rect
                x={i * width + 6}
                y={110 - h}
                width={width - 12}
                height={h}
                fill={b.overdue ? '#b42318' : '#1c5fb8'}
              />
              <text x={i * width + width / 2} y={106 - h} text-anchor="middle" font-size="11">
                {b.count}
              </text>
              <text x={i * width + width / 2} y={128} text-anchor="middle" font-size="9">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        Open findings by deadline: {props.buckets.map((b) => `${b.label} ${b.count}`).join(', ')}
      </figcaption>
    </figure>
  );
}
