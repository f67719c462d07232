import { customerLifetimeValue } from '../analytics/customer-lifetime-value.js';
import { churnScore, type ChurnScore, type RiskBandThresholds } from '../analytics/churn-score.js';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from '../analytics/gamma-gamma.js';
import { fitPurchaseModel, type PurchaseModelFit, type PurchaseModelKind } from '../analytics/purchase-model.js';
import { createTransactionSummarizer } from '../analytics/transaction-summarizer.js';
import type { CustomerSummary, PurchaseEvent, SummaryOptions } from '../analytics/transaction-summary.js';
import type { Interaction } from '../schema/interaction.js';
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

/**
 * `crm.analytics`: customer-base analysis over the stored purchase interactions.
 * Purchases are streamed through the summarizer (never loaded at once), then the
 * purchase and spend models are fitted and every customer scored.
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
   * holdout figures when `calibrationEnd` is given.
   *
   * @example
   * ```ts
   * const rows = await crm.analytics.summarize({ timeUnit: 'weeks', calibrationEnd: new Date('1997-09-30') });
   * ```
   */
  async summarize(options: SummarizeOptions = {}): Promise<{ readonly currency: string | undefined; readonly summaries: CustomerSummary[] }> {
    const observationEnd = options.observationEnd ?? this.#now();
    const summarizer = createTransactionSummarizer({ ...options, observationEnd });
    const conditions: Filter[] = [
      { field: 'kind', op: 'eq', value: 'purchase' },
      { field: 'occurredAt', op: 'lte', value: observationEnd },
    ];
    if (options.currency !== undefined) conditions.push({ field: 'purchase.currency', op: 'eq', value: options.currency.toUpperCase() });
    if (options.where !== undefined) conditions.push(options.where);
    const currencies = new Set<string>();
    for await (const batch of this.#interactions.scan({ where: { and: conditions }, batchSize: 5000 })) {
      const events: PurchaseEvent[] = [];
      for (const interaction of batch) {
        if (interaction.purchase === undefined) continue;
        currencies.add(interaction.purchase.currency);
        events.push({ customerId: interaction.customerId, occurredAt: interaction.occurredAt, amount: interaction.purchase.amount });
      }
      if (currencies.size > 1) {
        throw new ValidationError('purchases come in several currencies: pass `currency` to choose one', [
          { code: 'mixed_currencies', path: ['currency'], message: `found ${[...currencies].join(', ')}` },
        ]);
      }
      summarizer.add(events);
    }
    return { currency: [...currencies][0], summaries: summarizer.summaries() };
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
    const purchaseModel = fitPurchaseModel(options.model ?? 'bg-nbd', summaries);
    const repeaters = summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0);
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
