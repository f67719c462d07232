import { assertCount, assertNonNegative, assertPositiveParameters, assertRfm, type RfmObservation } from './analytics-validation.js';
import { acrossPoles, oneMinusScaledHyp2f1, assertRfmRows, bgNbdParameterNames, meanT, type BgNbdParameters } from './bg-nbd.js';
import { logBeta, logGamma } from './log-gamma.js';
import { logAddExp, logistic } from './log-space.js';
import { digamma } from './digamma.js';
import { fitRfmLikelihood, type FitOptions, type FitStatistics } from './maximum-likelihood.js';
import { logNbdProbability, nbdTailProbability } from './negative-binomial.js';

/**
 * Modified BG/NBD parameters (Batislam, Denizel & Filiztekin 2007): the same four as the BG/NBD,
 * but a customer may also drop out right after the first purchase, so one-time buyers are not
 * assumed alive.
 */
export type ModifiedBgNbdParameters = BgNbdParameters;

/** A fitted modified BG/NBD model. */
export interface ModifiedBgNbdFit extends FitStatistics<ModifiedBgNbdParameters> {
  /** Which model this is. */
  readonly kind: 'modified-bg-nbd';
}

function logLikelihoodUnchecked(p: ModifiedBgNbdParameters, c: RfmObservation): number {
  const { r, alpha, a, b } = p;
  const x = c.frequency;
  const head = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const common = logGamma(a + b) - logGamma(b) - logGamma(a + b + x + 1);
  const stillAlive = common + logGamma(b + x + 1) - (r + x) * Math.log(alpha + c.T);
  const droppedOut = common + Math.log(a) + logGamma(b + x) - (r + x) * Math.log(alpha + c.recency);
  return head + logAddExp(stillAlive, droppedOut);
}

function logLikelihoodGradient(p: ModifiedBgNbdParameters, c: RfmObservation, gradient: number[]): number {
  const { r, alpha, a, b } = p;
  const x = c.frequency;
  const head = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const common = logGamma(a + b) - logGamma(b) - logGamma(a + b + x + 1);
  const logAgeScale = Math.log(alpha + c.T);
  const logRecencyScale = Math.log(alpha + c.recency);
  const stillAlive = common + logGamma(b + x + 1) - (r + x) * logAgeScale;
  const droppedOut = common + Math.log(a) + logGamma(b + x) - (r + x) * logRecencyScale;
  const total = logAddExp(stillAlive, droppedOut);
  const wAlive = Math.exp(stillAlive - total);
  const wDropped = Math.exp(droppedOut - total);
  const psiAB = digamma(a + b);
  const psiABX = digamma(a + b + x + 1);
  gradient[0] = digamma(r + x) - digamma(r) + Math.log(alpha) - wAlive * logAgeScale - wDropped * logRecencyScale;
  gradient[1] = r / alpha - (r + x) * (wAlive / (alpha + c.T) + wDropped / (alpha + c.recency));
  gradient[2] = psiAB - psiABX + wDropped / a;
  gradient[3] = psiAB - digamma(b) - psiABX + wAlive * digamma(b + x + 1) + wDropped * digamma(b + x);
  return head + total;
}

function aliveLogOdds(p: ModifiedBgNbdParameters, c: RfmObservation): number {
  const x = c.frequency;
  return Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.recency));
}

/**
 * The modified BG/NBD log-likelihood of one customer (Batislam et al. 2007, with the erratum of
 * Wagner & Hoppe 2008).
 *
 * @example
 * ```ts
 * modifiedBgNbdLogLikelihood({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, { frequency: 0, recency: 0, T: 38.86 });
 * ```
 */
export function modifiedBgNbdLogLikelihood(params: ModifiedBgNbdParameters, customer: RfmObservation): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertRfm(customer);
  return logLikelihoodUnchecked(params, customer);
}

/**
 * Fits the modified BG/NBD model by maximum likelihood (same optimiser and options as
 * {@link fitBgNbd}).
 *
 * @example
 * ```ts
 * fitModifiedBgNbd(cdnowRows).params; // { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } on CDNOW
 * ```
 */
