/**
 * The standard normal distribution's tail and quantile, to double precision:
 * the error function by its power series below |x| = 2.5 and the
 * complementary one by its continued fraction above, the quantile by
 * safeguarded Newton steps on that tail. (Library approximations in
 * JavaScript stop at 1e-3 to 1e-7; a p-value of 1e-9 needs more.)
 *
 * @module
 */

const sqrtPi = Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  // erf(x) = 2/√π · Σ (−1)^n x^(2n+1) / (n! (2n+1))
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / sqrtPi) * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (sqrtPi * f);
}

/**
 * The complementary error function, erfc(x) = 1 − erf(x), without the
 * cancellation for large x.
 *
 * @example
 * ```ts
 * erfc(0); // 1
 * erfc(3); // 2.209049699858544e-5
 * ```
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return x < 2.5 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

/**
 * P(Z > z) for a standard normal Z (the upper tail), accurate far into the tail.
 *
 * @example
 * ```ts
 * normalUpperTail(1.959963984540054); // 0.025
 * ```
 */
export function normalUpperTail(z: number): number {
  return erfc(z / Math.SQRT2) / 2;
}

/**
 * The standard normal density at z.
 *
 * @example
 * ```ts
 * normalDensity(0); // 0.3989422804014327
 * ```
 */
export function normalDensity(z: number): number {
  return Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/**
 * The standard normal quantile: the z with P(Z ≤ z) = p, for 0 < p < 1.
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile takes 0 < p < 1, not ${p}`);
  if (p > 0.5) return -normalQuantile(1 - p);
  // Solve P(Z > −z) … work on the lower tail: P(Z ≤ z) = normalUpperTail(−z) = p, z ≤ 0.
  let low = -40;
  let high = 0;
  let z = -Math.sqrt(-2 * Math.log(p)); // a start on the right side of the root
  for (let step = 0; step < 200; step++) {
    const cdf = normalUpperTail(-z);
    if (cdf > p) high = z;
    else low = z;
    const density = normalDensity(z);
    let next = density > 0 ? z - (cdf - p) / density : Number.NaN;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - z) <= 1e-15 * Math.max(1, Math.abs(z))) return next;
    z = next;
  }
  return z;
}
