import { assertCount, assertNonNegative, assertPositiveParameters, assertRfm, checkRfm, IssueList, type RfmObservation } from './analytics-validation.js';
import { hyp2f1Log } from './hypergeometric.js';
import { logBeta, logGamma } from './log-gamma.js';
import { logAddExp, logistic } from './log-space.js';
import { digamma } from './digamma.js';
import { fitRfmLikelihood, type FitOptions, type FitStatistics } from './maximum-likelihood.js';
import { logNbdProbability, nbdTailProbability } from './negative-binomial.js';

/** The BG/NBD parameters in the order the literature prints them. */
export const bgNbdParameterNames = ['r', 'alpha', 'a', 'b'] as const;

/** One of {@link bgNbdParameterNames}. */
export type BgNbdParameterName = (typeof bgNbdParameterNames)[number];

/**
 * BG/NBD parameters: purchase rates are gamma(r, alpha) across customers; after each repeat
 * purchase a customer drops out with probability p, p ~ beta(a, b). Also the parameters of the
 * modified BG/NBD.
 */
export type BgNbdParameters = Readonly<Record<BgNbdParameterName, number>>;

/** A fitted BG/NBD model: the parameters plus fit statistics. */
export interface BgNbdFit extends FitStatistics<BgNbdParameters> {
  /** Which model this is. */
  readonly kind: 'bg-nbd';
}

const POLE_WIDTH = 1e-4;

/**
 * Evaluates `compute(a)` for a closed form that is smooth in `a` but has removable singularities
 * at the given points (1/(a - 1) factors, or 2F1 with its c parameter at 0, -1, ...): within 1e-4
 * of such a point it interpolates linearly between the point ± 1e-4, where the closed form is still
 * well conditioned (error about 1e-8 relative). Internal.
 */
export function acrossPoles(a: number, poles: readonly number[], compute: (a: number) => number): number {
  for (const pole of poles) {
    if (Math.abs(a - pole) < POLE_WIDTH) {
      const low = compute(pole - POLE_WIDTH);
      const high = compute(pole + POLE_WIDTH);
      return low + ((high - low) * (a - (pole - POLE_WIDTH))) / (2 * POLE_WIDTH);
    }
  }
  return compute(a);
}

/**
 * The values of `a` near which 2F1(·, ·; a + shift; z) has c at a non-positive integer
 * (a + shift ∈ {0, -1, -2, ...}), for a > 0. Internal.
 */
export function cPoles(shift: number): number[] {
  const poles: number[] = [];
  for (let k = 0; -k - shift > -POLE_WIDTH && poles.length < 64; k += 1) poles.push(-k - shift);
  return poles;
}

/** 1 - e^shift × 2F1(a, b; c; z), with a 2F1 of either sign (c may be negative). Internal. */
export function oneMinusScaledHyp2f1(shift: number, a: number, b: number, c: number, z: number): number {
  const f = hyp2f1Log(a, b, c, z);
  if (f.sign === 0) return 1;
  const e = shift + f.logAbs;
  return f.sign > 0 ? -Math.expm1(e) : 1 + Math.exp(e);
}

function bgNbdLogLikelihoodUnchecked(p: BgNbdParameters, c: RfmObservation): number {
  const { r, alpha, a, b } = p;
  const x = c.frequency;
  const head = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const common = logGamma(a + b) - logGamma(b) - logGamma(a + b + x);
  const stillAlive = common + logGamma(b + x) - (r + x) * Math.log(alpha + c.T);
  if (x === 0) return head + stillAlive;
  const droppedOut = common + Math.log(a) + logGamma(b + x - 1) - (r + x) * Math.log(alpha + c.recency);
  return head + logAddExp(stillAlive, droppedOut);
}

