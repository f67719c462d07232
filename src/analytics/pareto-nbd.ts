import { assertNonNegative, assertPositiveParameters, assertRfm, type RfmObservation } from './analytics-validation.js';
import { assertRfmRows, meanT } from './bg-nbd.js';
import { logHyp2f1 } from './hypergeometric.js';
import { logGamma } from './log-gamma.js';
import { logAddExp, logistic, logSubExp } from './log-space.js';
import { digamma } from './digamma.js';
import { gaussLegendreRule } from './gauss-legendre.js';
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

const panelRule = gaussLegendreRule(12);

/** The integrals of {@link dropoutIntegrals}: each in units of e^logScale. */
interface DropoutIntegrals {
  readonly logScale: number;
  readonly j0: number;
  readonly jLogAlpha: number;
  readonly jLogBeta: number;
  readonly jInvAlpha: number;
  readonly jInvBeta: number;
}

/**
 * ∫ over τ ∈ [t_x, T] of h(τ) × {1, ln(α+τ), ln(β+τ), 1/(α+τ), 1/(β+τ)}, h(τ) = (α+τ)^-(r+x) (β+τ)^-(s+1)
 * scaled by its value at t_x (`logScale` holds the scale), by Gauss-Legendre panels in
 * u = ln((m+τ)/(m+t_x)), m = min(α, β), where the integrand is smooth and decays at most
 * exponentially; panels are narrow enough for 12 points to reach about 1e-13 relative.
 */
function dropoutIntegrals(p: ParetoNbdParameters, c: RfmObservation): DropoutIntegrals {
  const { r, alpha, s, beta } = p;
  const rx = r + c.frequency;
  let j0 = 0;
  let jLogAlpha = 0;
  let jLogBeta = 0;
  let jInvAlpha = 0;
  let jInvBeta = 0;
  let logScale = Number.NEGATIVE_INFINITY;
  if (c.T > c.recency) {
    const m = Math.min(alpha, beta);
    const base = m + c.recency;
    const end = Math.log((m + c.T) / base);
    const [lowExponent, highExponent] = alpha <= beta ? [rx, s + 1] : [s + 1, rx];
    const slowest = lowExponent - 1;
    const cut = slowest > 0.5 ? Math.min(end, 45 / slowest) : end;
    // The log-integrand's slope in u is at most lowExponent + highExponent (m+τ)/(M+τ) (+1 from
    // the Jacobian), M = max(α, β), and (m+τ)/(M+τ) grows with τ up to (m+T)/(M+T). Panels follow
    // that slope, not highExponent alone: with r and α both large (a fit wandering towards a
    // Poisson limit), highExponent is huge while its factor barely changes over [t_x, T].
    const highRate = highExponent * ((m + c.T) / (Math.max(alpha, beta) + c.T));
    const panels = Math.max(1, Math.ceil((cut * (lowExponent + highRate)) / 8));
    const width = cut / panels;
    const logAlphaX = Math.log(alpha + c.recency);
    const logBetaX = Math.log(beta + c.recency);
    logScale = -rx * logAlphaX - (s + 1) * logBetaX + Math.log(base);
    for (let panel = 0; panel < panels; panel += 1) {
      const from = panel * width;
      for (let k = 0; k < panelRule.nodes.length; k += 1) {
        const u = from + (width * ((panelRule.nodes[k] as number) + 1)) / 2;
        const tau = base * Math.exp(u) - m;
        const la = Math.log(alpha + tau);
        const lb = Math.log(beta + tau);
        const h = (panelRule.weights[k] as number) * Math.exp(-rx * (la - logAlphaX) - (s + 1) * (lb - logBetaX) + u);
        j0 += h;
        jLogAlpha += h * la;
        jLogBeta += h * lb;
        jInvAlpha += h / (alpha + tau);
        jInvBeta += h / (beta + tau);
      }
    }
    const half = width / 2;
    j0 *= half;
    jLogAlpha *= half;
    jLogBeta *= half;
    jInvAlpha *= half;
    jInvBeta *= half;
  }
  return { logScale, j0, jLogAlpha, jLogBeta, jInvAlpha, jInvBeta };
}

