import { assertNonNegative, checkRfm, IssueList, type RfmObservation } from './analytics-validation.js';
import { purchaseModelFunctions, type PurchaseModel, type PurchaseModelFunctions } from './purchase-model.js';
import { timeUnits, type TimeUnit } from './time-unit.js';

/** Churn risk bands, from safest to gone, as a closed list. */
export const riskBands = ['low', 'medium', 'high', 'lost'] as const;

/** One of {@link riskBands}. */
export type RiskBand = (typeof riskBands)[number];

/** The P(alive) below which each band starts. Defaults: medium < 0.7, high < 0.4, lost < 0.15. */
export interface RiskBandThresholds {
  readonly medium: number;
  readonly high: number;
  readonly lost: number;
}

/** The default {@link RiskBandThresholds}. */
export const defaultRiskBandThresholds: RiskBandThresholds = { medium: 0.7, high: 0.4, lost: 0.15 };

/** Options of {@link churnScore}. */
export interface ChurnScoreOptions {
  /** The horizon for "expected purchases next period", in `timeUnit` (e.g. 30 days). */
  readonly horizon: number;
  /** The unit of the customer's recency and T and of the horizon. */
  readonly timeUnit: TimeUnit;
  /** Expected spend per purchase (e.g. Gamma-Gamma), to put a value on the risk; 0 when absent. */
  readonly expectedSpend?: number;
  /** Band thresholds on P(alive). */
  readonly thresholds?: RiskBandThresholds;
}

/** A churn assessment a support or sales person can read. */
export interface ChurnScore {
  /** P(the customer is still active). */
  readonly probabilityAlive: number;
  /** Expected purchases within the horizon. */
  readonly expectedPurchases: number;
  /**
   * Spend expected within the horizon had the customer stayed, times the probability they have
   * gone: (1 - P(alive)) × E[purchases | alive] × expected spend. 0 without `expectedSpend`.
   */
  readonly valueAtRisk: number;
  /** The band P(alive) falls in. */
  readonly riskBand: RiskBand;
  /** Short sentences explaining the score. */
  readonly reasons: readonly string[];
}

const singular: Record<TimeUnit, string> = { days: 'day', weeks: 'week', months: 'month' };

function amount(value: number, unit: TimeUnit): string {
  const rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${rounded === 1 ? singular[unit] : unit}`;
}

function count(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

function resolveOptions(options: ChurnScoreOptions): Required<ChurnScoreOptions> {
  const issues = new IssueList();
  if (!(timeUnits as readonly string[]).includes(options?.timeUnit)) {
    issues.add('invalid_option', ['timeUnit'], `timeUnit must be one of ${timeUnits.join(', ')}`);
  }
  const thresholds = options?.thresholds ?? defaultRiskBandThresholds;
  const { medium, high, lost } = thresholds;
  if (!(lost >= 0 && lost <= high && high <= medium && medium <= 1)) {
    issues.add('invalid_option', ['thresholds'], 'thresholds must satisfy 0 ≤ lost ≤ high ≤ medium ≤ 1');
  }
  issues.throwIfAny('Invalid churn score options');
  assertNonNegative(options.horizon, 'horizon');
  const expectedSpend = options.expectedSpend ?? 0;
  assertNonNegative(expectedSpend, 'expectedSpend');
  return { horizon: options.horizon, timeUnit: options.timeUnit, expectedSpend, thresholds };
}

function bandOf(p: number, t: RiskBandThresholds): RiskBand {
  if (p < t.lost) return 'lost';
  if (p < t.high) return 'high';
  if (p < t.medium) return 'medium';
  return 'low';
}

function score(f: PurchaseModelFunctions, customer: RfmObservation, o: Required<ChurnScoreOptions>): ChurnScore {
  const pAlive = f.probabilityAlive(customer);
  const expected = f.expectedPurchases(customer, o.horizon);
  const { frequency: x, recency, T } = customer;
  // E[purchases | alive]: the model's expectation divided by P(alive); when P(alive) underflows,
  // fall back to the customer's historical rate.
  const historicalRate = x > 0 && recency > 0 ? x / recency : 0;
  const ifAlive = pAlive > 1e-12 ? expected / pAlive : historicalRate * o.horizon;
  const valueAtRisk = (1 - pAlive) * ifAlive * o.expectedSpend;
  const unit = o.timeUnit;
  const reasons: string[] = [];
  const silence = T - recency;
  if (x > 0) {
    const interval = recency / x;
    reasons.push(`no purchase for ${amount(silence, unit)}; this customer used to buy every ${amount(interval, unit)}`);
    if (interval > 0 && silence > 2 * interval) {
      reasons.push(`silent for ${count(silence / interval)} times their usual gap between purchases`);
    }
  } else {
    reasons.push(`only one purchase so far, ${amount(T, unit)} ago`);
  }
  reasons.push(`${Math.round(pAlive * 100)}% chance the customer is still active`);
  reasons.push(`expected to buy ${count(expected)} time(s) in the next ${amount(o.horizon, unit)}`);
  return { probabilityAlive: pAlive, expectedPurchases: expected, valueAtRisk, riskBand: bandOf(pAlive, o.thresholds), reasons };
}

/**
 * Scores one customer's churn risk under a fitted purchase model: probability alive, expected
 * purchases over the horizon, value at risk, a risk band and reasons in words, e.g.
 * "no purchase for 142 days; this customer used to buy every 30 days".
 *
 * @example
 * ```ts
 * churnScore(fit, { frequency: 4, recency: 120, T: 262 }, { horizon: 30, timeUnit: 'days', expectedSpend: 4200 });
 * // { probabilityAlive: 0.2, riskBand: 'high', reasons: ['no purchase for 142 days; this customer used to buy every 30 days', ...], ... }
 * ```
 */
export function churnScore(model: PurchaseModel, customer: RfmObservation, options: ChurnScoreOptions): ChurnScore {
  const f = purchaseModelFunctions(model);
  const o = resolveOptions(options);
  const issues = new IssueList();
  checkRfm(customer, [], issues);
  issues.throwIfAny('Invalid customer summary');
  return score(f, customer, o);
}

/**
 * Scores many customers; validates the model and options once and every row (all problems are
 * reported together, paths `[index, field]`). Per-row `expectedSpend` may be given by a function.
 *
 * @example
 * ```ts
 * const scores = scoreCustomers(fit, summaries, { horizon: 30, timeUnit: 'days' },
 *   (row) => gammaGammaExpectedSpend(spendFit.params, row));
 * ```
 */
export function scoreCustomers<C extends RfmObservation>(
  model: PurchaseModel,
  customers: readonly C[],
  options: ChurnScoreOptions,
  expectedSpend?: (customer: C) => number,
): ChurnScore[] {
  const f = purchaseModelFunctions(model);
  const o = resolveOptions(options);
  const issues = new IssueList();
  customers.forEach((c, i) => {
    if (issues.issues.length < 100) checkRfm(c, [i], issues);
  });
  issues.throwIfAny('Invalid customer summaries');
  return customers.map((c) => score(f, c, expectedSpend ? { ...o, expectedSpend: expectedSpend(c) } : o));
}
