import { ValidationError, type CrmIssue } from '../storage/errors.js';

/**
 * The codes of the issues analytics validation reports, as a closed list. Every
 * `ValidationError` thrown by `src/analytics` carries issues with one of these codes.
 */
export const analyticsIssueCodes = [
  'not_finite',
  'negative',
  'not_integer',
  'not_positive',
  'recency_exceeds_age',
  'recency_without_repeat',
  'repeat_without_recency',
  'spend_without_repeat',
  'invalid_date',
  'invalid_customer_id',
  'invalid_option',
  'empty_input',
] as const;

/** One of {@link analyticsIssueCodes}. */
export type AnalyticsIssueCode = (typeof analyticsIssueCodes)[number];

/**
 * The three numbers every buy-till-you-die model reads for a customer, in one time unit:
 * `frequency` x (number of repeat purchase periods), `recency` t_x (age at the last purchase)
 * and `T` (age at the end of observation).
 */
export interface RfmObservation {
  /** x: purchase periods after the first one. A whole number ≥ 0. */
  readonly frequency: number;
  /** t_x: time from the first to the last purchase, 0 when `frequency` is 0. */
  readonly recency: number;
  /** T: time from the first purchase to the end of observation; ≥ `recency`. */
  readonly T: number;
}

/** Collects issues; call {@link IssueList.throwIfAny} once all input is checked. */
export class IssueList {
  /** The issues found so far. */
  readonly issues: CrmIssue[] = [];

  /** Records one issue. */
  add(code: AnalyticsIssueCode, path: readonly PropertyKey[], message: string): void {
    this.issues.push({ code, path, message });
  }

  /** Throws a `ValidationError` carrying every issue, if there is one. */
  throwIfAny(message: string): void {
    if (this.issues.length === 0) return;
    const first = this.issues[0] as CrmIssue;
    const more = this.issues.length > 1 ? ` (and ${this.issues.length - 1} more issue(s))` : '';
    throw new ValidationError(`${message}: ${first.message}${more}`, this.issues.slice());
  }
}

const RELATIVE_SLACK = 1e-9;

/** Checks one {@link RfmObservation}, recording problems under `path`. */
export function checkRfm(customer: RfmObservation, path: readonly PropertyKey[], issues: IssueList): void {
  const { frequency, recency, T } = customer;
  let finite = true;
  for (const [key, value] of [
    ['frequency', frequency],
    ['recency', recency],
    ['T', T],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.add('not_finite', [...path, key], `${key} must be a finite number, got ${String(value)}`);
      finite = false;
    } else if (value < 0) {
      issues.add('negative', [...path, key], `${key} must not be negative, got ${value}`);
      finite = false;
    }
  }
  if (!finite) return;
  if (!Number.isInteger(frequency)) {
    issues.add('not_integer', [...path, 'frequency'], `frequency counts purchase periods and must be whole, got ${frequency}`);
  }
  if (recency > T * (1 + RELATIVE_SLACK) + RELATIVE_SLACK) {
    issues.add('recency_exceeds_age', [...path, 'recency'], `recency (${recency}) cannot exceed the customer's age T (${T})`);
  }
  if (frequency === 0 && recency > 0) {
    issues.add('recency_without_repeat', [...path, 'recency'], `a customer with no repeat purchase has recency 0, got ${recency}`);
  }
  if (frequency > 0 && recency === 0) {
    issues.add('repeat_without_recency', [...path, 'recency'], `a customer with ${frequency} repeat purchase period(s) must have recency > 0`);
  }
}

/**
 * Throws a `ValidationError` unless `customer` is a possible (frequency, recency, T) triple.
 *
 * @example
 * ```ts
 * assertRfm({ frequency: 2, recency: 30.43, T: 38.86 }); // fine
 * assertRfm({ frequency: 0, recency: 3, T: 38.86 });     // throws, issue code 'recency_without_repeat'
 * ```
 */
export function assertRfm(customer: RfmObservation, path: readonly PropertyKey[] = []): void {
  const issues = new IssueList();
  checkRfm(customer, path, issues);
  issues.throwIfAny('Invalid customer summary');
}

/**
 * Throws a `ValidationError` unless every named model parameter is a finite positive number.
 *
 * @example
 * ```ts
 * assertPositiveParameters({ r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, ['r', 'alpha', 'a', 'b']);
 * ```
 */
export function assertPositiveParameters<K extends string>(
  params: Readonly<Record<K, number>>,
  names: readonly K[],
): void {
  const issues = new IssueList();
  for (const name of names) {
    const value = params[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      issues.add('not_positive', ['params', name], `model parameter ${name} must be a finite positive number, got ${String(value)}`);
    }
  }
  issues.throwIfAny('Invalid model parameters');
}

/**
 * Throws a `ValidationError` unless `value` is a finite number ≥ 0 (a horizon, a duration, a rate).
 *
 * @example
 * ```ts
 * assertNonNegative(52, 'horizon');
 * ```
 */
export function assertNonNegative(value: number, name: string): void {
  const issues = new IssueList();
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.add('not_finite', [name], `${name} must be a finite number, got ${String(value)}`);
  } else if (value < 0) {
    issues.add('negative', [name], `${name} must not be negative, got ${value}`);
  }
  issues.throwIfAny(`Invalid ${name}`);
}

/**
 * Throws a `ValidationError` unless `value` is a whole number ≥ 0 (a purchase count).
 *
 * @example
 * ```ts
 * assertCount(3, 'purchases');
 * ```
 */
export function assertCount(value: number, name: string): void {
  assertNonNegative(value, name);
  if (!Number.isInteger(value)) {
    const issues = new IssueList();
    issues.add('not_integer', [name], `${name} must be a whole number, got ${value}`);
    issues.throwIfAny(`Invalid ${name}`);
  }
}
