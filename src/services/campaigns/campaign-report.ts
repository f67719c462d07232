import { attributionWeights, splitAmount, type AttributionModel } from '../../analytics/attribution.js';
import { attributionModels } from '../../analytics/attribution.js';
import { twoProportionTest, type TwoProportionTestResult } from '../../analytics/two-proportion-test.js';
import type { Campaign } from '../../schema/campaign.js';
import type { CampaignMemberStatus } from '../../schema/campaign-member.js';
import type { Money } from '../../schema/currency-code.js';
import type { AggregateRow } from '../../storage/aggregate-query.js';
import type { Filter } from '../../storage/filter.js';
import { ValidationError } from '../../storage/errors.js';
import type { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { ServiceContext } from '../service-context.js';
import { funnelStatuses, statusTimeFields } from './member-status-order.js';

/**
 * A campaign's touch of a customer, as an attribution function sees it: the
 * campaign and when its message was sent.
 *
 * @example
 * ```ts
 * const touch: CampaignTouch = { campaignId: spring.id, at: new Date('2026-03-02') };
 * ```
 */
export interface CampaignTouch {
  readonly campaignId: string;
  readonly at: Date;
}

/**
 * A host's attribution model: the share of `purchase` each touch earns, in
 * the touches' order (oldest first; all within the window before the purchase).
 * The shares need not sum to 1; they are normalized.
 *
 * @example
 * ```ts
 * const lastEmailOnly: AttributionFunction = (touches) => touches.map((_, i) => (i === touches.length - 1 ? 1 : 0));
 * ```
 */
export type AttributionFunction = (touches: readonly CampaignTouch[], purchase: { readonly at: Date; readonly amount: number; readonly currency: string }) => readonly number[];

/** The member statuses an A/B comparison can count as success. */
export const variantMetrics = ['opened', 'clicked', 'responded', 'converted'] as const;

/**
 * One of {@link variantMetrics}.
 *
 * @example
 * ```ts
 * const metric: VariantMetric = 'clicked';
 * ```
 */
export type VariantMetric = (typeof variantMetrics)[number];

/**
 * Options of `crm.campaigns.report`.
 *
 * @example
 * ```ts
 * await crm.campaigns.report(id, { model: 'time_decay', halfLifeDays: 3, windowDays: 14, variantMetric: 'clicked' });
 * ```
 */
export interface CampaignReportOptions {
  /** The attribution model (default `last_touch`), or the host's function. */
  readonly model?: AttributionModel | AttributionFunction;
  /** Purchases this many days after a touch count (default the campaign's `attributionWindowDays`). */
  readonly windowDays?: number;
  /** The half-life of `time_decay`, in days. Default 7. */
  readonly halfLifeDays?: number;
  /** What counts as success when variants are compared, over members sent. Default `converted`. */
  readonly variantMetric?: VariantMetric;
  /** The confidence of the variant comparison. Default 0.95. */
  readonly confidence?: number;
}

/**
 * One variant's numbers.
 *
 * @example
 * ```ts
 * const row: VariantRow = { name: 'B', members: 5000, sent: 4990, successes: 310, rate: 0.0621 };
 * ```
 */
export interface VariantRow {
  readonly name: string;
  readonly members: number;
  readonly sent: number;
  readonly successes: number;
  /** successes / sent (0 when nothing was sent). */
  readonly rate: number;
}

/**
 * The A/B verdict: the best variant against the runner-up by a
 * two-proportion test. `winner` is set only when there is enough data and
 * the difference is significant; `verdict` says which case it is.
 *
 * @example
 * ```ts
 * if (report.variants?.verdict === 'not_enough_data') keepSending();
 * ```
 */
export interface VariantComparison {
  readonly metric: VariantMetric;
  readonly rows: readonly VariantRow[];
  readonly verdict: 'winner' | 'no_significant_difference' | 'not_enough_data';
  readonly winner?: string;
  /** The best variant against the runner-up (absent when fewer than two variants sent anything). */
  readonly test?: TwoProportionTestResult & { readonly best: string; readonly runnerUp: string };
}

/**
 * Return on investment in one currency: (attributed revenue − costs) / costs.
 *
 * @example
 * ```ts
 * const roi: CurrencyRoi = { currency: 'EUR', revenue: 900_00, costs: 300_00, roi: 2 };
 * ```
 */
export interface CurrencyRoi {
  readonly currency: string;
  readonly revenue: number;
  readonly costs: number;
  /** Absent when nothing was spent in the currency. */
  readonly roi?: number;
}

/**
 * What `crm.campaigns.report` returns.
 *
 * @example
 * ```ts
 * const { funnel, revenue, conversions, roi } = await crm.campaigns.report(spring.id);
 * funnel.clicked; // members who clicked (or got further)
 * ```
 */
export interface CampaignReport {
  readonly campaignId: string;
  readonly budget?: Money;
  /** Actual costs (`crm.campaignCosts`), summed per currency. */
  readonly costs: readonly Money[];
  /**
   * Members who reached each status: a funnel status counts members who
   * reached it or a later one (a click without a tracked open counts as
   * opened), `bounced` and `unsubscribed` those who did.
   */
  readonly funnel: Readonly<Record<CampaignMemberStatus, number>>;
  readonly model: AttributionModel | 'custom';
  readonly windowDays: number;
  /** The revenue attributed to this campaign, per currency, in minor units (shares rounded so each purchase adds up exactly). */
  readonly revenue: readonly Money[];
  /** Purchases of which this campaign earned a share. */
  readonly conversions: number;
  readonly roi: readonly CurrencyRoi[];
  /** The A/B comparison, for a campaign with variants. */
  readonly variants?: VariantComparison;
}

const dayMs = 86_400_000;
const customerBatch = 500;

async function collect(service: ModelService<any, any>, where: Filter): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  for await (const batch of service.scan({ where: where as never, batchSize: 1000 } as never)) out.push(...(batch as Record<string, any>[]));
  return out;
}

