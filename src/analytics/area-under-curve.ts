/**
 * The area under the ROC curve of `scores` against binary `outcomes`: the probability that a
 * randomly chosen positive scores higher than a randomly chosen negative, ties counting one half
 * (the Mann-Whitney statistic, O(n log n)). `NaN` when either class is empty.
 *
 * @example
 * ```ts
 * areaUnderCurve([0.9, 0.8, 0.3, 0.1], [true, false, true, false]); // 0.75
 * ```
 */
export function areaUnderCurve(scores: readonly number[], outcomes: readonly boolean[]): number {
  const n = Math.min(scores.length, outcomes.length);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (scores[i] as number) - (scores[j] as number));
  let positives = 0;
  let rankSumPositives = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j += 1;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) {
      if (outcomes[order[k] as number]) {
        positives += 1;
        rankSumPositives += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
