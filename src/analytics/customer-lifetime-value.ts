import { assertNonNegative, assertRfm, IssueList, type RfmObservation } from './analytics-validation.js';
import { purchaseModelFunctions, type PurchaseModel } from './purchase-model.js';
import { daysToUnit, DAYS_PER_MONTH, timeUnits, type TimeUnit } from './time-unit.js';

/** Options of {@link customerLifetimeValue}. */
export interface LifetimeValueOptions {
  /** Expected spend per future purchase, e.g. from {@link gammaGammaExpectedSpend}; any currency unit. */
  readonly expectedSpend: number;
  /** The unit the customer's recency and T are measured in. */
  readonly timeUnit: TimeUnit;
  /** Horizon in months (default 12). */
  readonly months?: number;
  /** Discount rate per month (default 0.01, about 12.7 % a year). */
  readonly monthlyDiscountRate?: number;
  /**
   * Time units per month. Defaults to the mean Gregorian month (30.44 days, 4.35 weeks, 1 month).
   * `lifetimes` uses 30 for days and 4.345 for weeks; pass those to reproduce its figures.
   */
  readonly periodsPerMonth?: number;
}

/**
 * Customer lifetime value by discounted cash flow, the method of `lifetimes`'
 * `customer_lifetime_value`: for each month m = 1…months, the expected purchases in that month
 * (the difference of the conditional expectation at the month's end and start) times the expected
 * spend, discounted by (1 + rate)^m.
 *
 * @example
 * ```ts
 * const spend = gammaGammaExpectedSpend(spendFit.params, customer);
 * customerLifetimeValue(purchaseFit, customer, { expectedSpend: spend, timeUnit: 'weeks' });
 * ```
 */
export function customerLifetimeValue(model: PurchaseModel, customer: RfmObservation, options: LifetimeValueOptions): number {
  const f = purchaseModelFunctions(model);
  assertRfm(customer);
  const months = options?.months ?? 12;
  const rate = options?.monthlyDiscountRate ?? 0.01;
  const issues = new IssueList();
  if (!(timeUnits as readonly string[]).includes(options?.timeUnit)) {
    issues.add('invalid_option', ['timeUnit'], `timeUnit must be one of ${timeUnits.join(', ')}`);
  }
  if (!Number.isInteger(months) || months < 0) issues.add('not_integer', ['months'], `months must be a whole number ≥ 0, got ${months}`);
  if (!(Number.isFinite(rate) && rate > -1)) issues.add('invalid_option', ['monthlyDiscountRate'], `monthlyDiscountRate must be > -1, got ${rate}`);
  issues.throwIfAny('Invalid lifetime value options');
  assertNonNegative(options.expectedSpend, 'expectedSpend');
  const perMonth = options.periodsPerMonth ?? daysToUnit(DAYS_PER_MONTH, options.timeUnit);
  if (!(Number.isFinite(perMonth) && perMonth > 0)) {
    const bad = new IssueList();
    bad.add('not_positive', ['periodsPerMonth'], `periodsPerMonth must be positive, got ${perMonth}`);
    bad.throwIfAny('Invalid lifetime value options');
  }
  let value = 0;
  let previous = 0;
  for (let m = 1; m <= months; m += 1) {
    const cumulative = f.expectedPurchases(customer, m * perMonth);
    value += (options.expectedSpend * (cumulative - previous)) / (1 + rate) ** m;
    previous = cumulative;
  }
  return value;
}
