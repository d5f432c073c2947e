/** One clock for every process of a benchmark: wall time with sub-millisecond resolution. */
export function sharedNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
