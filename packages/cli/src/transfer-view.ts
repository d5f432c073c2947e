/**
 * The bytes a device downloaded for an install and the bytes a delta spared it
 * (`downloadBytes`, `savedBytes` in a report's timings: docs/protocol/delta.md), for the views of
 * `rollout status` and `devices show`.
 */
type Timings = Readonly<Record<string, number>> | null | undefined;

export const TRANSFER_HEADERS = ['BYTES', 'SAVED'] as const;

export function transferCells(timings: Timings): string[] {
  return (['downloadBytes', 'savedBytes'] as const).map((key) => {
    const value = timings?.[key];
    return value === undefined ? '-' : formatBytes(value);
  });
}

/** One line of totals over the devices that reported bytes; none when no device did. */
export function transferLines(devices: readonly { readonly timings?: Timings }[]): string[] {
  const reported = devices.filter((d) => d.timings?.downloadBytes !== undefined);
  if (reported.length === 0) return [];
  const sum = (key: string) => reported.reduce((total, d) => total + (d.timings?.[key] ?? 0), 0);
  const viaDelta = reported.filter((d) => (d.timings?.savedBytes ?? 0) > 0).length;
  return [
    `transfer: ${formatBytes(sum('downloadBytes'))} downloaded, ${formatBytes(sum('savedBytes'))} saved by deltas (${viaDelta} of ${reported.length} device(s) through a delta)`,
  ];
}

/** Exact bytes below 10 kB (as reported), else kB / MB with one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 10_000) return `${bytes} B`;
  if (bytes < 10_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
