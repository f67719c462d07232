import { gammaSign, logGamma } from './log-gamma.js';

/** A real number held as its sign and the logarithm of its absolute value, so it never overflows. */
export interface SignedLog {
  /** ln |value|; `-Infinity` when the value is 0. */
  readonly logAbs: number;
  /** The sign of the value; 0 when the value is 0. */
  readonly sign: -1 | 0 | 1;
}

const RESCALE = 1e250;
const LOG_RESCALE = Math.log(RESCALE);
const ZERO: SignedLog = { logAbs: Number.NEGATIVE_INFINITY, sign: 0 };

function signOf(x: number): -1 | 0 | 1 {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

function addSigned(x: SignedLog, y: SignedLog): SignedLog {
  if (x.sign === 0) return y;
  if (y.sign === 0) return x;
  const high = x.logAbs >= y.logAbs ? x : y;
  const low = high === x ? y : x;
  const ratio = Math.exp(low.logAbs - high.logAbs);
  const combined = high.sign === low.sign ? 1 + ratio : 1 - ratio;
  if (combined <= 0) return ZERO;
  return { logAbs: high.logAbs + Math.log(combined), sign: high.sign };
}

/**
 * The Gauss series Σ (a)_n (b)_n / ((c)_n n!) z^n summed with rescaling so that huge
 * intermediate terms (large a and b, as with customers who bought 10^5 times) never overflow.
 */
let lastSeriesLogMaxTerm = 0;

function gaussSeries(a: number, b: number, c: number, z: number, maxTerms: number): SignedLog {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  let maxTerm = 1;
  let maxTermScale = 0;
  const done = (): void => {
    lastSeriesLogMaxTerm = maxTermScale + Math.log(maxTerm);
  };
  for (let n = 0; n < maxTerms; n += 1) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    if (term === 0) {
      done();
      return { logAbs: logScale + Math.log(Math.abs(sum)), sign: signOf(sum) };
    }
    sum += term;
    if (Math.abs(term) * Math.exp(logScale - maxTermScale) > maxTerm) {
      maxTerm = Math.abs(term);
      maxTermScale = logScale;
    }
    if (Math.abs(sum) > RESCALE || Math.abs(term) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      logScale += LOG_RESCALE;
    }
    // Once the terms shrink geometrically, the tail is bounded by term * q / (1 - q).
    const q = Math.max(Math.abs(ratio), Math.abs(z));
    if (q < 1 && n > 0 && (Math.abs(term) * q) / (1 - q) <= 1e-17 * Math.abs(sum)) {
      done();
      if (sum === 0) return ZERO;
      return { logAbs: logScale + Math.log(Math.abs(sum)), sign: signOf(sum) };
    }
  }
  throw new RangeError(
    `hypergeometric series 2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`,
  );
}

function logGammaRatio(numerators: readonly number[], denominators: readonly number[]): SignedLog {
  let logAbs = 0;
  let sign = 1;
  for (const x of numerators) {
    const s = gammaSign(x);
    if (s === 0) throw new RangeError(`Γ(${x}) is infinite`);
    sign *= s;
    logAbs += logGamma(x);
  }
  for (const x of denominators) {
    const s = gammaSign(x);
    if (s === 0) return ZERO; // 1/Γ at a pole is 0
    sign *= s;
    logAbs -= logGamma(x);
  }
  return { logAbs, sign: sign > 0 ? 1 : -1 };
}

/** Abramowitz & Stegun 15.3.6: the connection formula from z to 1 - z, valid when c - a - b is not an integer. */
function connectionFormula(a: number, b: number, c: number, z: number): SignedLog {
  const m = c - a - b;
  const w = 1 - z;
  const first = logGammaRatio([c, m], [c - a, c - b]);
  const second = logGammaRatio([c, -m], [a, b]);
  let total: SignedLog = ZERO;
  let largest = Number.NEGATIVE_INFINITY;
  if (first.sign !== 0) {
    const f = gaussSeries(a, b, 1 - m, w, 10_000_000);
    largest = Math.max(largest, first.logAbs + lastSeriesLogMaxTerm);
    total = addSigned(total, { logAbs: first.logAbs + f.logAbs, sign: (first.sign * f.sign) as -1 | 0 | 1 });
  }
  if (second.sign !== 0) {
    const f = gaussSeries(c - a, c - b, m + 1, w, 10_000_000);
    largest = Math.max(largest, second.logAbs + m * Math.log(w) + lastSeriesLogMaxTerm);
    total = addSigned(total, {
      logAbs: second.logAbs + m * Math.log(w) + f.logAbs,
      sign: (second.sign * f.sign) as -1 | 0 | 1,
    });
  }
  lastConnectionLoss = largest - total.logAbs;
  return total;
}

/** Natural log of the cancellation factor of the last connection-formula evaluation. */
let lastConnectionLoss = 0;
const MAX_LOSS = Math.log(1e5);

