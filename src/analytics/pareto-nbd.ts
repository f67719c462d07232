import { assertNonNegative, assertPositiveParameters, assertRfm, type RfmObservation } from './analytics-validation.js';
import { assertRfmRows, meanT } from './bg-nbd.js';
import { logHyp2f1 } from './hypergeometric.js';
import { logGamma } from './log-gamma.js';
import { logAddExp, logistic, logSubExp } from './log-space.js';
import { fitRfmLikelihood, type FitOptions, type FitStatistics } from './maximum-likelihood.js';

/** The Pareto/NBD parameters in the order the literature prints them. */
export const paretoNbdParameterNames = ['r', 'alpha', 's', 'beta'] as const;

/** One of {@link paretoNbdParameterNames}. */
export type ParetoNbdParameterName = (typeof paretoNbdParameterNames)[number];

/**
 * Pareto/NBD parameters (Schmittlein, Morrison & Colombo 1987): purchase rates gamma(r, alpha),
 * exponential lifetimes whose dropout rates are gamma(s, beta) across customers.
 */
export type ParetoNbdParameters = Readonly<Record<ParetoNbdParameterName, number>>;

/** A fitted Pareto/NBD model. */
export interface ParetoNbdFit extends FitStatistics<ParetoNbdParameters> {
  /** Which model this is. */
  readonly kind: 'pareto-nbd';
}

/**
 * ln A0 of Fader & Hardie (2005, "A note on deriving the Pareto/NBD model"), eq. 22-23: the
 * integral over the dropout time between t_x and T, via 2F1 with its argument in [0, 1).
 */
function logA0(p: ParetoNbdParameters, c: RfmObservation): number {
  const { r, alpha, s, beta } = p;
  const x = c.frequency;
  const k = r + s + x;
  const [high, low, b] = alpha >= beta ? [alpha, beta, s + 1] : [beta, alpha, r + x];
  const atRecency = logHyp2f1(k, b, k + 1, (high - low) / (high + c.recency)) - k * Math.log(high + c.recency);
  const atAge = logHyp2f1(k, b, k + 1, (high - low) / (high + c.T)) - k * Math.log(high + c.T);
  return logSubExp(atRecency, atAge);
}

function paretoLogLikelihoodUnchecked(p: ParetoNbdParameters, c: RfmObservation): number {
  const { r, alpha, s, beta } = p;
  const x = c.frequency;
  const head = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const stillAlive = -(r + x) * Math.log(alpha + c.T) - s * Math.log(beta + c.T);
  const droppedOut = Math.log(s) - Math.log(r + s + x) + logA0(p, c);
  return head + logAddExp(stillAlive, droppedOut);
}

function paretoAliveLogOdds(p: ParetoNbdParameters, c: RfmObservation): number {
  const { r, alpha, s, beta } = p;
  const x = c.frequency;
  return Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + c.T) + s * Math.log(beta + c.T) + logA0(p, c);
}

/**
 * The Pareto/NBD log-likelihood of one customer (Fader & Hardie 2005 note, eq. 19-23), in log
 * space.
 *
 * @example
 * ```ts
 * paretoNbdLogLikelihood({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, { frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParameters, customer: RfmObservation): number {
  assertPositiveParameters(params, paretoNbdParameterNames);
  assertRfm(customer);
  return paretoLogLikelihoodUnchecked(params, customer);
}

/**
 * Fits the Pareto/NBD model by maximum likelihood (same optimiser and options as
 * {@link fitBgNbd}).
 *
 * @example
 * ```ts
 * fitParetoNbd(cdnowRows).params; // { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } on CDNOW
 * ```
 */
export function fitParetoNbd(customers: readonly RfmObservation[], options: FitOptions<ParetoNbdParameters> = {}): ParetoNbdFit {
  assertRfmRows(customers);
  const scale = meanT(customers);
  const fit = fitRfmLikelihood(paretoNbdParameterNames, customers, { r: 1, alpha: scale, s: 1, beta: scale }, paretoLogLikelihoodUnchecked, options);
  return { kind: 'pareto-nbd', ...fit };
}

/**
 * P(alive | x, t_x, T) under the Pareto/NBD (Fader & Hardie 2005 note, eq. 24).
 *
 * @example
 * ```ts
 * paretoNbdProbabilityAlive(params, { frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export function paretoNbdProbabilityAlive(params: ParetoNbdParameters, customer: RfmObservation): number {
  assertPositiveParameters(params, paretoNbdParameterNames);
  assertRfm(customer);
  return paretoNbdProbabilityAliveUnchecked(params, customer);
}

/** {@link paretoNbdProbabilityAlive} without validation. Internal. */
export function paretoNbdProbabilityAliveUnchecked(params: ParetoNbdParameters, customer: RfmObservation): number {
  return logistic(-paretoAliveLogOdds(params, customer));
}

/** [1 - (1+u)^-(s-1)] / (s-1), continuous through s = 1 (where it is ln(1+u)). */
function powerIntegral(s: number, u: number): number {
  const e = s - 1;
  const l = Math.log1p(u);
  if (Math.abs(e * l) < 1e-8) return l * (1 - (e * l) / 2);
  return -Math.expm1(-e * l) / e;
}

/**
 * Expected repeat purchases in the next `t` time units given the history (Schmittlein et al.
 * 1987; Fader & Hardie 2005 note, eq. 27): P(alive) (r+x)(β+T)/((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)],
 * continuous through s = 1.
 *
 * @example
 * ```ts
 * paretoNbdExpectedPurchases(params, { frequency: 2, recency: 30.43, T: 38.86 }, 39);
 * ```
 */
export function paretoNbdExpectedPurchases(params: ParetoNbdParameters, customer: RfmObservation, t: number): number {
  assertPositiveParameters(params, paretoNbdParameterNames);
  assertRfm(customer);
  assertNonNegative(t, 't');
  return paretoNbdExpectedPurchasesUnchecked(params, customer, t);
}

/** {@link paretoNbdExpectedPurchases} without validation. Internal. */
export function paretoNbdExpectedPurchasesUnchecked(params: ParetoNbdParameters, customer: RfmObservation, t: number): number {
  if (t === 0) return 0;
  const { r, alpha, s, beta } = params;
  const x = customer.frequency;
  const T = customer.T;
  const pAlive = logistic(-paretoAliveLogOdds(params, customer));
  return pAlive * ((r + x) * (beta + T)) / (alpha + T) * powerIntegral(s, t / (beta + T));
}

/**
 * E[X(t)] for a randomly chosen customer under the Pareto/NBD:
 * rβ/(α(s-1)) [1 - (β/(β+t))^(s-1)].
 *
 * @example
 * ```ts
 * paretoNbdExpectedPurchasesUnconditional(params, 39);
 * ```
 */
export function paretoNbdExpectedPurchasesUnconditional(params: ParetoNbdParameters, t: number): number {
  assertPositiveParameters(params, paretoNbdParameterNames);
  assertNonNegative(t, 't');
  const { r, alpha, s, beta } = params;
  return ((r * beta) / alpha) * powerIntegral(s, t / beta);
}
