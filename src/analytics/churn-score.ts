import { assertNonNegative, checkRfm, IssueList, type RfmObservation } from './analytics-validation.js';
import { purchaseModelFunctions, type PurchaseModel, type PurchaseModelFunctions } from './purchase-model.js';
import { timeUnits, type TimeUnit } from './time-unit.js';

/** Churn risk bands, from safest to gone, as a closed list. */
export const riskBands = ['low', 'medium', 'high', 'lost'] as const;

/** One of {@link riskBands}. */
export type RiskBand = (typeof riskBands)[number];

/**
 * The churn probability (P(no purchase within the horizon)) at which each band starts, so bands
 * are monotone in it. Defaults: medium ≥ 0.5, high ≥ 0.75, lost ≥ 0.9.
 */
export interface RiskBandThresholds {
  readonly medium: number;
  readonly high: number;
  readonly lost: number;
}

/** The default {@link RiskBandThresholds}. */
export const defaultRiskBandThresholds: RiskBandThresholds = { medium: 0.5, high: 0.75, lost: 0.9 };

/** Options of {@link churnScore}. */
export interface ChurnScoreOptions {
  /** The horizon of the churn probability and expectations, in `timeUnit` (e.g. 30 days). */
  readonly horizon: number;
  /** The unit of the customer's recency and T and of the horizon. */
  readonly timeUnit: TimeUnit;
  /** Expected spend per purchase (e.g. Gamma-Gamma), to put a value on the risk; 0 when absent. */
  readonly expectedSpend?: number;
  /** Band thresholds on the churn probability. */
  readonly thresholds?: RiskBandThresholds;
}

/** A churn assessment a support or sales person can read. */
export interface ChurnScore {
  /**
   * P(no purchase within the horizon | history): the score the report sorts by and the bands
   * cut. It includes both ways of not buying: having left, and staying but not buying yet.
   */
  readonly churnProbability: number;
  /** P(the customer is still active), the model's latent state. */
  readonly probabilityAlive: number;
  /** Expected purchases within the horizon. */
  readonly expectedPurchases: number;
  /**
   * Expected revenue lost within the horizon: churn probability × what the customer would spend
   * in the horizon if active (E[purchase rate | alive] × horizon × expected spend). For customers
   * of equal value it orders exactly as the churn probability does. 0 without `expectedSpend`.
   */
  readonly expectedRevenueLost: number;
  /** The band the churn probability falls in. */
  readonly riskBand: RiskBand;
  /** Short true sentences explaining the score. */
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

/** A small expectation with two significant digits ("0.034"), larger ones with one decimal, tiny ones as "under 0.001". */
function expectation(value: number): string {
  if (value === 0) return '0';
  if (value < 0.001) return 'under 0.001';
  if (value >= 10) return String(Math.round(value));
  if (value >= 1) return String(Math.round(value * 10) / 10);
  return String(Number(value.toPrecision(2)));
}

function percent(p: number): string {
  if (p < 0.01) return 'under 1%';
  if (p > 0.99) return 'over 99%';
  return `${Math.round(p * 100)}%`;
}

function resolveOptions(options: ChurnScoreOptions): Required<ChurnScoreOptions> {
  const issues = new IssueList();
  if (!(timeUnits as readonly string[]).includes(options?.timeUnit)) {
    issues.add('invalid_option', ['timeUnit'], `timeUnit must be one of ${timeUnits.join(', ')}`);
  }
  const thresholds = options?.thresholds ?? defaultRiskBandThresholds;
  const { medium, high, lost } = thresholds;
  if (!(medium >= 0 && medium <= high && high <= lost && lost <= 1)) {
    issues.add('invalid_option', ['thresholds'], 'thresholds must satisfy 0 ≤ medium ≤ high ≤ lost ≤ 1');
  }
  issues.throwIfAny('Invalid churn score options');
  assertNonNegative(options.horizon, 'horizon');
  const expectedSpend = options.expectedSpend ?? 0;
  assertNonNegative(expectedSpend, 'expectedSpend');
  return { horizon: options.horizon, timeUnit: options.timeUnit, expectedSpend, thresholds };
}

function bandOf(churn: number, t: RiskBandThresholds): RiskBand {
  if (churn >= t.lost) return 'lost';
  if (churn >= t.high) return 'high';
  if (churn >= t.medium) return 'medium';
  return 'low';
}

/** What customers with this score do, in words, from the probability of buying within the horizon. */
function outlook(buys: number, horizon: string): string {
  if (buys < 0.1) return `customers like this rarely return: ${percent(buys)} chance of a purchase in the next ${horizon}`;
  if (buys < 0.3) return `customers like this mostly do not return: ${percent(buys)} chance of a purchase in the next ${horizon}`;
  if (buys < 0.5) return `${percent(buys)} chance of a purchase in the next ${horizon}`;
  return `customers like this usually buy again: ${percent(buys)} chance of a purchase in the next ${horizon}`;
}

function score(f: PurchaseModelFunctions, customer: RfmObservation, o: Required<ChurnScoreOptions>): ChurnScore {
  const churn = Math.min(1, Math.max(0, f.churnProbability(customer, o.horizon)));
  const pAlive = f.probabilityAlive(customer);
  const expected = f.expectedPurchases(customer, o.horizon);
  const expectedRevenueLost = churn * f.rateIfAlive(customer) * o.horizon * o.expectedSpend;
  const { frequency: x, recency, T } = customer;
  const unit = o.timeUnit;
  const reasons: string[] = [];
  const silence = T - recency;
  if (x > 0) {
    const interval = recency / x;
    reasons.push(`bought ${x + 1} times, last ${amount(silence, unit)} ago; used to buy every ${amount(interval, unit)}`);
    if (interval > 0 && silence > 2 * interval) {
      reasons.push(`silent for ${count(silence / interval)} times their usual gap between purchases`);
    }
  } else {
    reasons.push(`bought once, ${amount(T, unit)} ago`);
  }
  const horizon = amount(o.horizon, unit);
  reasons.push(outlook(1 - churn, horizon));
  reasons.push(`expected purchases in the next ${horizon}: ${expectation(expected)}`);
  return {
    churnProbability: churn,
    probabilityAlive: pAlive,
    expectedPurchases: expected,
    expectedRevenueLost,
    riskBand: bandOf(churn, o.thresholds),
    reasons,
  };
}

/**
 * Scores one customer's churn risk under a fitted purchase model: the churn probability
 * (P(no purchase within the horizon | history)), probability alive, expected purchases, expected
 * revenue lost, a risk band and reasons in words, e.g. "bought once, 25 weeks ago" and
 * "customers like this rarely return: 6% chance of a purchase in the next 13 weeks".
 *
 * @example
 * ```ts
 * churnScore(fit, { frequency: 4, recency: 120, T: 262 }, { horizon: 30, timeUnit: 'days', expectedSpend: 4200 });
 * // { churnProbability: 0.87, riskBand: 'high', reasons: ['bought 5 times, last 142 days ago; used to buy every 30 days', ...], ... }
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
