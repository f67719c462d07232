import { assertNonNegative, assertPositiveParameters, assertRfm, IssueList, type RfmObservation } from './analytics-validation.js';
import {
  bgNbdExpectedPurchasesUnchecked,
  bgNbdExpectedPurchasesUnconditional,
  bgNbdParameterNames,
  bgNbdProbabilityAliveUnchecked,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdParameters,
} from './bg-nbd.js';
import { bgNbdFamilyChurnProbability, paretoNbdChurnProbability, purchaseRateIfAlive } from './churn-probability.js';
import type { FitOptions } from './maximum-likelihood.js';
import {
  fitModifiedBgNbd,
  modifiedBgNbdExpectedPurchasesUnchecked,
  modifiedBgNbdExpectedPurchasesUnconditional,
  modifiedBgNbdProbabilityAliveUnchecked,
  type ModifiedBgNbdFit,
  type ModifiedBgNbdParameters,
} from './modified-bg-nbd.js';
import {
  fitParetoNbd,
  paretoNbdExpectedPurchasesUnchecked,
  paretoNbdExpectedPurchasesUnconditional,
  paretoNbdParameterNames,
  paretoNbdProbabilityAliveUnchecked,
  type ParetoNbdFit,
  type ParetoNbdParameters,
} from './pareto-nbd.js';

/** The purchase ("buy till you die") models crmkit implements. */
export const purchaseModelKinds = ['bg-nbd', 'modified-bg-nbd', 'pareto-nbd'] as const;

/** One of {@link purchaseModelKinds}. */
export type PurchaseModelKind = (typeof purchaseModelKinds)[number];

/**
 * A purchase model: its kind and parameters. Every fit result is one, so a fit can be passed
 * wherever a model is expected, and a stored `{ kind, params }` works just as well.
 */
export type PurchaseModel =
  | { readonly kind: 'bg-nbd'; readonly params: BgNbdParameters }
  | { readonly kind: 'modified-bg-nbd'; readonly params: ModifiedBgNbdParameters }
  | { readonly kind: 'pareto-nbd'; readonly params: ParetoNbdParameters };

/** The fit result of any purchase model. */
export type PurchaseModelFit = BgNbdFit | ModifiedBgNbdFit | ParetoNbdFit;

/** Validated, unchecked per-customer functions of a model. Internal. */
export interface PurchaseModelFunctions {
  probabilityAlive(customer: RfmObservation): number;
  expectedPurchases(customer: RfmObservation, t: number): number;
  /** P(no purchase in the next t | history). */
  churnProbability(customer: RfmObservation, t: number): number;
  /** E[purchase rate | alive, history], per time unit. */
  rateIfAlive(customer: RfmObservation): number;
}

/**
 * Remembers the value for the last customer object: scoring asks for P(alive), the churn
 * probability, the expectation and a year of monthly expectations of the same customer in a row,
 * and P(alive) (two 2F1 under the Pareto/NBD) is the expensive part. Internal.
 */
function lastCustomerMemo(compute: (c: RfmObservation) => number): (c: RfmObservation) => number {
  let last: RfmObservation | undefined;
  let lastFrequency = 0;
  let lastRecency = 0;
  let lastT = 0;
  let value = 0;
  return (c) => {
    if (c !== last || c.frequency !== lastFrequency || c.recency !== lastRecency || c.T !== lastT) {
      value = compute(c);
      last = c;
      lastFrequency = c.frequency;
      lastRecency = c.recency;
      lastT = c.T;
    }
    return value;
  };
}

