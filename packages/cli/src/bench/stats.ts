/** Order statistics over a sample (nearest-rank percentiles). */
export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Rounds for presentation: three significant decimals at most. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function ratio(value: number, base: number): number | null {
  return Number.isFinite(value) && Number.isFinite(base) && base > 0 ? round(value / base) : null;
}

/** Rounded, or null for a figure that could not be measured (no samples). */
export function figure(value: number, decimals = 2): number | null {
  return Number.isFinite(value) ? round(value, decimals) : null;
}
