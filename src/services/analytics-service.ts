import { customerLifetimeValue } from '../analytics/customer-lifetime-value.js';
import { churnScore, type ChurnScore, type RiskBandThresholds } from '../analytics/churn-score.js';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from '../analytics/gamma-gamma.js';
import { fitPurchaseModel, type PurchaseModelFit, type PurchaseModelKind } from '../analytics/purchase-model.js';
import { periodIndex, periodStart } from '../analytics/time-unit.js';
import { createTransactionSummarizer, type TransactionSummarizer } from '../analytics/transaction-summarizer.js';
import type { CustomerSummary, PurchaseEvent, SummaryOptions } from '../analytics/transaction-summary.js';
import type { Interaction } from '../schema/interaction.js';
import type { AggregateGroupKey, DateBucket } from '../storage/aggregate-query.js';
import { ValidationError } from '../storage/errors.js';
import type { Filter } from '../storage/filter.js';
import type { ModelService } from './model-service.js';

/** Options of {@link AnalyticsService.summarize}. */
export interface SummarizeOptions extends Omit<SummaryOptions, 'observationEnd'> {
  /** The end of observation; the crm clock's now by default. */
  readonly observationEnd?: Date;
  /** Only purchases in this currency. Required when the purchases use more than one. */
  readonly currency?: string;
  /** Narrows the purchases further (a channel, a customer segment's ids…). */
  readonly where?: Filter;
}

/** Options of {@link AnalyticsService.churn}. */
export interface ChurnOptions extends SummarizeOptions {
  /** The purchase model (default `bg-nbd`). */
  readonly model?: PurchaseModelKind;
  /** The horizon for expected purchases and value at risk, in `timeUnit` (default 30 days' worth). */
  readonly horizon?: number;
  /** Months of customer lifetime value (default 12). */
  readonly lifetimeMonths?: number;
  /** Monthly discount rate for lifetime value (default 0.01). */
  readonly monthlyDiscountRate?: number;
  /** Risk band thresholds on P(alive). */
  readonly thresholds?: RiskBandThresholds;
  /**
   * The models are fitted on at most this many customers (an evenly spread,
   * deterministic sample in customer order), then every customer is scored.
   * A fit costs a likelihood evaluation per customer per optimizer step, so
   * fitting on all of a large base is slow and hardly more precise. Default 20,000.
   */
  readonly fitSampleSize?: number;
}

/** One customer's churn assessment, with the summary it rests on. */
export interface CustomerChurn {
  /** The customer. */
  readonly customerId: string;
  /** Recency, frequency, age and spend, in the chosen time unit and minor units. */
  readonly summary: CustomerSummary;
  /** P(alive), expected purchases, value at risk (minor units), risk band and reasons in words. */
  readonly churn: ChurnScore;
  /** Expected spend per future purchase (Gamma-Gamma), minor units; absent when it could not be fitted. */
  readonly expectedSpend?: number;
  /** Discounted customer lifetime value over `lifetimeMonths`, minor units; absent without a spend model. */
  readonly lifetimeValue?: number;
}

/** The result of {@link AnalyticsService.churn}: the fitted models and every customer, most value at risk first. */
export interface ChurnReport {
  /** The purchase model fit. */
  readonly purchaseModel: PurchaseModelFit;
  /** The spend model fit, or `null` when too few customers bought twice. */
  readonly spendModel: GammaGammaFit | null;
  /** The currency of all amounts. */
  readonly currency: string | undefined;
  /** One row per customer with a purchase, highest value at risk first. */
  readonly customers: readonly CustomerChurn[];
}

const minimumSpendCustomers = 10;
const defaultFitSampleSize = 20_000;

/** Every k-th row so that at most `size` remain, spread evenly over the list (all rows when there are fewer). */
function evenSample<T>(rows: readonly T[], size: number): readonly T[] {
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
  readonly #now: () => Date;

  /** @internal Made by `createCrm`. */
  constructor(interactions: ModelService<Interaction, unknown>, now: () => Date) {
    this.#interactions = interactions;
    this.#now = now;
  }

  /**
   * The transaction summary of every customer with a purchase: frequency (repeat
   * purchase periods), recency and age in `timeUnit`, mean repeat spend, and the
   * holdout figures when `calibrationEnd` is given. Rows are ordered by customer id.
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
    const summaries = summarizer.summaries().sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    return { currency: [...currencies][0], summaries };
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
   * Fits a purchase model (BG/NBD by default) and a Gamma-Gamma spend model on
   * the stored purchases and scores every customer: probability alive, expected
   * purchases over the horizon, value at risk, risk band, reasons in words, and
   * lifetime value.
   *
   * @example
   * ```ts
   * const { customers } = await crm.analytics.churn({ timeUnit: 'days', horizon: 30 });
   * customers[0].churn.reasons; // ['no purchase for 142 days; this customer used to buy every 30 days', …]
   * ```
   */
  async churn(options: ChurnOptions = {}): Promise<ChurnReport> {
    const timeUnit = options.timeUnit ?? 'days';
    const { currency, summaries } = await this.summarize({ ...options, timeUnit });
    if (summaries.length < 2) {
      throw new ValidationError('churn scoring needs purchases of at least two customers', [
        { code: 'too_few_customers', path: [], message: `found ${summaries.length}` },
      ]);
    }
    const horizon = options.horizon ?? (timeUnit === 'days' ? 30 : timeUnit === 'weeks' ? 4 : 1);
    const sample = evenSample(summaries, options.fitSampleSize ?? defaultFitSampleSize);
    const purchaseModel = fitPurchaseModel(options.model ?? 'bg-nbd', sample);
    const repeaters = sample.filter((s) => s.frequency > 0 && s.monetaryValue > 0);
    const spendModel = repeaters.length >= minimumSpendCustomers ? fitGammaGamma(repeaters) : null;
    const customers = summaries.map((summary): CustomerChurn => {
      const expectedSpend = spendModel === null ? undefined : gammaGammaExpectedSpend(spendModel.params, summary);
      const churn = churnScore(purchaseModel, summary, { horizon, timeUnit, expectedSpend, thresholds: options.thresholds });
      if (expectedSpend === undefined) return { customerId: summary.customerId, summary, churn };
      const lifetimeValue = customerLifetimeValue(purchaseModel, summary, {
        expectedSpend,
        timeUnit,
        months: options.lifetimeMonths,
        monthlyDiscountRate: options.monthlyDiscountRate,
      });
      return { customerId: summary.customerId, summary, churn, expectedSpend, lifetimeValue };
    });
    customers.sort((a, b) => b.churn.valueAtRisk - a.churn.valueAtRisk || (a.customerId < b.customerId ? -1 : 1));
    return { purchaseModel, spendModel, currency, customers };
  }
}