const NEAR_INTEGER = 1e-3;
const INTERPOLATION_STEP = 5e-3;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for real parameters and 0 ≤ z < 1, as a
 * signed logarithm so that values far beyond the double range stay usable.
 *
 * Strategy: for z ≤ 0.75, or whenever it needs fewer than about 5,000 terms, the Gauss series is
 * summed directly (with rescaling, so parameters of 10^5 and more work; with positive parameters
 * every term is positive, so nothing cancels). Otherwise the connection formula (Abramowitz &
 * Stegun 15.3.6) maps the problem to 1 - z; if its two halves cancel (more than 5 digits lost) the
 * long series is summed after all. When c - a - b is within 1e-3 of an
 * integer that formula degenerates; then the direct series is used when it needs fewer than about 10^6 terms, and otherwise the
 * value (or its logarithm) is interpolated (cubic, in c) from four neighbouring c where the formula is well
 * conditioned. Throws `RangeError` for z outside [0, 1), for c a non-positive integer, and if a
 * series fails to converge.
 *
 * @example
 * ```ts
 * const { logAbs, sign } = hyp2f1Log(1, 1, 2, 0.5); // 2F1(1,1;2;z) = -ln(1-z)/z
 * sign * Math.exp(logAbs); // 1.3862943611198906
 * ```
 */
export function hyp2f1Log(a: number, b: number, c: number, z: number): SignedLog {
  if (![a, b, c, z].every(Number.isFinite)) throw new RangeError('2F1 parameters must be finite numbers');
  if (!(z >= 0 && z < 1)) throw new RangeError(`2F1 is implemented for 0 ≤ z < 1, got z = ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`2F1 is undefined for c = ${c}`);
  if (z === 0 || a === 0 || b === 0) return { logAbs: 0, sign: 1 };
  if (z <= 0.75) return gaussSeries(a, b, c, z, 10_000_000);
  // Rough number of series terms: the terms grow until n ≈ max(a, b) z / (1 - z), then decay like z^n.
  // With positive parameters every term is positive, so the series is perfectly conditioned: use it
  // whenever it is affordable.
  const seriesCost = (Math.max(Math.abs(a), Math.abs(b)) * z + 40) / (1 - z);
  if (seriesCost < 5e3) return gaussSeries(a, b, c, z, 10_000_000);
  const m = c - a - b;
  const offset = m - Math.round(m);
  if (Math.abs(offset) > NEAR_INTEGER) {
    const viaConnection = connectionFormula(a, b, c, z);
    // The two halves of the connection formula can cancel badly (large |c - a - b| with large b);
    // then pay for the long series instead.
    if (lastConnectionLoss < MAX_LOSS || seriesCost > 1e8) return viaConnection;
    return gaussSeries(a, b, c, z, 200_000_000);
  }
  if (seriesCost < 1e6) return gaussSeries(a, b, c, z, 10_000_000);
  // Cubic Lagrange interpolation in c through c0 ± h, c0 ± 2h, with c0 the degenerate point.
  const c0 = c - offset;
  const h = INTERPOLATION_STEP;
  const nodes = [-2 * h, -h, h, 2 * h];
  const weights = nodes.map((xi, i) => {
    let weight = 1;
    nodes.forEach((xj, j) => {
      if (j !== i) weight *= (offset - xj) / (xi - xj);
    });
    return weight;
  });
  const values = nodes.map((xi) => connectionFormula(a, b, c0 + xi, z));
  const sign = values[0]?.sign ?? 0;
  if (sign !== 0 && values.every((v) => v.sign === sign)) {
    // Same sign throughout: interpolate the logarithm, which cannot overflow.
    let logAbs = 0;
    values.forEach((v, i) => {
      logAbs += (weights[i] as number) * v.logAbs;
    });
    return { logAbs, sign };
  }
  let value = 0;
  values.forEach((v, i) => {
    value += (weights[i] as number) * v.sign * Math.exp(v.logAbs);
  });
  if (!Number.isFinite(value)) throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) is out of range`);
  return value === 0 ? ZERO : { logAbs: Math.log(Math.abs(value)), sign: signOf(value) };
}

/**
 * ln 2F1(a, b; c; z) for 0 ≤ z < 1 when the value is positive (always so for a, b, c > 0).
 * Throws `RangeError` if it is not. See {@link hyp2f1Log} for the method.
 *
 * @example
 * ```ts
 * logHyp2f1(0.5, 1, 1.5, 0.25); // ln(atanh(0.5) / 0.5) = 0.09405...
 * ```
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  const result = hyp2f1Log(a, b, c, z);
  if (result.sign !== 1) throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) is not positive`);
  return result.logAbs;
}

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1 as a plain number (may be
 * `Infinity` when the value exceeds the double range; use {@link hyp2f1Log} then).
 *
 * @example
 * ```ts
 * hyp2f1(1, 1, 2, 0.5); // 1.3862943611198906 = -ln(0.5)/0.5
 * ```
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const result = hyp2f1Log(a, b, c, z);
  return result.sign * Math.exp(result.logAbs);
}
