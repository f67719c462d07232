import { IssueList, type RfmObservation } from './analytics-validation.js';
import { periodIndex, periodSpan, purchasePeriods, timeUnits, type PurchasePeriod, type TimeUnit } from './time-unit.js';

/** A purchase as the analytics read it; `amount` is in integer minor units (cents). */
export interface PurchaseEvent {
  /** Who bought. */
  readonly customerId: string;
  /** When (any time zone; periods are taken in UTC). */
  readonly occurredAt: Date;
  /** What was spent, in integer minor units; treated as 0 when absent. */
  readonly amount?: number;
}

/** How summaries are computed. */
export interface SummaryOptions {
  /**
   * The last instant of observation; its whole period counts. Events after that period are
   * ignored. T is measured from the first purchase period to this period.
   */
  readonly observationEnd: Date;
  /**
   * When given, splits the data: the calibration period runs to the end of this date's period and
   * the holdout from there to `observationEnd`. Recency, frequency, T and spend then describe the
   * calibration period only, customers whose first purchase falls in the holdout are left out,
   * and each row gets a {@link HoldoutSummary}.
   */
  readonly calibrationEnd?: Date;
  /** The unit of recency, T and holdout duration (default `'days'`). */
  readonly timeUnit?: TimeUnit;
  /** Purchases within the same UTC period are merged into one (default `'day'`). */
  readonly period?: PurchasePeriod;
}

/** What happened in the holdout period. */
export interface HoldoutSummary {
  /** Number of distinct purchase periods in the holdout (each counts as a repeat purchase). */
  readonly frequency: number;
  /** Length of the holdout period in the time unit. */
  readonly duration: number;
  /** Total spend in the holdout, minor units. */
  readonly spend: number;
}

/** One customer's summary: the inputs of the purchase and spend models. */
export interface CustomerSummary extends RfmObservation {
  /** The customer. */
  readonly customerId: string;
  /** x: number of distinct purchase periods after the first one (repeat purchases). */
  readonly frequency: number;
  /** t_x: from the first to the last purchase period, in the time unit. */
  readonly recency: number;
  /** T: from the first purchase period to the end of observation (or calibration), in the time unit. */
  readonly T: number;
  /** Mean spend per repeat purchase period, minor units (0 when `frequency` is 0): the Gamma-Gamma input. */
  readonly monetaryValue: number;
  /** The first purchase. */
  readonly firstPurchaseAt: Date;
  /** The last purchase within the (calibration) observation window. */
  readonly lastPurchaseAt: Date;
  /** Holdout figures, present when `calibrationEnd` was given; otherwise `null`. */
  readonly holdout: HoldoutSummary | null;
}

/**
 * The per-customer pieces a database can compute with one GROUP BY (min, max, count of distinct
 * purchase periods, sums), from which {@link summaryFromAggregates} builds the summary row.
 */
export interface CustomerAggregates {
  /** The customer. */
  readonly customerId: string;
  /** Earliest purchase (within the calibration window when there is one). */
  readonly firstPurchaseAt: Date;
  /** Latest purchase within the (calibration) window. */
  readonly lastPurchaseAt: Date;
  /** Number of distinct purchase periods within the (calibration) window, ≥ 1. */
  readonly distinctPeriods: number;
  /** Spend in all periods but the first, minor units (default 0). */
  readonly repeatSpendTotal?: number;
  /** Distinct purchase periods in the holdout (only with `calibrationEnd`; default 0). */
  readonly holdoutPeriods?: number;
  /** Spend in the holdout, minor units (default 0). */
  readonly holdoutSpendTotal?: number;
}

