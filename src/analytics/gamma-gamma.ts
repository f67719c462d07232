import { assertPositiveParameters, IssueList } from './analytics-validation.js';
import { digamma } from './digamma.js';
import { logGamma } from './log-gamma.js';
import { fitMaximumLikelihood, groupObservations, type FitOptions, type FitStatistics } from './maximum-likelihood.js';

/** The Gamma-Gamma parameters in the order the literature prints them. */
export const gammaGammaParameterNames = ['p', 'q', 'v'] as const;

/** One of {@link gammaGammaParameterNames}. */
export type GammaGammaParameterName = (typeof gammaGammaParameterNames)[number];

/**
 * Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013):
 * each transaction's value is gamma(p, ν), and ν is gamma(q, v) across customers. `v` is in the
 * currency unit of the spend it was fitted on.
 */
export type GammaGammaParameters = Readonly<Record<GammaGammaParameterName, number>>;

/** A fitted Gamma-Gamma model. */
export interface GammaGammaFit extends FitStatistics<GammaGammaParameters> {
  /** Which model this is. */
  readonly kind: 'gamma-gamma';
}

/** A customer's spend history: repeat purchase periods and their mean value. */
export interface SpendObservation {
  /** x: number of repeat purchase periods. */
  readonly frequency: number;
  /** z̄: mean spend per repeat purchase period (0 when `frequency` is 0). */
  readonly monetaryValue: number;
}

function checkSpendRows(rows: readonly SpendObservation[]): void {
  const issues = new IssueList();
  if (!Array.isArray(rows)) issues.add('empty_input', [], 'customers must be an array');
  else {
    rows.forEach((row, i) => {
      if (issues.issues.length >= 100) return;
      checkSpend(row, [i], issues);
    });
  }
  issues.throwIfAny('Invalid spend summaries');
}

function checkSpend(row: SpendObservation, path: readonly PropertyKey[], issues: IssueList): void {
  const { frequency, monetaryValue } = row ?? ({} as SpendObservation);
  if (typeof frequency !== 'number' || !Number.isFinite(frequency)) {
    issues.add('not_finite', [...path, 'frequency'], `frequency must be a finite number, got ${String(frequency)}`);
  } else if (frequency < 0) issues.add('negative', [...path, 'frequency'], `frequency must not be negative, got ${frequency}`);
  else if (!Number.isInteger(frequency)) issues.add('not_integer', [...path, 'frequency'], `frequency must be whole, got ${frequency}`);
  if (typeof monetaryValue !== 'number' || !Number.isFinite(monetaryValue)) {
    issues.add('not_finite', [...path, 'monetaryValue'], `monetaryValue must be a finite number, got ${String(monetaryValue)}`);
  } else if (monetaryValue < 0) {
    issues.add('negative', [...path, 'monetaryValue'], `monetaryValue must not be negative, got ${monetaryValue}`);
  } else if (frequency === 0 && monetaryValue > 0) {
    issues.add('spend_without_repeat', [...path, 'monetaryValue'], 'monetaryValue is the mean repeat spend and must be 0 when frequency is 0');
  }
}

function logLikelihoodUnchecked(params: GammaGammaParameters, x: number, m: number): number {
  const { p, q, v } = params;
  return (
    logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) -
    (p * x + q) * Math.log(v + x * m)
  );
}

/**
 * The Gamma-Gamma log-likelihood of one customer's mean repeat spend (Fader & Hardie 2013, eq. 3).
 * Only defined for customers with `frequency` > 0 and `monetaryValue` > 0.
 *
 * @example
 * ```ts
 * gammaGammaLogLikelihood({ p: 6.25, q: 3.74, v: 15.44 }, { frequency: 2, monetaryValue: 22.35 });
 * ```
 */
export function gammaGammaLogLikelihood(params: GammaGammaParameters, customer: SpendObservation): number {
  assertPositiveParameters(params, gammaGammaParameterNames);
  const issues = new IssueList();
  checkSpend(customer, [], issues);
  if (issues.issues.length === 0 && !(customer.frequency > 0 && customer.monetaryValue > 0)) {
    issues.add('not_positive', ['monetaryValue'], 'the Gamma-Gamma likelihood needs frequency > 0 and monetaryValue > 0');
  }
  issues.throwIfAny('Invalid spend summary');
  return logLikelihoodUnchecked(params, customer.frequency, customer.monetaryValue);
}

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on the customers with at least one repeat
 * purchase and positive mean spend (the others carry no spend information and are skipped, as in
 * `lifetimes` and CLVTools). Check first that spend and frequency are roughly uncorrelated: the
 * model assumes it.
 *
 * @example
 * ```ts
 * fitGammaGamma(rows).params; // { p: 6.25, q: 3.74, v: 15.44 } on CDNOW (USD)
 * ```
 */