/** @internal Builds the report (see `CampaignService.report`). */
export async function buildCampaignReport(context: ServiceContext, campaign: ReadonlyRecord<Campaign<any>>, options: CampaignReportOptions): Promise<CampaignReport> {
  const model = options.model ?? 'last_touch';
  if (typeof model !== 'function' && !(attributionModels as readonly unknown[]).includes(model)) {
    throw new ValidationError(`unknown attribution model ${String(model)}`, [{ code: 'invalid_option', path: ['model'], message: `one of ${attributionModels.join(', ')}, or a function` }]);
  }
  const windowDays = options.windowDays ?? campaign.attributionWindowDays;
  if (!Number.isFinite(windowDays) || windowDays <= 0) {
    throw new ValidationError('windowDays is a positive number', [{ code: 'invalid_option', path: ['windowDays'], message: 'a positive number of days' }]);
  }
  const members = context.services.campaignMembers!;
  const ofCampaign: Filter = { field: 'campaignId', op: 'eq', value: campaign.id };

  const funnel = {} as Record<CampaignMemberStatus, number>;
  for (const [index, status] of funnelStatuses.entries()) {
    const later = funnelStatuses.slice(index).map((reached) => statusTimeFields[reached]).filter((field) => field !== 'createdAt');
    funnel[status] = await members.count((index === 0 ? ofCampaign : { and: [ofCampaign, { or: later.map((field) => ({ field, op: 'exists', value: true }) as Filter) }] }) as never);
  }
  for (const status of ['bounced', 'unsubscribed'] as const) {
    funnel[status] = await members.count({ and: [ofCampaign, { field: statusTimeFields[status] as string, op: 'exists', value: true }] } as Filter);
  }

  const costRows: AggregateRow[] = await context.services.campaignCosts!.aggregate({
    where: ofCampaign,
    groupBy: ['cost.currency'],
    measures: [{ name: 'total', fn: 'sum', field: 'cost.amount' }],
  } as never);
  const costs: Money[] = costRows
    .map((row) => ({ amount: Number(row.values.total ?? 0), currency: String(row.key[0]) }))
    .sort((a, b) => (a.currency < b.currency ? -1 : 1));

  const revenue = new Map<string, number>();
  let conversions = 0;
  const windowMs = windowDays * dayMs;
  const touched = await collect(members, { and: [ofCampaign, { field: 'sentAt', op: 'exists', value: true }] });
  for (let start = 0; start < touched.length; start += customerBatch) {
    const batch = touched.slice(start, start + customerBatch);
    const customerIds = [...new Set(batch.map((member) => member.customerId as string))];
    const earliest = Math.min(...batch.map((member) => (member.sentAt as Date).getTime()));
    const touches = await collect(members, { and: [{ field: 'customerId', op: 'in', value: customerIds }, { field: 'sentAt', op: 'exists', value: true }] });
    const purchases = await collect(context.services.interactions!, {
      and: [
        { field: 'customerId', op: 'in', value: customerIds },
        { field: 'kind', op: 'eq', value: 'purchase' },
        { field: 'occurredAt', op: 'gte', value: new Date(earliest) },
      ],
    });
    const touchesOf = new Map<string, CampaignTouch[]>();
    for (const touch of touches) {
      if (touch.bouncedAt !== undefined) continue;
      const list = touchesOf.get(touch.customerId) ?? [];
      list.push({ campaignId: touch.campaignId, at: touch.sentAt });
      touchesOf.set(touch.customerId, list);
    }
    for (const purchase of purchases) {
      const at = purchase.occurredAt as Date;
      const eligible = (touchesOf.get(purchase.customerId) ?? [])
        .filter((touch) => touch.at.getTime() <= at.getTime() && at.getTime() - touch.at.getTime() <= windowMs)
        .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
      if (!eligible.some((touch) => touch.campaignId === campaign.id)) continue;
      const amount = purchase.purchase.amount as number;
      const currency = purchase.purchase.currency as string;
      const weights =
        typeof model === 'function'
          ? checkedWeights(model(eligible, { at, amount, currency }), eligible.length)
          : attributionWeights(
              model,
              eligible.map((touch) => touch.at),
              at,
              options.halfLifeDays === undefined ? {} : { halfLifeDays: options.halfLifeDays },
            );
      const shares = splitAmount(amount, weights);
      let share = 0;
      eligible.forEach((touch, index) => {
        if (touch.campaignId === campaign.id) share += shares[index]!;
      });
      if (weights.some((weight, index) => weight > 0 && eligible[index]!.campaignId === campaign.id)) conversions += 1;
      revenue.set(currency, (revenue.get(currency) ?? 0) + share);
    }
  }
  const revenueList = [...revenue].map(([currency, amount]) => ({ amount, currency })).sort((a, b) => (a.currency < b.currency ? -1 : 1));
  const currencies = [...new Set([...revenueList.map((money) => money.currency), ...costs.map((money) => money.currency)])].sort();
  const roi: CurrencyRoi[] = currencies.map((currency) => {
    const earned = revenue.get(currency) ?? 0;
    const spent = costs.find((money) => money.currency === currency)?.amount ?? 0;
    return spent > 0 ? { currency, revenue: earned, costs: spent, roi: (earned - spent) / spent } : { currency, revenue: earned, costs: spent };
  });

  const report: CampaignReport = {
    campaignId: campaign.id,
    ...(campaign.budget === undefined ? {} : { budget: campaign.budget }),
    costs,
    funnel,
    model: typeof model === 'function' ? 'custom' : model,
    windowDays,
    revenue: revenueList,
    conversions,
    roi,
  };
  if (campaign.variants === undefined) return report;
  return { ...report, variants: await compareVariants(members, campaign, options) };
}

