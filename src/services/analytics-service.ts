import { customerLifetimeValue } from '../analytics/customer-lifetime-value.js';
import { scoreCustomers, type ChurnScore, type RiskBandThresholds } from '../analytics/churn-score.js';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from '../analytics/gamma-gamma.js';
import type { FitOptions } from '../analytics/maximum-likelihood.js';
import { fitPurchaseModel, type PurchaseModelFit, type PurchaseModelKind } from '../analytics/purchase-model.js';
import { periodIndex, periodStart, type PurchasePeriod, type TimeUnit } from '../analytics/time-unit.js';
import { createTransactionSummarizer, type TransactionSummarizer } from '../analytics/transaction-summarizer.js';
import type { CustomerSummary, PurchaseEvent, SummaryOptions } from '../analytics/transaction-summary.js';
import type { Customer } from '../schema/customer.js';
import type { Interaction } from '../schema/interaction.js';
import type { AggregateGroupKey, DateBucket } from '../storage/aggregate-query.js';
import { ValidationError } from '../storage/errors.js';
import type { Filter } from '../storage/filter.js';
import type { ModelService } from './model-service.js';
import { rfmScores, type RfmRule, type RfmScore } from '../analytics/rfm-scores.js';

/**
 * Options of `crm.analytics.rfm`.
 *
 * @example
 * ```ts
 * const options: RfmOptions = { asOf: new Date('2025-01-01'), currency: 'EUR' };
 * ```
 */
export interface RfmOptions {
  /** The scoring date; purchases after it are left out. The crm clock's now by default. */
  readonly asOf?: Date;
  /** Only purchases in this currency; required when purchases come in several. */
  readonly currency?: string;
  /** Only interactions matching this filter (on interactions). */
  readonly where?: Filter;
  /** The rule table; the standard one by default. */
  readonly rules?: readonly RfmRule[];
}

/** Options of {@link AnalyticsService.summarize}. */
export interface SummarizeOptions extends Omit<SummaryOptions, 'observationEnd'> {
  /** The end of observation; the crm clock's now by default. */
  readonly observationEnd?: Date;
  /** Only purchases in this currency. Required when the purchases use more than one. */
  readonly currency?: string;
  /** Narrows the purchases further (a channel, a customer segment's ids…). */
  readonly where?: Filter;
}

/**
 * The orders a churn report can be sorted in.
 *
 * @example
 * ```ts
 * await crm.analytics.churn({ sortBy: 'expectedRevenueLost' });
 * ```
 */
export const churnSortOrders = ['churnProbability', 'expectedRevenueLost'] as const;

/** One of {@link churnSortOrders}. */
export type ChurnSortOrder = (typeof churnSortOrders)[number];

/** Options of {@link AnalyticsService.churn}. */
export interface ChurnOptions extends SummarizeOptions {
  /**
   * The purchase model (default `pareto-nbd`: on the CDNOW 39/39-week split its churn probability
   * ranks and calibrates best of the three; see `docs/analytics.md`).
   */
  readonly model?: PurchaseModelKind;
  /** The horizon of the churn probability, expected purchases and revenue lost, in `timeUnit` (default 30 days' worth). */
  readonly horizon?: number;
  /** Months of customer lifetime value (default 12). */
  readonly lifetimeMonths?: number;
  /** Monthly discount rate for lifetime value (default 0.01). */
  readonly monthlyDiscountRate?: number;
  /** Risk band thresholds on the churn probability. */
  readonly thresholds?: RiskBandThresholds;
  /**
   * `churnProbability` (default): most likely not to buy within the horizon first.
   * `expectedRevenueLost`: churn probability × the customer's spend in the horizon if active, largest first.
   */
  readonly sortBy?: ChurnSortOrder;
  /**
   * Fit the models on at most this many customers (an evenly spread, deterministic sample in
   * customer order) instead of all of them; every customer is scored either way. By default
   * every customer is used.
   */
  readonly fitSampleSize?: number;
  /** Options of the purchase model fit (penalty, starting values, iteration budget). */
  readonly fit?: FitOptions<Readonly<Record<string, number>>>;
  /**
   * Write each scored customer's churn probability, band, expected revenue lost, lifetime value,
   * horizon, model and time to the managed `churn` field of the customer record, in atomic
   * batches of 1,000 (one `customer.updated` event each); a re-run overwrites them. Filters and
   * segments can then use them: `where('churn.riskBand', 'eq', 'high')`. Customers without
   * purchases in this run keep what an earlier run wrote.
   */
  readonly persist?: boolean;
}