export function fitGammaGamma(customers: readonly SpendObservation[], options: FitOptions<GammaGammaParameters> = {}): GammaGammaFit {
  checkSpendRows(customers);
  const used = customers.filter((c) => c.frequency > 0 && c.monetaryValue > 0);
  const groups = groupObservations(used, (c) => `${c.frequency}|${c.monetaryValue}`);
  let meanSpend = 0;
  for (const c of used) meanSpend += c.monetaryValue / Math.max(used.length, 1);
  const rowX = groups.map((g) => g.row.frequency);
  const rowM = groups.map((g) => g.row.monetaryValue);
  const rowWeight = groups.map((g) => g.weight);
  const rowLogM = rowM.map(Math.log);
  const rowLogX = rowX.map(Math.log);
  const frequencies = [...new Set(rowX)];
  const fit = fitMaximumLikelihood(
    {
      names: gammaGammaParameterNames,
      customers: used.length,
      start: { p: 1, q: 2, v: meanSpend > 0 ? meanSpend : 1 },
      logLikelihood: ([p = 1, q = 1, v = 1]) => {
        const params = { p, q, v };
        let sum = 0;
        for (const { row, weight } of groups) sum += weight * logLikelihoodUnchecked(params, row.frequency, row.monetaryValue);
        return sum;
      },
      gradient: ([p = 1, q = 1, v = 1]) => {
        // The gamma-function terms depend on the row only through x: once per distinct frequency.
        const logV = Math.log(v);
        const psiQ = digamma(q);
        const logGammaQ = logGamma(q);
        const perFrequency = new Map<number, { gammas: number; psiSum: number; psiPx: number }>();
        for (const x of frequencies) {
          perFrequency.set(x, { gammas: logGamma(p * x + q) - logGamma(p * x) - logGammaQ, psiSum: digamma(p * x + q), psiPx: digamma(p * x) });
        }
        let sum = 0;
        let dp = 0;
        let dq = 0;
        let dv = 0;
        for (let i = 0; i < rowX.length; i += 1) {
          const x = rowX[i] as number;
          const m = rowM[i] as number;
          const weight = rowWeight[i] as number;
          const terms = perFrequency.get(x) as { gammas: number; psiSum: number; psiPx: number };
          const total = x * m + v;
          const logTotal = Math.log(total);
          const logM = rowLogM[i] as number;
          const logX = rowLogX[i] as number;
          const px = p * x;
          sum += weight * (terms.gammas + q * logV + (px - 1) * logM + px * logX - (px + q) * logTotal);
          dp += weight * x * (terms.psiSum - terms.psiPx + logM + logX - logTotal);
          dq += weight * (terms.psiSum - psiQ + logV - logTotal);
          dv += weight * (q / v - (px + q) / total);
        }
        return { value: sum, gradient: [dp, dq, dv] };
      },
    },
    options,
  );
  return { kind: 'gamma-gamma', ...fit };
}

/**
 * E[M | x, z̄]: the expected mean spend per future transaction given the customer's history
 * (Fader, Hardie & Lee 2005 "RFM and CLV", eq. 5): a weighted average of the population mean
 * pv/(q-1) and the customer's own mean z̄, with weight px/(px+q-1) on the latter. Customers with no
 * repeat purchase get the population mean. Requires q > 1 (otherwise the population mean spend is
 * infinite and a `ValidationError` is thrown).
 *
 * @example
 * ```ts
 * gammaGammaExpectedSpend({ p: 6.25, q: 3.74, v: 15.44 }, { frequency: 2, monetaryValue: 22.35 }); // ≈ 24.66
 * ```
 */
export function gammaGammaExpectedSpend(params: GammaGammaParameters, customer: SpendObservation): number {
  assertPositiveParameters(params, gammaGammaParameterNames);
  const issues = new IssueList();
  if (!(params.q > 1)) issues.add('not_positive', ['params', 'q'], `q must exceed 1 for the mean spend to exist, got ${params.q}`);
  checkSpend(customer, [], issues);
  issues.throwIfAny('Cannot compute expected spend');
  const { p, q, v } = params;
  const x = customer.frequency;
  return (p * (v + x * customer.monetaryValue)) / (p * x + q - 1);
}
