import { assertNonNegative, assertPositiveParameters, IssueList } from './analytics-validation.js';
import { digamma } from './digamma.js';
import { fitMaximumLikelihood, type FitOptions, type FitStatistics } from './maximum-likelihood.js';

/**
 * The shifted-beta-geometric parameters: churn probabilities θ ~ beta(gamma, delta) across customers.
 *
 * @example
 * ```ts
 * shiftedBetaGeometricParameterNames; // ['gamma', 'delta']
 * ```
 */
export const shiftedBetaGeometricParameterNames = ['gamma', 'delta'] as const;

/** One of {@link shiftedBetaGeometricParameterNames}. */
export type ShiftedBetaGeometricParameterName = (typeof shiftedBetaGeometricParameterNames)[number];

/**
 * Shifted-beta-geometric (sBG) parameters (Fader & Hardie 2007, "How to project customer
 * retention", where they are called α and β): each customer churns at the end of each period with
 * their own probability θ, and θ ~ beta(gamma, delta) across the cohort.
 */
export type ShiftedBetaGeometricParameters = Readonly<Record<ShiftedBetaGeometricParameterName, number>>;

/**
 * A fitted sBG model.
 *
 * @example
 * ```ts
 * const fit: ShiftedBetaGeometricFit = fitShiftedBetaGeometric([1000, 631, 468, 382]);
 * ```
 */
export interface ShiftedBetaGeometricFit extends FitStatistics<ShiftedBetaGeometricParameters> {
  /** Which model this is. */
  readonly kind: 'shifted-beta-geometric';
}

function checkSurvivors(survivors: readonly number[]): void {
  const issues = new IssueList();
  if (!Array.isArray(survivors) || survivors.length < 2) {
    issues.add('empty_input', [], 'survivors needs the cohort size and at least one later count');
    issues.throwIfAny('Cannot fit the shifted-beta-geometric model');
  }
  survivors.forEach((n, i) => {
    if (!(Number.isInteger(n) && n >= 0)) issues.add('not_integer', [i], `survivor counts must be whole numbers ≥ 0, got ${String(n)}`);
    else if (i > 0 && n > (survivors[i - 1] as number)) issues.add('invalid_option', [i], `survivors cannot grow: ${n} after ${String(survivors[i - 1])}`);
  });
  if ((survivors[0] as number) <= 0) issues.add('not_positive', [0], 'the cohort must have at least one customer');
  issues.throwIfAny('Cannot fit the shifted-beta-geometric model');
}

/**
 * Fits the sBG by maximum likelihood on a cohort's survivor counts: `survivors[0]` customers at the
 * start, `survivors[t]` still active after t periods. Those lost in period t contribute
 * ln P(T = t) and those still active at the end ln S(n) (Fader & Hardie 2007, section 3), with
 * P(T = 1) = γ/(γ+δ), P(T = t) = P(T = t-1) (δ+t-2)/(γ+δ+t-1) and S(t) = S(t-1) - P(T = t).
 * L-BFGS with the analytic gradient, standard errors from the Hessian.
 *
 * @example
 * ```ts
 * // the "regular" cohort of Fader & Hardie (2007), years 0..7
 * fitShiftedBetaGeometric([1000, 631, 468, 382, 326, 289, 262, 241]).params; // { gamma: 0.704, delta: 1.182 }
 * ```
 */
export function fitShiftedBetaGeometric(
  survivors: readonly number[],
  options: FitOptions<ShiftedBetaGeometricParameters> = {},
): ShiftedBetaGeometricFit {
  checkSurvivors(survivors);
  const periods = survivors.length - 1;
  const lost = survivors.slice(1).map((n, i) => (survivors[i] as number) - n);
  const remaining = survivors[periods] as number;
  const valueAndGradient = ([gamma = 1, delta = 1]: readonly number[]): { value: number; gradient: number[] } => {
    // log P(T = t) = ln B(γ+1, δ+t-1) - ln B(γ, δ); its derivatives by digamma; S(t) summed directly.
    let value = 0;
    let dGamma = 0;
    let dDelta = 0;
    const psiSum = digamma(gamma + delta);
    const base = { gamma: -digamma(gamma) + psiSum, delta: -digamma(delta) + psiSum };
    let probability = gamma / (gamma + delta);
    let survival = 1;
    // d ln P(T=t)/dγ = ψ(γ+1) - ψ(γ+δ+t) + ψ(γ+δ) - ψ(γ); d/dδ = ψ(δ+t-1) - ψ(γ+δ+t) + ψ(γ+δ) - ψ(δ)
    let dSurvivalGamma = 0;
    let dSurvivalDelta = 0;
    for (let t = 1; t <= periods; t += 1) {
      if (t > 1) probability *= (delta + t - 2) / (gamma + delta + t - 1);
      const psiTail = digamma(gamma + delta + t);
      const dlpGamma = digamma(gamma + 1) - psiTail + base.gamma;
      const dlpDelta = digamma(delta + t - 1) - psiTail + base.delta;
      const n = lost[t - 1] as number;
      if (n > 0) {
        value += n * Math.log(probability);
        dGamma += n * dlpGamma;
        dDelta += n * dlpDelta;
      }
      survival -= probability;
      dSurvivalGamma -= probability * dlpGamma;
      dSurvivalDelta -= probability * dlpDelta;
    }
    if (remaining > 0) {
      value += remaining * Math.log(survival);
      dGamma += (remaining * dSurvivalGamma) / survival;
      dDelta += (remaining * dSurvivalDelta) / survival;
    }
    return { value, gradient: [dGamma, dDelta] };
  };
  const fit = fitMaximumLikelihood(
    {
      names: shiftedBetaGeometricParameterNames,
      customers: survivors[0] as number,
      start: { gamma: 1, delta: 1 },
      logLikelihood: (params) => valueAndGradient(params).value,
      gradient: valueAndGradient,
    },
    options,
  );
  return { kind: 'shifted-beta-geometric', ...fit };
}