/** Resolved, validated summary options. Internal. */
export interface ResolvedSummaryOptions {
  readonly unit: TimeUnit;
  readonly period: PurchasePeriod;
  readonly endPeriod: number;
  readonly calibrationEndPeriod: number;
  readonly hasHoldout: boolean;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Validates and resolves {@link SummaryOptions}. Internal. */
export function resolveSummaryOptions(options: SummaryOptions): ResolvedSummaryOptions {
  const issues = new IssueList();
  const unit = options?.timeUnit ?? 'days';
  const period = options?.period ?? 'day';
  if (!isValidDate(options?.observationEnd)) issues.add('invalid_date', ['observationEnd'], 'observationEnd must be a valid Date');
  if (options?.calibrationEnd !== undefined && !isValidDate(options.calibrationEnd)) {
    issues.add('invalid_date', ['calibrationEnd'], 'calibrationEnd must be a valid Date');
  }
  if (!(timeUnits as readonly string[]).includes(unit)) {
    issues.add('invalid_option', ['timeUnit'], `timeUnit must be one of ${timeUnits.join(', ')}, got ${String(unit)}`);
  }
  if (!(purchasePeriods as readonly string[]).includes(period)) {
    issues.add('invalid_option', ['period'], `period must be one of ${purchasePeriods.join(', ')}, got ${String(period)}`);
  }
  issues.throwIfAny('Invalid summary options');
  const endPeriod = periodIndex(options.observationEnd, period);
  const hasHoldout = options.calibrationEnd !== undefined;
  const calibrationEndPeriod = hasHoldout ? periodIndex(options.calibrationEnd as Date, period) : endPeriod;
  if (calibrationEndPeriod > endPeriod) {
    issues.add('invalid_option', ['calibrationEnd'], 'calibrationEnd must not be after observationEnd');
    issues.throwIfAny('Invalid summary options');
  }
  return { unit, period, endPeriod, calibrationEndPeriod, hasHoldout };
}

/** Builds a row from validated pieces, in period indexes. Internal. */
export function buildSummary(
  customerId: string,
  firstMs: number,
  lastMs: number,
  firstPeriod: number,
  lastPeriod: number,
  distinctPeriods: number,
  repeatSpend: number,
  holdoutPeriods: number,
  holdoutSpend: number,
  o: ResolvedSummaryOptions,
): CustomerSummary {
  const frequency = distinctPeriods - 1;
  return {
    customerId,
    frequency,
    recency: periodSpan(firstPeriod, lastPeriod, o.period, o.unit),
    T: periodSpan(firstPeriod, o.calibrationEndPeriod, o.period, o.unit),
    monetaryValue: frequency > 0 ? repeatSpend / frequency : 0,
    firstPurchaseAt: new Date(firstMs),
    lastPurchaseAt: new Date(lastMs),
    holdout: o.hasHoldout
      ? { frequency: holdoutPeriods, duration: periodSpan(o.calibrationEndPeriod, o.endPeriod, o.period, o.unit), spend: holdoutSpend }
      : null,
  };
}

/**
 * Builds a customer's summary row from aggregates a database computed (first and last purchase,
 * distinct purchase periods, repeat spend), giving exactly what {@link summarizeTransactions}
 * gives for the same events. Throws a `ValidationError` for impossible aggregates (last
 * before first, one period but two different first/last periods, a purchase after the window...).
 *
 * @example
 * ```ts
 * summaryFromAggregates(
 *   { customerId: 'c1', firstPurchaseAt: new Date('1997-01-01'), lastPurchaseAt: new Date('1997-08-02'),
 *     distinctPeriods: 3, repeatSpendTotal: 4469 },
 *   { observationEnd: new Date('1997-09-30'), timeUnit: 'weeks' },
 * ); // { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 2234.5, ... }
 * ```
 */
export function summaryFromAggregates(aggregates: CustomerAggregates, options: SummaryOptions): CustomerSummary {
  const o = resolveSummaryOptions(options);
  const issues = new IssueList();
  const a = aggregates;
  if (typeof a?.customerId !== 'string' || a.customerId.length === 0) {
    issues.add('invalid_customer_id', ['customerId'], 'customerId must be a non-empty string');
  }
  if (!isValidDate(a?.firstPurchaseAt)) issues.add('invalid_date', ['firstPurchaseAt'], 'firstPurchaseAt must be a valid Date');
  if (!isValidDate(a?.lastPurchaseAt)) issues.add('invalid_date', ['lastPurchaseAt'], 'lastPurchaseAt must be a valid Date');
  if (!Number.isInteger(a?.distinctPeriods) || (a?.distinctPeriods ?? 0) < 1) {
    issues.add('not_integer', ['distinctPeriods'], `distinctPeriods must be a whole number ≥ 1, got ${String(a?.distinctPeriods)}`);
  }
  for (const key of ['repeatSpendTotal', 'holdoutPeriods', 'holdoutSpendTotal'] as const) {
    const value = a?.[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      issues.add('negative', [key], `${key} must be a finite number ≥ 0, got ${String(value)}`);
    }
  }
  issues.throwIfAny('Invalid customer aggregates');
  const firstPeriod = periodIndex(a.firstPurchaseAt, o.period);
  const lastPeriod = periodIndex(a.lastPurchaseAt, o.period);
  if (lastPeriod < firstPeriod) issues.add('invalid_date', ['lastPurchaseAt'], 'lastPurchaseAt is before firstPurchaseAt');
  if (lastPeriod > o.calibrationEndPeriod) {
    issues.add('invalid_date', ['lastPurchaseAt'], 'lastPurchaseAt falls after the (calibration) observation window');
  }
  if (a.distinctPeriods > lastPeriod - firstPeriod + 1) {
    issues.add('invalid_option', ['distinctPeriods'], `${a.distinctPeriods} distinct periods cannot fit between the first and last purchase`);
  }
  if (a.distinctPeriods === 1 && lastPeriod !== firstPeriod) {
    issues.add('recency_without_repeat', ['distinctPeriods'], 'one purchase period but first and last purchases fall in different periods');
  }
  if (a.distinctPeriods > 1 && lastPeriod === firstPeriod) {
    issues.add('repeat_without_recency', ['distinctPeriods'], 'several purchase periods but first and last purchases fall in the same period');
  }
  if (!o.hasHoldout && (a.holdoutPeriods ?? 0) > 0) {
    issues.add('invalid_option', ['holdoutPeriods'], 'holdoutPeriods given without calibrationEnd');
  }
  issues.throwIfAny('Invalid customer aggregates');
  return buildSummary(
    a.customerId,
    a.firstPurchaseAt.getTime(),
    a.lastPurchaseAt.getTime(),
    firstPeriod,
    lastPeriod,
    a.distinctPeriods,
    a.repeatSpendTotal ?? 0,
    a.holdoutPeriods ?? 0,
    a.holdoutSpendTotal ?? 0,
    o,
  );
}