/** The BG/NBD log-likelihood of one customer and its gradient in (r, alpha, a, b). */
function bgNbdLogLikelihoodGradient(p: BgNbdParameters, c: RfmObservation, gradient: number[]): number {
  const { r, alpha, a, b } = p;
  const x = c.frequency;
  const psiAB = digamma(a + b);
  const psiABX = digamma(a + b + x);
  const commonA = psiAB - psiABX;
  const commonB = psiAB - digamma(b) - psiABX;
  const head = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const common = logGamma(a + b) - logGamma(b) - logGamma(a + b + x);
  const logAgeScale = Math.log(alpha + c.T);
  const stillAlive = common + logGamma(b + x) - (r + x) * logAgeScale;
  let dr = digamma(r + x) - digamma(r) + Math.log(alpha);
  let dAlpha = r / alpha;
  if (x === 0) {
    gradient[0] = dr - logAgeScale;
    gradient[1] = dAlpha - (r + x) / (alpha + c.T);
    gradient[2] = commonA;
    gradient[3] = commonB + digamma(b + x);
    return head + stillAlive;
  }
  const logRecencyScale = Math.log(alpha + c.recency);
  const droppedOut = common + Math.log(a) + logGamma(b + x - 1) - (r + x) * logRecencyScale;
  const total = logAddExp(stillAlive, droppedOut);
  const wAlive = Math.exp(stillAlive - total);
  const wDropped = Math.exp(droppedOut - total);
  dr += -wAlive * logAgeScale - wDropped * logRecencyScale;
  dAlpha += -(r + x) * (wAlive / (alpha + c.T) + wDropped / (alpha + c.recency));
  gradient[0] = dr;
  gradient[1] = dAlpha;
  gradient[2] = commonA + wDropped / a;
  gradient[3] = commonB + wAlive * digamma(b + x) + wDropped * digamma(b + x - 1);
  return head + total;
}

/**
 * The BG/NBD log-likelihood of one customer's (x, t_x, T) (Fader, Hardie & Lee 2005, eq. 6),
 * computed in log space with log-gamma so that large frequencies neither overflow nor lose
 * precision.
 *
 * @example
 * ```ts
 * bgNbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export function bgNbdLogLikelihood(params: BgNbdParameters, customer: RfmObservation): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertRfm(customer);
  return bgNbdLogLikelihoodUnchecked(params, customer);
}

/**
 * Validates every row, throwing one `ValidationError` listing all problems (paths are
 * `[index, field]`). Internal helper shared by the fits.
 */
export function assertRfmRows(customers: readonly RfmObservation[]): void {
  const issues = new IssueList();
  if (!Array.isArray(customers)) {
    issues.add('empty_input', [], 'customers must be an array');
  } else {
    customers.forEach((c, i) => {
      if (issues.issues.length < 100) checkRfm(c, [i], issues);
    });
  }
  issues.throwIfAny('Invalid customer summaries');
}

/**
 * Fits the BG/NBD model by maximum likelihood (Nelder-Mead over log-parameters, optional L2
 * penalty, standard errors from the numerical Hessian). Rows with identical (x, t_x, T) are
 * evaluated once.
 *
 * @example
 * ```ts
 * const fit = fitBgNbd(cdnowRows);
 * fit.params; // { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } on the CDNOW summary
 * fit.logLikelihood; // -9582.43
 * ```
 */
export function fitBgNbd(customers: readonly RfmObservation[], options: FitOptions<BgNbdParameters> = {}): BgNbdFit {
  assertRfmRows(customers);
  const fit = fitRfmLikelihood(bgNbdParameterNames, customers, { r: 1, alpha: meanT(customers), a: 1, b: 1 }, bgNbdLogLikelihoodUnchecked, options, bgNbdLogLikelihoodGradient);
  return { kind: 'bg-nbd', ...fit };
}

/** The mean age, a scale-aware starting value for alpha. */
export function meanT(customers: readonly RfmObservation[]): number {
  let sum = 0;
  for (const c of customers) sum += c.T;
  const mean = customers.length > 0 ? sum / customers.length : 1;
  return mean > 0 ? mean : 1;
}

function bgNbdAliveLogOdds(p: BgNbdParameters, c: RfmObservation): number {
  // ln of a/(b+x-1) ((α+T)/(α+t_x))^(r+x): the odds of "dropped out after the last purchase".
  const x = c.frequency;
  return Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.recency));
}

/**
 * P(alive | x, t_x, T) under the BG/NBD model (Fader, Hardie & Lee 2005, eq. 11). Customers with
 * no repeat purchase are alive with probability 1 by the model's construction (they cannot have
 * dropped out before a repeat purchase); use the modified BG/NBD if that matters.
 *
 * @example
 * ```ts
 * bgNbdProbabilityAlive(params, { frequency: 2, recency: 30.43, T: 38.86 }); // ≈ 0.93
 * ```
 */