/** Validates the model once and returns fast per-customer functions. Internal. */
export function purchaseModelFunctions(model: PurchaseModel): PurchaseModelFunctions {
  switch (model?.kind) {
    case 'bg-nbd': {
      assertPositiveParameters(model.params, bgNbdParameterNames);
      const p = model.params;
      return {
        probabilityAlive: (c) => bgNbdProbabilityAliveUnchecked(p, c),
        expectedPurchases: (c, t) => bgNbdExpectedPurchasesUnchecked(p, c, t),
        churnProbability: (c, t) => bgNbdFamilyChurnProbability(p, c, t, bgNbdProbabilityAliveUnchecked(p, c)),
        rateIfAlive: (c) => purchaseRateIfAlive(p, c),
      };
    }
    case 'modified-bg-nbd': {
      assertPositiveParameters(model.params, bgNbdParameterNames);
      const p = model.params;
      const alive = lastCustomerMemo((c) => modifiedBgNbdProbabilityAliveUnchecked(p, c));
      return {
        probabilityAlive: alive,
        expectedPurchases: (c, t) => modifiedBgNbdExpectedPurchasesUnchecked(p, c, t, alive(c)),
        churnProbability: (c, t) => bgNbdFamilyChurnProbability(p, c, t, alive(c)),
        rateIfAlive: (c) => purchaseRateIfAlive(p, c),
      };
    }
    case 'pareto-nbd': {
      assertPositiveParameters(model.params, paretoNbdParameterNames);
      const p = model.params;
      const alive = lastCustomerMemo((c) => paretoNbdProbabilityAliveUnchecked(p, c));
      return {
        probabilityAlive: alive,
        expectedPurchases: (c, t) => paretoNbdExpectedPurchasesUnchecked(p, c, t, alive(c)),
        churnProbability: (c, t) => paretoNbdChurnProbability(p, c, t, alive(c)),
        rateIfAlive: (c) => purchaseRateIfAlive(p, c),
      };
    }
    default: {
      const issues = new IssueList();
      issues.add('invalid_option', ['kind'], `model kind must be one of ${purchaseModelKinds.join(', ')}, got ${String((model as { kind?: unknown })?.kind)}`);
      issues.throwIfAny('Invalid purchase model');
      throw new Error('unreachable');
    }
  }
}

/**
 * Fits the purchase model of the given kind.
 *
 * @example
 * ```ts
 * const model = fitPurchaseModel('pareto-nbd', summaries, { penalty: 0.001 });
 * ```
 */
export function fitPurchaseModel(
  kind: PurchaseModelKind,
  customers: readonly RfmObservation[],
  options: FitOptions<Readonly<Record<string, number>>> = {},
): PurchaseModelFit {
  switch (kind) {
    case 'bg-nbd':
      return fitBgNbd(customers, options);
    case 'modified-bg-nbd':
      return fitModifiedBgNbd(customers, options);
    case 'pareto-nbd':
      return fitParetoNbd(customers, options);
    default:
      return purchaseModelFunctions({ kind } as unknown as PurchaseModel) as never;
  }
}

/**
 * P(alive | x, t_x, T) under any purchase model.
 *
 * @example
 * ```ts
 * probabilityAlive(fit, { frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export function probabilityAlive(model: PurchaseModel, customer: RfmObservation): number {
  const f = purchaseModelFunctions(model);
  assertRfm(customer);
  return f.probabilityAlive(customer);
}

/**
 * The churn probability: P(no purchase in the next `horizon` time units | x, t_x, T) under any
 * purchase model. Unlike 1 - P(alive) it is a statement about something observable (the customer
 * does not buy within the horizon), so it can be checked against a holdout; and under the modified
 * BG/NBD and Pareto/NBD one-time buyers are not assumed alive.
 *
 * @example
 * ```ts
 * churnProbability(fit, { frequency: 0, recency: 0, T: 25 }, 13); // ≈ 0.9: one purchase 25 weeks ago
 * ```
 */
export function churnProbability(model: PurchaseModel, customer: RfmObservation, horizon: number): number {
  const f = purchaseModelFunctions(model);
  assertRfm(customer);
  assertNonNegative(horizon, 'horizon');
  return f.churnProbability(customer, horizon);
}

/**
 * Expected repeat purchases in the next `t` time units given the history, under any purchase model.
 *
 * @example
 * ```ts
 * expectedPurchases(fit, { frequency: 2, recency: 30.43, T: 38.86 }, 52);
 * ```
 */
export function expectedPurchases(model: PurchaseModel, customer: RfmObservation, t: number): number {
  const f = purchaseModelFunctions(model);
  assertRfm(customer);
  assertNonNegative(t, 't');
  return f.expectedPurchases(customer, t);
}

/**
 * E[X(t)]: expected repeat purchases of a new, randomly chosen customer in the `t` time units
 * after the first purchase, under any purchase model.
 *
 * @example
 * ```ts
 * expectedPurchasesUnconditional(fit, 52);
 * ```
 */
export function expectedPurchasesUnconditional(model: PurchaseModel, t: number): number {
  purchaseModelFunctions(model);
  switch (model.kind) {
    case 'bg-nbd':
      return bgNbdExpectedPurchasesUnconditional(model.params, t);
    case 'modified-bg-nbd':
      return modifiedBgNbdExpectedPurchasesUnconditional(model.params, t);
    case 'pareto-nbd':
      return paretoNbdExpectedPurchasesUnconditional(model.params, t);
  }
}
