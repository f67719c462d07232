/**
 * The median of `values` (the mean of the two middle values for an even
 * count), or `undefined` for none.
 *
 * @example
 * ```ts
 * median([30, 10, 20, 40]); // 25
 * ```
 */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) by nearest rank: the smallest value
 * with at least p % of the values at or below it; `undefined` for none.
 *
 * @example
 * ```ts
 * nearestRankPercentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90); // 90
 * ```
 */
export function nearestRankPercentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