/** One customer's churn assessment, with the summary it rests on. */
export interface CustomerChurn {
  /** The customer. */
  readonly customerId: string;
  /** Recency, frequency, age and spend, in the chosen time unit and minor units. */
  readonly summary: CustomerSummary;
  /** Churn probability, P(alive), expected purchases, expected revenue lost (minor units), risk band and reasons in words. */
  readonly churn: ChurnScore;
  /** Expected spend per future purchase (Gamma-Gamma), minor units; absent when it could not be fitted. */
  readonly expectedSpend?: number;
  /** Discounted customer lifetime value over `lifetimeMonths`, minor units; absent without a spend model. */
  readonly lifetimeValue?: number;
}

/**
 * Why a churn report is less than it might be, as a closed list.
 *
 * @example
 * ```ts
 * report.warnings.filter((w) => w.code === 'not_converged');
 * ```
 */
export const churnWarningCodes = ['too_few_customers', 'not_converged', 'no_spend_model'] as const;

/** One of {@link churnWarningCodes}. */
export type ChurnWarningCode = (typeof churnWarningCodes)[number];

/**
 * A warning on a churn report: a typed issue, never an exception.
 *
 * @example
 * ```ts
 * // { code: 'too_few_customers', path: [], message: 'churn models need purchases of at least two customers, found 1' }
 * ```
 */
export interface ChurnWarning {
  /** What went wrong. */
  readonly code: ChurnWarningCode;
  /** Which model or input: `['purchaseModel']`, `['spendModel']`, `[]`. */
  readonly path: readonly PropertyKey[];
  /** In words. */
  readonly message: string;
}

/** The result of {@link AnalyticsService.churn}: the fitted models and every customer, in `sortedBy` order. */
export interface ChurnReport {
  /** The purchase model fit; `null` when there were fewer than two customers to fit it on. */
  readonly purchaseModel: PurchaseModelFit | null;
  /** The spend model fit, or `null` when too few customers bought twice. */
  readonly spendModel: GammaGammaFit | null;
  /** The currency of all amounts. */
  readonly currency: string | undefined;
  /** The horizon of the churn probabilities, in `timeUnit`. */
  readonly horizon: number;
  /** The time unit of the summaries and the horizon. */
  readonly timeUnit: TimeUnit;
  /** The order of `customers`. */
  readonly sortedBy: ChurnSortOrder;
  /** Scored customers (none when the purchase model could not be fitted). */
  readonly customers: readonly CustomerChurn[];
  /** Fits that did not converge, models left out, too little data: empty when all is well. */
  readonly warnings: readonly ChurnWarning[];
  /** With `persist: true`: customers whose `churn` field was written, and those skipped (deleted or changed meanwhile). */
  readonly persisted?: { readonly updated: number; readonly skipped: number };
}

const minimumSpendCustomers = 10;

/** Every k-th row so that at most `size` remain, spread evenly over the list (all rows when there are fewer). */
function evenSample<T>(rows: readonly T[], size: number | undefined): readonly T[] {
  if (size === undefined) return rows;
  if (!Number.isInteger(size) || size < 2) {
    throw new ValidationError('fitSampleSize must be an integer of at least 2', [
      { code: 'invalid_option', path: ['fitSampleSize'], message: `got ${String(size)}` },
    ]);
  }
  if (rows.length <= size) return rows;
  const step = rows.length / size;
  return Array.from({ length: size }, (_, i) => rows[Math.floor(i * step)]!);
}

