import type { PurchaseEvent } from '../../src/analytics/index.js';

/**
 * Synthetic BG/NBD customers for the analytics benchmarks: r = 0.5, alpha = 20
 * days, a = 1.5, b = 4, first purchases spread over two years from 2023-01-01,
 * amounts in cents. Deterministic: one Lehmer generator per process, so the
 * same calls give the same purchases on every run.
 */
let seed = 12345;
const uniform = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};

/** A Gamma(shape, 1) draw (Marsaglia and Tsang). */
function gamma(shape: number): number {
  if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const n = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const v = (1 + c * n) ** 3;
    if (v > 0 && Math.log(uniform()) < 0.5 * n * n + d - d * v + d * Math.log(v)) return d * v;
  }
}

const day = 86_400_000;

/** The first instant of the synthetic timeline. */
export const syntheticStart = Date.UTC(2023, 0, 1);

/** The end of observation: two years after {@link syntheticStart}. */
export const syntheticObservationEnd = new Date(syntheticStart + 730 * day);

/**
 * The purchases of customers number `from` to `to - 1` (ids `c0000000`…).
 *
 * @example
 * ```ts
 * summarizer.add(syntheticPurchases(0, 10_000));
 * ```
 */
export function syntheticPurchases(from: number, to: number): PurchaseEvent[] {
  const batch: PurchaseEvent[] = [];
  for (let k = from; k < to; k += 1) {
    const lambda = gamma(0.5) / 20;
    const ga = gamma(1.5);
    const dropout = ga / (ga + gamma(4));
    const id = `c${String(k).padStart(7, '0')}`;
    let when = Math.floor(uniform() * 700);
    for (let purchases = 1; ; purchases += 1) {
      batch.push({ customerId: id, occurredAt: new Date(syntheticStart + when * day + Math.floor(uniform() * day)), amount: 500 + Math.floor(gamma(2) * 5000) });
      if (purchases > 1 && uniform() < dropout) break; // dropout after each repeat purchase
      when += -Math.log(uniform()) / lambda;
      if (when >= 730) break;
    }
  }
  return batch;
}
