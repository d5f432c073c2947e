/** A labelled progress bar (role=progressbar, so screen readers and tests read its value). */
import type { JSX } from 'preact';

export function ProgressBar(props: {
  readonly label: string;
  readonly done: number;
  readonly failed: number;
  readonly total: number;
}): JSX.Element {
  const { done, failed, total } = props;
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  const failedPercent = total === 0 ? 0 : Math.round((failed / total) * 100);
  return (
    <div
      class="progress"
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}% (${done} of ${total}, ${failed} failed)`}
    >
      <span class="done" style={{ width: `${percent}%` }} />
      <span class="failed" style={{ width: `${failedPercent}%` }} />
      <span class="text">
        {percent}% · {done}/{total}
        {failed > 0 ? ` · ${failed} failed` : ''}
      </span>
    </div>
  );
}