function checkedWeights(weights: readonly number[], count: number): number[] {
  if (!Array.isArray(weights) || weights.length !== count || weights.some((weight) => typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)) {
    throw new ValidationError('the attribution function returned bad weights', [
      { code: 'invalid_weights', path: ['model'], message: `${count} finite, non-negative numbers, one per touch` },
    ]);
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return total === 0 ? weights.map(() => 0) : weights.map((weight) => weight / total);
}

async function compareVariants(members: ModelService<any, any>, campaign: ReadonlyRecord<Campaign<any>>, options: CampaignReportOptions): Promise<VariantComparison> {
  const metric = options.variantMetric ?? 'converted';
  if (!(variantMetrics as readonly unknown[]).includes(metric)) {
    throw new ValidationError(`unknown variant metric ${String(metric)}`, [{ code: 'invalid_option', path: ['variantMetric'], message: `one of ${variantMetrics.join(', ')}` }]);
  }
  const successFields = funnelStatuses.slice(funnelStatuses.indexOf(metric)).map((status) => statusTimeFields[status]);
  const rows: VariantRow[] = [];
  for (const variant of campaign.variants!) {
    const base: Filter = { and: [{ field: 'campaignId', op: 'eq', value: campaign.id }, { field: 'variant', op: 'eq', value: variant.name }] };
    const sentFilter: Filter = { and: [base, { field: 'sentAt', op: 'exists', value: true }] };
    const total = await members.count(base as never);
    const sent = await members.count(sentFilter as never);
    const successes = await members.count({ and: [sentFilter, { or: successFields.map((field) => ({ field, op: 'exists', value: true }) as Filter) }] } as never);
    rows.push({ name: variant.name, members: total, sent, successes, rate: sent === 0 ? 0 : successes / sent });
  }
  const ranked = rows.filter((row) => row.sent > 0).sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name));
  if (ranked.length < 2) return { metric, rows, verdict: 'not_enough_data' };
  const [best, runnerUp] = ranked as [VariantRow, VariantRow];
  const test = twoProportionTest(
    { successes: best.successes, trials: best.sent },
    { successes: runnerUp.successes, trials: runnerUp.sent },
    options.confidence === undefined ? {} : { confidence: options.confidence },
  );
  const verdict = !test.enoughData ? 'not_enough_data' : test.significant ? 'winner' : 'no_significant_difference';
  return { metric, rows, verdict, ...(verdict === 'winner' ? { winner: best.name } : {}), test: { ...test, best: best.name, runnerUp: runnerUp.name } };
}