/**
 * The Pareto/NBD log-likelihood of one customer and its gradient in (r, alpha, s, beta), from the
 * integral form L = Γ(r+x)α^r β^s/Γ(r) [(α+T)^-(r+x) (β+T)^-s + s ∫_{t_x}^T (α+τ)^-(r+x) (β+τ)^-(s+1) dτ]
 * (the dropout time τ integrated out directly, as in Fader & Hardie 2005, "A note on deriving the
 * Pareto/NBD model"): the integral and
 * its parameter derivatives (differentiated under the integral sign) by Gauss-Legendre panels in
 * u = ln((m+τ)/(m+t_x)), m = min(α, β), where the integrand is smooth and decays at most
 * exponentially; panels are narrow enough for 12 points to reach about 1e-13 relative. Used by the
 * fit (the exported log-likelihood keeps the 2F1 closed form; the tests check both agree).
 */
function paretoLogLikelihoodGradient(p: ParetoNbdParameters, c: RfmObservation, gradient: number[]): number {
  const { r, alpha, s, beta } = p;
  const x = c.frequency;
  const rx = r + x;
  const head = logGamma(rx) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const logAlphaT = Math.log(alpha + c.T);
  const logBetaT = Math.log(beta + c.T);
  const logAlive = -rx * logAlphaT - s * logBetaT;
  const { logScale, j0, jLogAlpha, jLogBeta, jInvAlpha, jInvBeta } = dropoutIntegrals(p, c);
  // Z = A + s I, in units of e^top.
  const logDropped = j0 > 0 ? Math.log(s) + logScale + Math.log(j0) : Number.NEGATIVE_INFINITY;
  const top = Math.max(logAlive, logDropped);
  const aliveUnit = Math.exp(logAlive - top);
  const integralUnit = j0 > 0 ? Math.exp(logScale - top) : 0;
  const z = aliveUnit + s * integralUnit * j0;
  const dZr = -logAlphaT * aliveUnit - s * integralUnit * jLogAlpha;
  const dZalpha = (-rx / (alpha + c.T)) * aliveUnit - s * rx * integralUnit * jInvAlpha;
  const dZs = -logBetaT * aliveUnit + integralUnit * j0 - s * integralUnit * jLogBeta;
  const dZbeta = (-s / (beta + c.T)) * aliveUnit - s * (s + 1) * integralUnit * jInvBeta;
  gradient[0] = digamma(rx) - digamma(r) + Math.log(alpha) + dZr / z;
  gradient[1] = r / alpha + dZalpha / z;
  gradient[2] = Math.log(beta) + dZs / z;
  gradient[3] = s / beta + dZbeta / z;
  return head + top + Math.log(z);
}

/**
 * ln(P(dropped out) / P(alive)) given the history: s ∫ h / ((α+T)^-(r+x) (β+T)^-s), the integral
 * by {@link dropoutIntegrals} (the 2F1 closed form's series take seconds per customer, or lose
 * their sign, where r and α are in the 1e12s, as a fit to data without rate heterogeneity gives).
 */
function paretoAliveLogOdds(p: ParetoNbdParameters, c: RfmObservation): number {
  const { r, alpha, s, beta } = p;
  const { logScale, j0 } = dropoutIntegrals(p, c);
  if (!(j0 > 0)) return Number.NEGATIVE_INFINITY; // bought at T: alive
  return Math.log(s) + logScale + Math.log(j0) + (r + c.frequency) * Math.log(alpha + c.T) + s * Math.log(beta + c.T);
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

/** @internal The integral-form log-likelihood and gradient, exported for the tests. */
export const paretoNbdLogLikelihoodWithGradient = paretoLogLikelihoodGradient;

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
  // The fit reads the integral form for values too (Nelder-Mead's polish, the Hessian): the 2F1
  // closed form's series take seconds per customer where a fit drifts towards a boundary optimum
  // (r and alpha in the 1e12s when purchase rates show no heterogeneity).
  const scratch = new Array<number>(paretoNbdParameterNames.length).fill(0);
  const integralForm = (p: ParetoNbdParameters, c: RfmObservation) => paretoLogLikelihoodGradient(p, c, scratch);
  const fit = fitRfmLikelihood(paretoNbdParameterNames, customers, { r: 1, alpha: scale, s: 1, beta: scale }, integralForm, options, paretoLogLikelihoodGradient);
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
export function paretoNbdExpectedPurchasesUnchecked(
  params: ParetoNbdParameters,
  customer: RfmObservation,
  t: number,
  pAlive: number = paretoNbdProbabilityAliveUnchecked(params, customer),
): number {
  if (t === 0) return 0;
  const { r, alpha, s, beta } = params;
  const x = customer.frequency;
  const T = customer.T;
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
