/**
 * The attribution models `crm.campaigns.report` splits revenue by:
 *
 * - `first_touch` / `last_touch`: all of it to the first or the last touch;
 * - `linear`: equal shares;
 * - `time_decay`: shares halving with every half-life (default 7 days) between touch and purchase;
 * - `u_shaped`: 40 % each to the first and the last touch, 20 % shared by those between
 *   (one touch: all; two: half each);
 * - `w_shaped`: 30 % each to the first, the middle (at index ⌊n / 2⌋) and the last touch,
 *   10 % shared by the others (one touch: all; two: half each; three: a third each).
 *
 * @example
 * ```ts
 * attributionWeights('u_shaped', [d1, d2, d3, d4], purchasedAt); // [0.4, 0.1, 0.1, 0.4]
 * ```
 */
export const attributionModels = ['first_touch', 'last_touch', 'linear', 'time_decay', 'u_shaped', 'w_shaped'] as const;

/**
 * One of {@link attributionModels}.
 *
 * @example
 * ```ts
 * const model: AttributionModel = 'time_decay';
 * ```
 */
export type AttributionModel = (typeof attributionModels)[number];

/**
 * Options of {@link attributionWeights}.
 *
 * @example
 * ```ts
 * attributionWeights('time_decay', touches, at, { halfLifeDays: 3 });
 * ```
 */
export interface AttributionWeightOptions {
  /** The half-life of `time_decay`, in days. Default 7. */
  readonly halfLifeDays?: number;
}

const dayMs = 86_400_000;

function shares(count: number, ends: readonly number[], endShare: number): number[] {
  const rest = count - ends.length;
  const restShare = rest > 0 ? (1 - endShare * ends.length) / rest : 0;
  const weights = Array.from({ length: count }, () => restShare);
  const endWeight = rest > 0 ? endShare : 1 / ends.length;
  for (const index of ends) weights[index] = endWeight;
  return weights;
}

/**
 * The share of a purchase each touch earns under `model`, for touches sorted
 * oldest first that all precede the purchase. The shares sum to 1; no touches
 * give an empty list.
 *
 * @example
 * ```ts
 * attributionWeights('linear', [monday, wednesday], friday); // [0.5, 0.5]
 * attributionWeights('time_decay', [twoWeeksBefore, oneWeekBefore], purchasedAt); // [1/3, 2/3]
 * ```
 */
export function attributionWeights(model: AttributionModel, touches: readonly Date[], purchasedAt: Date, options: AttributionWeightOptions = {}): number[] {
  const n = touches.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  switch (model) {
    case 'first_touch':
      return touches.map((_, index) => (index === 0 ? 1 : 0));
    case 'last_touch':
      return touches.map((_, index) => (index === n - 1 ? 1 : 0));
    case 'linear':
      return touches.map(() => 1 / n);
    case 'time_decay': {
      const halfLife = (options.halfLifeDays ?? 7) * dayMs;
      const raw = touches.map((at) => 2 ** (-(purchasedAt.getTime() - at.getTime()) / halfLife));
      const total = raw.reduce((sum, weight) => sum + weight, 0);
      return raw.map((weight) => weight / total);
    }
    case 'u_shaped':
      return shares(n, [0, n - 1], 0.4);
    case 'w_shaped':
      return n === 2 ? [0.5, 0.5] : shares(n, [0, Math.floor(n / 2), n - 1], 0.3);
  }
}

/**
 * Splits a whole amount (minor units) by weights into whole amounts that sum
 * to it exactly: each gets the floor of its share, and the units left over go
 * to the largest remainders (ties to the earlier weight).
 *
 * @example
 * ```ts
 * splitAmount(100, [1 / 3, 1 / 3, 1 / 3]); // [34, 33, 33]
 * ```
 */
export function splitAmount(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (weights.length === 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (amount * weight) / total);
  const parts = exact.map((value) => Math.floor(value));
  let left = amount - parts.reduce((sum, part) => sum + part, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - parts[index]! })).sort((x, y) => y.remainder - x.remainder || x.index - y.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}
