/** Mid-ranks of a combined sample and the tie groups' sizes. */
export interface RankedSample {
  /** Sum of the mid-ranks of the first sample's values. */
  readonly firstRankSum: number;
  /** Sizes of the groups of equal values that have more than one member. */
  readonly ties: readonly number[];
}

export function rankFirstSample(first: readonly number[], second: readonly number[]): RankedSample {
  const tagged = [
    ...first.map((value) => ({ value, first: true })),
    ...second.map((value) => ({ value, first: false })),
  ].sort((p, q) => p.value - q.value);
  let firstRankSum = 0;
  const ties: number[] = [];
  let start = 0;
  while (start < tagged.length) {
    let end = start + 1;
    while (end < tagged.length && tagged[end]?.value === tagged[start]?.value) end += 1;
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i += 1) if (tagged[i]?.first === true) firstRankSum += midRank;
    if (end - start > 1) ties.push(end - start);
    start = end;
  }
  return { firstRankSum, ties };
}