/**
 * The expected share of a cohort still active after each of periods 0..`periods`: S(t) =
 * B(γ, δ+t)/B(γ, δ), by the recursion S(t) = S(t-1) (δ+t-1)/(γ+δ+t-1). Multiply by the cohort
 * size for survivor counts.
 *
 * @example
 * ```ts
 * shiftedBetaGeometricSurvival({ gamma: 0.704, delta: 1.182 }, 12); // [1, 0.627, 0.466, …]
 * ```
 */
export function shiftedBetaGeometricSurvival(params: ShiftedBetaGeometricParameters, periods: number): number[] {
  assertPositiveParameters(params, shiftedBetaGeometricParameterNames);
  assertNonNegative(periods, 'periods');
  const { gamma, delta } = params;
  const curve = [1];
  for (let t = 1; t <= Math.floor(periods); t += 1) curve.push((curve[t - 1] as number) * ((delta + t - 1) / (gamma + delta + t - 1)));
  return curve;
}

/**
 * The retention rate of period t (t ≥ 1): the share of those active at t-1 still active at t,
 * (δ+t-1)/(γ+δ+t-1). It rises with t: the cohort sorts itself, not the customers changing.
 *
 * @example
 * ```ts
 * shiftedBetaGeometricRetentionRate({ gamma: 0.704, delta: 1.182 }, 1); // 0.627
 * ```
 */
export function shiftedBetaGeometricRetentionRate(params: ShiftedBetaGeometricParameters, t: number): number {
  assertPositiveParameters(params, shiftedBetaGeometricParameterNames);
  const issues = new IssueList();
  if (!(Number.isInteger(t) && t >= 1)) issues.add('not_integer', ['t'], `t must be a whole number ≥ 1, got ${String(t)}`);
  issues.throwIfAny('Invalid period');
  return (params.delta + t - 1) / (params.gamma + params.delta + t - 1);
}

/**
 * The expected lifetime of a new customer in periods, counting the first: Σ_{t≥0} S(t) =
 * (γ+δ-1)/(γ-1) when γ > 1, and `Infinity` otherwise (the beta's mass near θ = 0 makes the mean
 * diverge). With `horizon`, the expected number of the first `horizon` periods the customer is active.
 *
 * @example
 * ```ts
 * shiftedBetaGeometricExpectedLifetime({ gamma: 0.704, delta: 1.182 }); // Infinity
 * shiftedBetaGeometricExpectedLifetime({ gamma: 0.704, delta: 1.182 }, 10); // ≈ 4.2 of 10 periods
 * ```
 */
export function shiftedBetaGeometricExpectedLifetime(params: ShiftedBetaGeometricParameters, horizon?: number): number {
  assertPositiveParameters(params, shiftedBetaGeometricParameterNames);
  if (horizon === undefined) return params.gamma > 1 ? (params.gamma + params.delta - 1) / (params.gamma - 1) : Number.POSITIVE_INFINITY;
  assertNonNegative(horizon, 'horizon');
  const curve = shiftedBetaGeometricSurvival(params, Math.max(0, Math.ceil(horizon) - 1));
  return curve.slice(0, Math.ceil(horizon)).reduce((s, v) => s + v, 0);
}

/**
 * Discounted expected residual lifetime (Fader & Hardie 2010, "Customer-base valuation in a
 * contractual setting"): for a customer who has made `renewals` renewals (n - 1), the
 * expected number of future payments, each discounted by (1 + d) per period:
 * Σ_{k≥0} S(n+k)/S(n-1) / (1+d)^k = (δ+n-1)/(γ+δ+n-1) · 2F1(1, δ+n; γ+δ+n; 1/(1+d)). Summed
 * until the terms fall below 1e-15 of the total. Multiply by the payment for the residual value.
 *
 * @example
 * ```ts
 * shiftedBetaGeometricDiscountedResidualLifetime({ gamma: 0.704, delta: 1.182 }, { renewals: 4, discountRate: 0.1 });
 * ```
 */
export function shiftedBetaGeometricDiscountedResidualLifetime(
  params: ShiftedBetaGeometricParameters,
  options: { readonly renewals: number; readonly discountRate: number },
): number {
  assertPositiveParameters(params, shiftedBetaGeometricParameterNames);
  const issues = new IssueList();
  const { renewals, discountRate } = options ?? ({} as never);
  if (!(Number.isInteger(renewals) && renewals >= 0)) issues.add('not_integer', ['renewals'], `renewals must be a whole number ≥ 0, got ${String(renewals)}`);
  if (!(typeof discountRate === 'number' && Number.isFinite(discountRate) && discountRate > 0)) {
    issues.add('not_positive', ['discountRate'], `discountRate must be a finite number > 0, got ${String(discountRate)}`);
  }
  issues.throwIfAny('Invalid residual lifetime options');
  const { gamma, delta } = params;
  const n = renewals + 1;
  const discount = 1 / (1 + discountRate);
  let term = (delta + n - 1) / (gamma + delta + n - 1);
  let sum = 0;
  for (let k = 0; k < 1_000_000; k += 1) {
    sum += term;
    if (term < 1e-15 * sum) break;
    term *= ((delta + n + k) / (gamma + delta + n + k)) * discount;
  }
  return sum;
}