export function fitModifiedBgNbd(
  customers: readonly RfmObservation[],
  options: FitOptions<ModifiedBgNbdParameters> = {},
): ModifiedBgNbdFit {
  assertRfmRows(customers);
  const fit = fitRfmLikelihood(bgNbdParameterNames, customers, { r: 1, alpha: meanT(customers), a: 1, b: 1 }, logLikelihoodUnchecked, options, logLikelihoodGradient);
  return { kind: 'modified-bg-nbd', ...fit };
}

/**
 * P(alive | x, t_x, T) under the modified BG/NBD (Batislam et al. 2007, eq. 5): unlike the BG/NBD,
 * below 1 for customers who never bought again.
 *
 * @example
 * ```ts
 * modifiedBgNbdProbabilityAlive(params, { frequency: 0, recency: 0, T: 38.86 }); // < 1
 * ```
 */
export function modifiedBgNbdProbabilityAlive(params: ModifiedBgNbdParameters, customer: RfmObservation): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertRfm(customer);
  return modifiedBgNbdProbabilityAliveUnchecked(params, customer);
}

/** {@link modifiedBgNbdProbabilityAlive} without validation. Internal. */
export function modifiedBgNbdProbabilityAliveUnchecked(params: ModifiedBgNbdParameters, customer: RfmObservation): number {
  return logistic(-aliveLogOdds(params, customer));
}

/**
 * Expected repeat purchases in the next `t` time units given the history (Wagner & Hoppe 2008
 * erratum to Batislam et al. 2007).
 *
 * @example
 * ```ts
 * modifiedBgNbdExpectedPurchases(params, { frequency: 2, recency: 30.43, T: 38.86 }, 39);
 * ```
 */
export function modifiedBgNbdExpectedPurchases(
  params: ModifiedBgNbdParameters,
  customer: RfmObservation,
  t: number,
): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertRfm(customer);
  assertNonNegative(t, 't');
  return modifiedBgNbdExpectedPurchasesUnchecked(params, customer, t);
}

/** {@link modifiedBgNbdExpectedPurchases} without validation. Internal. */
export function modifiedBgNbdExpectedPurchasesUnchecked(
  params: ModifiedBgNbdParameters,
  customer: RfmObservation,
  t: number,
  pAlive: number = modifiedBgNbdProbabilityAliveUnchecked(params, customer),
): number {
  if (t === 0) return 0;
  const { r, alpha, b } = params;
  const x = customer.frequency;
  const T = customer.T;
  if (pAlive === 0) return 0;
  const z = t / (alpha + T + t);
  const shrink = -(r + x) * Math.log1p(t / (alpha + T));
  return acrossPoles(params.a, [1], (a) => {
    const bracket = oneMinusScaledHyp2f1(shrink, r + x, b + x + 1, a + b + x, z);
    return Math.max(0, ((a + b + x) / (a - 1)) * bracket * pAlive);
  });
}

/**
 * E[X(t)] for a randomly chosen customer under the modified BG/NBD:
 * b/(a-1) [1 - (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))].
 *
 * @example
 * ```ts
 * modifiedBgNbdExpectedPurchasesUnconditional(params, 39);
 * ```
 */
export function modifiedBgNbdExpectedPurchasesUnconditional(params: ModifiedBgNbdParameters, t: number): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertNonNegative(t, 't');
  if (t === 0) return 0;
  const { r, alpha, b } = params;
  const shrink = -r * Math.log1p(t / alpha);
  const z = t / (alpha + t);
  return acrossPoles(params.a, [1], (a) => Math.max(0, (b / (a - 1)) * oneMinusScaledHyp2f1(shrink, r, b + 1, a + b, z)));
}

/**
 * P(X(t) = x) for a randomly chosen customer under the modified BG/NBD.
 *
 * @example
 * ```ts
 * modifiedBgNbdPurchaseProbability(params, 39, 0);
 * ```
 */
export function modifiedBgNbdPurchaseProbability(params: ModifiedBgNbdParameters, t: number, x: number): number {
  assertPositiveParameters(params, bgNbdParameterNames);
  assertNonNegative(t, 't');
  assertCount(x, 'x');
  const { r, alpha, a, b } = params;
  const base = logBeta(a, b);
  const first = Math.exp(logBeta(a, b + x + 1) - base + logNbdProbability(r, alpha, t, x));
  const second = Math.exp(logBeta(a + 1, b + x) - base) * nbdTailProbability(r, alpha, t, x);
  return first + second;
}