export function bgNbdProbabilityAlive(params: BgNbdParameters, customer: RfmObservation): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertRfm(customer);
  return bgNbdProbabilityAliveUnchecked(params, customer);
}

/** {@link bgNbdProbabilityAlive} without validation. Internal. */
export function bgNbdProbabilityAliveUnchecked(params: BgNbdParameters, customer: RfmObservation): number {
  if (customer.frequency === 0) return 1;
  return logistic(-bgNbdAliveLogOdds(params, customer));
}

/**
 * E[X(T, T+t) | x, t_x, T]: expected repeat purchases in the next `t` time units given the
 * customer's history (Fader, Hardie & Lee 2005, eq. 10), using the Gaussian hypergeometric
 * function in log space. Finite for any horizon, any frequency and any a (the removable
 * singularity at a = 1 is bridged).
 *
 * @example
 * ```ts
 * bgNbdExpectedPurchases(params, { frequency: 2, recency: 30.43, T: 38.86 }, 39); // ≈ 1.226 on CDNOW
 * ```
 */
export function bgNbdExpectedPurchases(params: BgNbdParameters, customer: RfmObservation, t: number): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertRfm(customer);
  assertNonNegative(t, 't');
  return bgNbdExpectedPurchasesUnchecked(params, customer, t);
}

/** {@link bgNbdExpectedPurchases} without validation, for inner loops. Internal. */
export function bgNbdExpectedPurchasesUnchecked(params: BgNbdParameters, customer: RfmObservation, t: number): number {
  if (t === 0) return 0;
  const { r, alpha, b } = params;
  const x = customer.frequency;
  const T = customer.T;
  const pAlive = x === 0 ? 1 : logistic(-bgNbdAliveLogOdds(params, customer));
  if (pAlive === 0) return 0;
  const z = t / (alpha + T + t);
  const shrink = -(r + x) * Math.log1p(t / (alpha + T)); // ln(((α+T)/(α+T+t))^(r+x))
  return acrossPoles(params.a, [1, ...cPoles(b + x - 1)], (a) => {
    const bracket = oneMinusScaledHyp2f1(shrink, r + x, b + x, a + b + x - 1, z);
    return Math.max(0, ((a + b + x - 1) / (a - 1)) * bracket * pAlive);
  });
}

/**
 * E[X(t)]: expected repeat purchases in a period of length `t` after the first purchase, for a
 * randomly chosen customer (Fader, Hardie & Lee 2005, eq. 9).
 *
 * @example
 * ```ts
 * bgNbdExpectedPurchasesUnconditional(params, 78); // ≈ 1.8576 on CDNOW
 * ```
 */
export function bgNbdExpectedPurchasesUnconditional(params: BgNbdParameters, t: number): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertNonNegative(t, 't');
  if (t === 0) return 0;
  const { r, alpha, b } = params;
  const shrink = -r * Math.log1p(t / alpha);
  const z = t / (alpha + t);
  return acrossPoles(params.a, [1, ...cPoles(b - 1)], (a) => {
    const bracket = oneMinusScaledHyp2f1(shrink, r, b, a + b - 1, z);
    return Math.max(0, ((a + b - 1) / (a - 1)) * bracket);
  });
}

/**
 * P(X(t) = x): the probability that a randomly chosen customer makes exactly `x` repeat purchases
 * in a period of length `t` after the first (Fader, Hardie & Lee 2005, eq. 8).
 *
 * @example
 * ```ts
 * bgNbdPurchaseProbability(params, 39, 0); // share of customers with no repeat purchase in 39 weeks
 * ```
 */
export function bgNbdPurchaseProbability(params: BgNbdParameters, t: number, x: number): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertNonNegative(t, 't');
  assertCount(x, 'x');
  const { r, alpha, a, b } = params;
  const base = logBeta(a, b);
  const first = Math.exp(logBeta(a, b + x) - base + logNbdProbability(r, alpha, t, x));
  if (x === 0) return first;
  const second = Math.exp(logBeta(a + 1, b + x - 1) - base) * nbdTailProbability(r, alpha, t, x);
  return first + second;
}