/**
 * `crm.analytics`: customer-base analysis over the stored purchase interactions.
 * Purchases are streamed through the summarizer (never loaded at once): on an
 * adapter that aggregates in storage (SQL) with day or week periods, the
 * database groups them per customer and period and only those rows stream
 * out. Then the purchase and spend models are fitted and every customer scored.
 *
 * @example
 * ```ts
 * const report = await crm.analytics.churn({ timeUnit: 'weeks', horizon: 4, currency: 'EUR' });
 * for (const c of report.customers.slice(0, 10)) console.log(c.customerId, c.churn.riskBand, c.churn.reasons);
 * ```
 */
export class AnalyticsService {
  readonly #interactions: ModelService<Interaction, unknown>;
  readonly #customers: ModelService<Customer, unknown> | undefined;
  readonly #now: () => Date;

  /** @internal Made by `createCrm`. */
  constructor(interactions: ModelService<Interaction, unknown>, now: () => Date, customers?: ModelService<Customer, unknown>) {
    this.#interactions = interactions;
    this.#customers = customers;
    this.#now = now;
  }

  /**
   * RFM scores of every customer with a purchase up to `asOf`: recency,
   * frequency and monetary quintiles (ties share a score, recency reversed)
   * and the named segment of the rule table. The purchases are grouped per
   * customer (and currency) by `aggregate`, in the database where the adapter
   * aggregates (SQL), so only one row per customer reaches the core, which
   * ranks them. Refunds are not netted. Rows are ordered by customer id.
   *
   * @example
   * ```ts
   * const scores = await crm.analytics.rfm({ asOf: new Date('2025-01-01'), currency: 'EUR' });
   * scores.filter((s) => s.segment === "Can't Lose Them");
   * ```
   */
  async rfm(options: RfmOptions = {}): Promise<RfmScore[]> {
    const asOf = options.asOf ?? this.#now();
    if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
      throw new ValidationError('asOf must be a valid Date', [{ code: 'invalid_option', path: ['asOf'], message: 'asOf must be a valid Date' }]);
    }
    const conditions: Filter[] = [
      { field: 'kind', op: 'eq', value: 'purchase' },
      { field: 'occurredAt', op: 'lte', value: asOf },
    ];
    if (options.currency !== undefined) conditions.push({ field: 'purchase.currency', op: 'eq', value: options.currency.toUpperCase() });
    if (options.where !== undefined) conditions.push(options.where);
    const rows = this.#interactions.aggregateStream({
      where: { and: conditions },
      groupBy: options.currency === undefined ? ['customerId', 'purchase.currency'] : ['customerId'],
      measures: [
        { name: 'n', fn: 'count' },
        { name: 'spend', fn: 'sum', field: 'purchase.amount' },
        { name: 'last', fn: 'max', field: 'occurredAt' },
      ],
    } as never);
    const inputs = [];
    const currencies = new Set<string>();
    for await (const row of rows as AsyncIterable<{ key: readonly unknown[]; values: Record<string, unknown> }>) {
      if (options.currency === undefined && typeof row.key[1] === 'string') currencies.add(row.key[1]);
      if (currencies.size > 1) {
        throw new ValidationError('purchases come in several currencies: pass `currency` to choose one', [
          { code: 'mixed_currencies', path: ['currency'], message: `found ${[...currencies].join(', ')}` },
        ]);
      }
      inputs.push({ customerId: row.key[0] as string, purchases: row.values.n as number, monetary: row.values.spend as number, lastPurchaseAt: row.values.last as Date });
    }
    return rfmScores(inputs, { asOf, ...(options.rules === undefined ? {} : { rules: options.rules }) });
  }


  /**
   * The transaction summary of every customer with a purchase: frequency (repeat
   * purchase periods), recency and age in `timeUnit`, mean repeat spend net of
   * refunds, and the holdout figures when `calibrationEnd` is given. Rows are
   * ordered by customer id.
   *
   * @example
   * ```ts
   * const rows = await crm.analytics.summarize({ timeUnit: 'weeks', calibrationEnd: new Date('1997-09-30') });
   * ```
   */
  async summarize(options: SummarizeOptions = {}): Promise<{ readonly currency: string | undefined; readonly summaries: CustomerSummary[] }> {
    const observationEnd = options.observationEnd ?? this.#now();
    const summarizer = createTransactionSummarizer({ ...options, observationEnd });
    const period = options.period ?? 'day';
    // The whole period of `observationEnd` counts, as in the summarizer.
    const end = new Date(periodStart(periodIndex(observationEnd, period) + 1, period));
    const conditions: Filter[] = [
      { field: 'kind', op: 'eq', value: 'purchase' },
      { field: 'occurredAt', op: 'lt', value: end },
    ];
    if (options.currency !== undefined) conditions.push({ field: 'purchase.currency', op: 'eq', value: options.currency.toUpperCase() });
    if (options.where !== undefined) conditions.push(options.where);
    const where: Filter = { and: conditions };
    const currencies = new Set<string>();
    const addCurrency = (currency: string): void => {
      currencies.add(currency);
      if (currencies.size > 1) {
        throw new ValidationError('purchases come in several currencies: pass `currency` to choose one', [
          { code: 'mixed_currencies', path: ['currency'], message: `found ${[...currencies].join(', ')}` },
        ]);
      }
    };
    if (period !== 'month' && this.#interactions.aggregatesInStorage) {
      await this.#summarizeGrouped(where, period, options.currency, addCurrency, summarizer);
    } else {
      for await (const batch of this.#interactions.scan({ where, batchSize: 5000 })) {
        const events: PurchaseEvent[] = [];
        for (const interaction of batch) {
          if (interaction.purchase === undefined) continue;
          addCurrency(interaction.purchase.currency);
          events.push({ customerId: interaction.customerId, occurredAt: interaction.occurredAt, amount: interaction.purchase.amount });
        }
        summarizer.add(events);
      }
    }
    // One order whichever way the rows came: fits then add in the same order on every adapter.
    const sorted = summarizer.summaries().sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    const windowEnd = options.calibrationEnd === undefined ? end : new Date(periodStart(periodIndex(options.calibrationEnd, period) + 1, period));
    const summaries = await this.#netRefunds(sorted, { ...options, period }, windowEnd, addCurrency);
    return { currency: [...currencies][0], summaries };
  }

  /**
   * Refunds net off spend: a refund dated after the customer's first purchase period (within the
   * calibration window when there is one) reduces their repeat spend, so monetaryValue becomes
   * max(0, repeat spend - refunds) / frequency; a refund in the first purchase period refunds the
   * first purchase, which the spend model does not use. Frequency and recency are unchanged (the
   * purchase happened).
   */
  async #netRefunds(
    summaries: CustomerSummary[],
    options: SummarizeOptions & { readonly period: PurchasePeriod },
    windowEnd: Date,
    addCurrency: (currency: string) => void,
  ): Promise<CustomerSummary[]> {
    const conditions: Filter[] = [
      { field: 'kind', op: 'eq', value: 'refund' },
      { field: 'occurredAt', op: 'lt', value: windowEnd },
    ];
    if (options.currency !== undefined) conditions.push({ field: 'purchase.currency', op: 'eq', value: options.currency.toUpperCase() });
    if (options.where !== undefined) conditions.push(options.where);
    const refunds = new Map<string, { at: Date; amount: number }[]>();
    for await (const batch of this.#interactions.scan({ where: { and: conditions }, batchSize: 5000 })) {
      for (const refund of batch) {
        if (refund.purchase === undefined) continue;
        addCurrency(refund.purchase.currency);
        const list = refunds.get(refund.customerId) ?? [];
        list.push({ at: refund.occurredAt, amount: Math.abs(refund.purchase.amount) });
        refunds.set(refund.customerId, list);
      }
    }
    if (refunds.size === 0) return summaries;
    return summaries.map((summary) => {
      const list = refunds.get(summary.customerId);
      if (list === undefined || summary.frequency === 0) return summary;
      const first = periodIndex(summary.firstPurchaseAt, options.period);
      const refunded = list.filter((r) => periodIndex(r.at, options.period) > first).reduce((sum, r) => sum + r.amount, 0);
      if (refunded === 0) return summary;
      const net = Math.max(0, summary.monetaryValue * summary.frequency - refunded);
      return { ...summary, monetaryValue: net / summary.frequency };
    });
  }

  /**
   * Feeds the summarizer from the storage's own GROUP BY: one row per customer,
   * purchase period (a day or week bucket) and currency, with the period's
   * spend and its first and last purchase. Each row becomes two events in the
   * same period, (first, spend) and (last, 0), which the summarizer merges back
   * into one purchase occasion with exact first and last instants: the result
   * equals summarizing every purchase, without reading them.
   */
  async #summarizeGrouped(
    where: Filter,
    period: DateBucket,
    currency: string | undefined,
    addCurrency: (currency: string) => void,
    summarizer: TransactionSummarizer,
  ): Promise<void> {
    const groupBy: AggregateGroupKey[] = ['customerId', { field: 'occurredAt', bucket: period }];
    if (currency === undefined) groupBy.push('purchase.currency');
    const rows = this.#interactions.aggregateStream({
      where,
      groupBy,
      timeZone: 'UTC', // the summarizer's periods are UTC days and weeks
      measures: [
        { name: 'spend', fn: 'sum', field: 'purchase.amount' },
        { name: 'first', fn: 'min', field: 'occurredAt' },
        { name: 'last', fn: 'max', field: 'occurredAt' },
      ],
    });
    let events: PurchaseEvent[] = [];
    for await (const row of rows) {
      addCurrency(currency === undefined ? (row.key[2] as string) : currency.toUpperCase());
      const customerId = row.key[0] as string;
      events.push(
        { customerId, occurredAt: row.values.first as Date, amount: row.values.spend as number },
        { customerId, occurredAt: row.values.last as Date, amount: 0 },
      );
      if (events.length >= 10_000) {
        summarizer.add(events);
        events = [];
      }
    }
    summarizer.add(events);
  }

  /**
   * Fits a purchase model (Pareto/NBD by default) and a Gamma-Gamma spend model on
   * every customer's purchases and scores every customer: the churn probability
   * (P(no purchase within the horizon | history)), P(alive), expected purchases,
   * expected revenue lost, risk band, reasons in words, and lifetime value. Sorted
   * most likely to churn first (or by expected revenue lost). A fit that does not
   * converge, or a spend model left out, is a warning on the report; fewer than two
   * customers give a report with no scores and a `too_few_customers` warning.
   *
   * @example
   * ```ts
   * const report = await crm.analytics.churn({ timeUnit: 'weeks', horizon: 13 });
   * report.customers[0].churn.reasons; // ['bought once, 25 weeks ago', 'customers like this rarely return: 4% chance …', …]
   * ```
   */
  async churn(options: ChurnOptions = {}): Promise<ChurnReport> {
    const timeUnit = options.timeUnit ?? 'days';
    const sortedBy = options.sortBy ?? 'churnProbability';
    if (!(churnSortOrders as readonly string[]).includes(sortedBy)) {
      throw new ValidationError(`sortBy must be one of ${churnSortOrders.join(', ')}`, [
        { code: 'invalid_option', path: ['sortBy'], message: `got ${String(sortedBy)}` },
      ]);
    }
    const horizon = options.horizon ?? (timeUnit === 'days' ? 30 : timeUnit === 'weeks' ? 4 : 1);
    const { currency, summaries } = await this.summarize({ ...options, timeUnit });
    const warnings: ChurnWarning[] = [];
    const base = { currency, horizon, timeUnit, sortedBy };
    if (summaries.length < 2) {
      warnings.push({
        code: 'too_few_customers',
        path: [],
        message: `churn models need purchases of at least two customers, found ${summaries.length}`,
      });
      return { ...base, purchaseModel: null, spendModel: null, customers: [], warnings };
    }
    const sample = evenSample(summaries, options.fitSampleSize);
    const purchaseModel = fitPurchaseModel(options.model ?? 'pareto-nbd', sample, { standardErrors: false, ...options.fit });
    if (!purchaseModel.converged) {
      warnings.push({
        code: 'not_converged',
        path: ['purchaseModel'],
        message: `the ${purchaseModel.kind} fit did not converge in ${purchaseModel.iterations} iterations; scores rest on the best parameters found`,
      });
    }
    const repeaters = sample.filter((s) => s.frequency > 0 && s.monetaryValue > 0);
    let spendModel: GammaGammaFit | null = null;
    if (repeaters.length >= minimumSpendCustomers) {
      spendModel = fitGammaGamma(repeaters, { standardErrors: false });
      if (!spendModel.converged) {
        warnings.push({ code: 'not_converged', path: ['spendModel'], message: `the Gamma-Gamma fit did not converge in ${spendModel.iterations} iterations` });
      }
    } else {
      warnings.push({
        code: 'no_spend_model',
        path: ['spendModel'],
        message: `only ${repeaters.length} customers bought more than once with a positive spend (${minimumSpendCustomers} needed): no expected spend, revenue lost is 0`,
      });
    }
    const scores = scoreCustomers(
      purchaseModel,
      summaries,
      { horizon, timeUnit, thresholds: options.thresholds },
      spendModel === null ? undefined : (summary) => gammaGammaExpectedSpend(spendModel.params, summary),
    );
    const customers = summaries.map((summary, i): CustomerChurn => {
      const churn = scores[i]!;
      if (spendModel === null) return { customerId: summary.customerId, summary, churn };
      const expectedSpend = gammaGammaExpectedSpend(spendModel.params, summary);
      const lifetimeValue = customerLifetimeValue(purchaseModel, summary, {
        expectedSpend,
        timeUnit,
        months: options.lifetimeMonths,
        monthlyDiscountRate: options.monthlyDiscountRate,
      });
      return { customerId: summary.customerId, summary, churn, expectedSpend, lifetimeValue };
    });
    const key = sortedBy === 'churnProbability' ? (c: CustomerChurn) => c.churn.churnProbability : (c: CustomerChurn) => c.churn.expectedRevenueLost;
    customers.sort((a, b) => key(b) - key(a) || (a.customerId < b.customerId ? -1 : 1));
    const persisted = options.persist === true ? await this.#persist(customers, purchaseModel.kind, currency, horizon, timeUnit) : undefined;
    return { ...base, purchaseModel, spendModel, customers, warnings, ...(persisted === undefined ? {} : { persisted }) };
  }

  /** Writes every score to the customer's managed `churn` field, 1,000 customers per atomic batch. */
  async #persist(
    customers: readonly CustomerChurn[],
    model: string,
    currency: string | undefined,
    horizon: number,
    timeUnit: TimeUnit,
  ): Promise<{ readonly updated: number; readonly skipped: number }> {
    if (this.#customers === undefined) throw new Error('crm.analytics was made without the customers service');
    const scoredAt = this.#now();
    let updated = 0;
    let skipped = 0;
    for (let i = 0; i < customers.length; i += 1000) {
      const result = await this.#customers.writeManaged(
        customers.slice(i, i + 1000).map((c) => ({
          id: c.customerId,
          fields: {
            churn: {
              probability: c.churn.churnProbability,
              riskBand: c.churn.riskBand,
              expectedRevenueLost: c.churn.expectedRevenueLost,
              ...(c.lifetimeValue === undefined ? {} : { lifetimeValue: Math.max(0, c.lifetimeValue) }),
              ...(currency === undefined ? {} : { currency }),
              horizon,
              timeUnit,
              model,
              scoredAt,
            },
          },
        })),
      );
      updated += result.updated;
      skipped += result.skipped;
    }
    return { updated, skipped };
  }
}
