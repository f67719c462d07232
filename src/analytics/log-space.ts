/**
 * ln(e^a + e^b) without overflow or underflow.
 *
 * @example
 * ```ts
 * logAddExp(1000, 1000); // 1000 + ln 2
 * ```
 */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const high = Math.max(a, b);
  return high + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * ln(e^a - e^b) for a ≥ b; `-Infinity` when a ≤ b (the difference would be zero or negative, as
 * happens with rounding when both are equal in exact arithmetic).
 *
 * @example
 * ```ts
 * logSubExp(Math.log(3), Math.log(1)); // ln 2
 * ```
 */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (!(a > b)) return Number.NEGATIVE_INFINITY;
  const d = b - a;
  // ln(1 - e^d), d < 0, accurate both for tiny and large |d|.
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/**
 * The logistic function 1 / (1 + e^-x), computed without overflow for any finite x.
 *
 * @example
 * ```ts
 * logistic(0); // 0.5
 * logistic(-800); // 0 (never NaN)
 * ```
 */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
