import { stageForecastCategory, forecastCategories, type ForecastCategory, type Pipeline } from '../../schema/pipeline.js';
import type { AggregateGroupKey, AggregateMeasure, AggregateRow } from '../../storage/aggregate-query.js';
import { InvalidQueryError } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';

/** The calendar periods the sales reports group by (in the crm's time zone). */
export const reportPeriods = ['month', 'quarter'] as const;

/** One of {@link reportPeriods}. */
export type ReportPeriod = (typeof reportPeriods)[number];

/** What a report's rows may be split by besides the period. */
export const reportGroupings = ['owner', 'pipeline'] as const;

/** One of {@link reportGroupings}. */
export type ReportGrouping = (typeof reportGroupings)[number];

/**
 * Which deals a report covers and how it splits them: one pipeline and / or one owner, a time
 * window `[from, to)` on the report's date (expected close date for the forecast, close date for
 * the win metrics, entry into the stage for the stage metrics, the slip for slipped deals), the
 * period (`month` by default) and an optional split by owner or pipeline.
 */
export interface ReportScope {
  readonly pipelineId?: string;
  readonly ownerId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly period?: ReportPeriod;
  readonly by?: ReportGrouping;
}

/** The key of one report row: the period's start (`null` for deals without the date) and the group (`null` without `by`). */
export interface ReportKey {
  readonly period: Date | null;
  readonly group: string | null;
}

/** One row of the forecast: the open (or, for `closed`, won) deals of one period, group, currency and category. */
export interface ForecastRow extends ReportKey {
  readonly currency: string | null;
  readonly category: ForecastCategory;
  readonly deals: number;
  /** Sum of the amounts, minor units. */
  readonly amount: number;
  /** Sum of amount × the stage's probability, each group's product rounded to a whole minor unit. */
  readonly weightedAmount: number;
}

/** One row of the win metrics: the deals closed in one period and group. */
export interface WinMetricsRow extends ReportKey {
  readonly won: number;
  readonly lost: number;
  /** won / (won + lost). */
  readonly winRate: number;
  /** Per currency: the won amount, minor units. */
  readonly wonAmount: Readonly<Record<string, number>>;
  /** Per currency: the won amount over the won deals with an amount in it, minor units (fractional). */
  readonly averageDealSize: Readonly<Record<string, number>>;
  /** The mean days from creation to win of the won deals (`null` without any). */
  readonly averageSalesCycleDays: number | null;
}

/** One row of the slipped deals: deals whose expected close date moved later in one period and group. */
export interface SlippedRow extends ReportKey {
  readonly deals: number;
  /** How many slips they had in all (a deal slips each time its date moves later). */
  readonly slips: number;
  /** Per currency: their amount. */
  readonly amount: Readonly<Record<string, number>>;
}

/** Per stage of a pipeline: deals that reached it, the share that moved on forward, the time in it. */
export interface StageMetricsRow {
  readonly stageId: string;
  /** Deals that entered the stage (each once, however often it came back). */
  readonly entered: number;
  /** Of those, the deals whose first stay ended by moving forward: to a later open stage or a won stage. */
  readonly movedForward: number;
  /** `movedForward / entered`, the stage-to-stage conversion (`null` for a won stage or when none entered). */
  readonly conversion: number | null;
  /** Completed stays in the stage (deals that left it). */
  readonly stays: number;
  /** The median and 90th percentile (nearest rank) of the completed stays' lengths, ms; `null` without any. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

/** Pipeline velocity over a window: open deals × win rate × average deal size ÷ sales cycle length. */
export interface VelocityRow {
  readonly group: string | null;
  readonly currency: string;
  readonly openDeals: number;
  readonly winRate: number;
  readonly averageDealSize: number;
  readonly averageSalesCycleDays: number;
  /** Minor units of `currency` per day. */
  readonly perDay: number;
}

/** What the report functions read: the deals' and the stage history's aggregates, and the pipelines. */
export interface ReportSource {
  deals(where: Filter | undefined, groupBy: readonly AggregateGroupKey[], measures: readonly AggregateMeasure[]): Promise<AggregateRow[]>;
  history(where: Filter | undefined, groupBy: readonly AggregateGroupKey[], measures: readonly AggregateMeasure[]): Promise<AggregateRow[]>;
  pipelines(ids: readonly string[] | undefined): Promise<readonly Pipeline[]>;
}

const dayMs = 86_400_000;

/**
 * The weighted forecast: open deals by the period of their expected close date, stage's forecast
 * category and currency, with their amount and their amount weighted by the stage's probability;
 * and the won deals (category `closed`) by the period they were won in. Two aggregates.
 *
 * @example
 * ```ts
 * const rows = await forecastReport(source, { period: 'quarter', by: 'owner' });
 * ```
 */
export async function forecastReport(source: ReportSource, scope: ReportScope): Promise<ForecastRow[]> {
  const period = periodOf(scope);
  const group = groupField(scope);
  const measures: AggregateMeasure[] = [
    { name: 'deals', fn: 'count' },
    { name: 'amount', fn: 'sum', field: 'amount' },
  ];
  const open = await source.deals(
    and(scopeFilter(scope, 'expectedCloseDate'), { field: 'status', op: 'eq', value: 'open' }),
    ['pipelineId', 'stageId', 'currency', { field: 'expectedCloseDate', bucket: period }, ...(group ? [group] : [])],
    measures,
  );
  const won = await source.deals(
    and(scopeFilter(scope, 'closedAt'), { field: 'status', op: 'eq', value: 'won' }),
    ['currency', { field: 'closedAt', bucket: period }, ...(group ? [group] : [])],
    measures,
  );
  const pipelines = new Map((await source.pipelines([...new Set(open.map((row) => row.key[0] as string))])).map((p) => [p.id, p]));
  const rows = new Map<string, { key: ReportKey; currency: string | null; category: ForecastCategory; deals: number; amount: number; weighted: number }>();
  const add = (key: ReportKey, currency: string | null, category: ForecastCategory, deals: number, amount: number, weighted: number) => {
    const id = JSON.stringify([key.period?.getTime() ?? null, key.group, currency, category]);
    const row = rows.get(id) ?? { key, currency, category, deals: 0, amount: 0, weighted: 0 };
    row.deals += deals;
    row.amount += amount;
    row.weighted += weighted;
    rows.set(id, row);
  };
  for (const row of open) {
    const [pipelineId, stageId, currency, at, owner] = row.key;
    const stage = pipelines.get(pipelineId as string)?.stages.find((s) => s.id === stageId);
    if (stage === undefined) continue;
    const amount = row.values.amount as number;
    add({ period: at as Date | null, group: (owner ?? null) as string | null }, currency as string | null, stageForecastCategory(stage), row.values.deals as number, amount, Math.round(amount * stage.probability));
  }
  for (const row of won) {
    const [currency, at, owner] = row.key;
    const amount = row.values.amount as number;
    add({ period: at as Date | null, group: (owner ?? null) as string | null }, currency as string | null, 'closed', row.values.deals as number, amount, amount);
  }
  return [...rows.values()]
    .map(({ key, currency, category, deals, amount, weighted }) => ({ ...key, currency, category, deals, amount, weightedAmount: weighted }))
    .sort((a, b) => compareKeys(a, b) || compare(a.currency, b.currency) || forecastCategories.indexOf(a.category) - forecastCategories.indexOf(b.category));
}

/**
 * Win rate, won amount, average deal size and sales cycle length of the deals closed (won or
 * lost) in each period. One aggregate.
 *
 * @example
 * ```ts
 * const [q1] = await winMetricsReport(source, { period: 'quarter', from: new Date('2025-01-01'), to: new Date('2025-04-01') });
 * q1.winRate; // won / (won + lost)
 * ```
 */
export async function winMetricsReport(source: ReportSource, scope: ReportScope): Promise<WinMetricsRow[]> {
  const group = groupField(scope);
  const rows = await source.deals(
    and(scopeFilter(scope, 'closedAt'), { field: 'status', op: 'in', value: ['won', 'lost'] }),
    ['status', 'currency', { field: 'closedAt', bucket: periodOf(scope) }, ...(group ? [group] : [])],
    [
      { name: 'deals', fn: 'count' },
      { name: 'withAmount', fn: 'count', field: 'amount' },
      { name: 'amount', fn: 'sum', field: 'amount' },
      { name: 'cycleMs', fn: 'sum', field: 'cycleMs' },
    ],
  );
  type Acc = { key: ReportKey; won: number; lost: number; wonAmount: Record<string, number>; withAmount: Record<string, number>; cycleMs: number };
  const byKey = new Map<string, Acc>();
  for (const row of rows) {
    const [status, currency, at, owner] = row.key;
    const key = { period: at as Date | null, group: (owner ?? null) as string | null };
    const id = JSON.stringify([key.period?.getTime() ?? null, key.group]);
    const acc = byKey.get(id) ?? { key, won: 0, lost: 0, wonAmount: {}, withAmount: {}, cycleMs: 0 };
    const deals = row.values.deals as number;
    if (status === 'won') {
      acc.won += deals;
      acc.cycleMs += row.values.cycleMs as number;
      if (currency !== null) {
        acc.wonAmount[currency as string] = (acc.wonAmount[currency as string] ?? 0) + (row.values.amount as number);
        acc.withAmount[currency as string] = (acc.withAmount[currency as string] ?? 0) + (row.values.withAmount as number);
      }
    } else acc.lost += deals;
    byKey.set(id, acc);
  }
  return [...byKey.values()]
    .map(({ key, won, lost, wonAmount, withAmount, cycleMs }) => ({
      ...key,
      won,
      lost,
      winRate: won / (won + lost),
      wonAmount,
      averageDealSize: Object.fromEntries(Object.entries(wonAmount).map(([currency, amount]) => [currency, amount / withAmount[currency]!])),
      averageSalesCycleDays: won === 0 ? null : cycleMs / won / dayMs,
    }))
    .sort(compareKeys);
}

/**
 * Deals whose expected close date moved later, by the period of their last slip. One aggregate.
 *
 * @example
 * ```ts
 * const rows = await slippedReport(source, { period: 'month', by: 'owner' });
 * ```
 */
export async function slippedReport(source: ReportSource, scope: ReportScope): Promise<SlippedRow[]> {
  const group = groupField(scope);
  const rows = await source.deals(
    and(scopeFilter(scope, 'slippedAt'), { field: 'slipCount', op: 'gt', value: 0 }),
    ['currency', { field: 'slippedAt', bucket: periodOf(scope) }, ...(group ? [group] : [])],
    [
      { name: 'deals', fn: 'count' },
      { name: 'slips', fn: 'sum', field: 'slipCount' },
      { name: 'amount', fn: 'sum', field: 'amount' },
    ],
  );
  const byKey = new Map<string, { key: ReportKey; deals: number; slips: number; amount: Record<string, number> }>();
  for (const row of rows) {
    const [currency, at, owner] = row.key;
    const key = { period: at as Date | null, group: (owner ?? null) as string | null };
    const id = JSON.stringify([key.period?.getTime() ?? null, key.group]);
    const acc = byKey.get(id) ?? { key, deals: 0, slips: 0, amount: {} };
    acc.deals += row.values.deals as number;
    acc.slips += row.values.slips as number;
    if (currency !== null) acc.amount[currency as string] = (acc.amount[currency as string] ?? 0) + (row.values.amount as number);
    byKey.set(id, acc);
  }
  return [...byKey.values()].map(({ key, deals, slips, amount }) => ({ ...key, deals, slips, amount })).sort(compareKeys);
}

/**
 * Per stage of one pipeline (its open stages in order, then its won stages): how many deals
 * entered it, how many of them left it forward (to a later open stage, or won) on their first
 * stay, that share as the stage's conversion, and the median and p90 time in it over the stays
 * that ended; from the stage history (stays entered in `[from, to)`). Two aggregates: first stays
 * by stage and the stage they went to, and completed stays by stage and length (the quantiles are
 * read off that distribution).
 *
 * @example
 * ```ts
 * const stages = await stageMetricsReport(source, { pipelineId: p.id });
 * stages.find((s) => s.stageId === 'proposal')?.p90Ms;
 * ```
 */
export async function stageMetricsReport(source: ReportSource, scope: ReportScope & { readonly pipelineId: string }): Promise<StageMetricsRow[]> {
  const [pipeline] = await source.pipelines([scope.pipelineId]);
  if (pipeline === undefined) {
    throw new InvalidQueryError(`no pipeline ${scope.pipelineId}`, [{ code: 'unknown_reference', path: ['pipelineId'], message: `no pipeline ${scope.pipelineId}` }]);
  }
  const filter = scopeFilter(scope, 'enteredAt');
  const firstStays = await source.history(and(filter, { field: 'firstEntry', op: 'eq', value: true }), ['pipelineId', 'stageId', 'toStageId'], [{ name: 'deals', fn: 'count' }]);
  const lengths = await source.history(and(filter, { field: 'durationMs', op: 'exists', value: true }), ['pipelineId', 'stageId', 'durationMs'], [{ name: 'stays', fn: 'count' }]);
  const ordered = [...pipeline.stages.filter((s) => s.outcome === 'open'), ...pipeline.stages.filter((s) => s.outcome === 'won')];
  const position = new Map(ordered.map((stage, i) => [stage.id, i]));
  const entered = new Map<string, number>();
  const forward = new Map<string, number>();
  for (const row of firstStays) {
    const [, stageId, toStageId] = row.key as [string, string, string | null];
    const deals = row.values.deals as number;
    entered.set(stageId, (entered.get(stageId) ?? 0) + deals);
    const from = position.get(stageId);
    const to = toStageId === null ? undefined : position.get(toStageId);
    if (from !== undefined && to !== undefined && to > from) forward.set(stageId, (forward.get(stageId) ?? 0) + deals);
  }
  const distributions = new Map<string, [number, number][]>();
  for (const row of lengths) {
    const list = distributions.get(row.key[1] as string) ?? [];
    list.push([row.key[2] as number, row.values.stays as number]);
    distributions.set(row.key[1] as string, list);
  }
  return ordered.map((stage) => {
    const count = entered.get(stage.id) ?? 0;
    const movedForward = forward.get(stage.id) ?? 0;
    const distribution = (distributions.get(stage.id) ?? []).sort((a, b) => a[0] - b[0]);
    const stays = distribution.reduce((sum, [, n]) => sum + n, 0);
    return {
      stageId: stage.id,
      entered: count,
      movedForward,
      conversion: stage.outcome !== 'open' || count === 0 ? null : movedForward / count,
      stays,
      medianMs: nearestRank(distribution, stays, 0.5),
      p90Ms: nearestRank(distribution, stays, 0.9),
    };
  });
}

/**
 * Pipeline velocity per currency (and group): the open deals now × the win rate and average won
 * deal size and sales cycle of the deals closed in `[from, to)` ÷ that cycle, in minor units a day.
 * Groups without won deals are left out. Two aggregates.
 *
 * @example
 * ```ts
 * const [eur] = await velocityReport(source, { from: new Date('2025-01-01'), to: new Date('2025-07-01') });
 * eur.perDay; // minor units of EUR a day
 * ```
 */
export async function velocityReport(source: ReportSource, scope: ReportScope): Promise<VelocityRow[]> {
  const group = groupField(scope);
  const closed = await source.deals(
    and(scopeFilter(scope, 'closedAt'), { field: 'status', op: 'in', value: ['won', 'lost'] }),
    ['status', 'currency', ...(group ? [group] : [])],
    [
      { name: 'deals', fn: 'count' },
      { name: 'withAmount', fn: 'count', field: 'amount' },
      { name: 'amount', fn: 'sum', field: 'amount' },
      { name: 'cycleMs', fn: 'sum', field: 'cycleMs' },
    ],
  );
  const open = await source.deals(
    and(scopeFilter({ ...scope, from: undefined, to: undefined }, 'createdAt'), { field: 'status', op: 'eq', value: 'open' }),
    ['currency', ...(group ? [group] : [])],
    [{ name: 'deals', fn: 'count' }],
  );
  type Acc = { won: number; lost: number; cycleMs: number; amount: Map<string, number>; withAmount: Map<string, number> };
  const byGroup = new Map<string | null, Acc>();
  for (const row of closed) {
    const [status, currency, owner] = row.key;
    const key = (owner ?? null) as string | null;
    const acc = byGroup.get(key) ?? { won: 0, lost: 0, cycleMs: 0, amount: new Map(), withAmount: new Map() };
    if (status === 'won') {
      acc.won += row.values.deals as number;
      acc.cycleMs += row.values.cycleMs as number;
      if (currency !== null) {
        acc.amount.set(currency as string, (acc.amount.get(currency as string) ?? 0) + (row.values.amount as number));
        acc.withAmount.set(currency as string, (acc.withAmount.get(currency as string) ?? 0) + (row.values.withAmount as number));
      }
    } else acc.lost += row.values.deals as number;
    byGroup.set(key, acc);
  }
  const rows: VelocityRow[] = [];
  for (const row of open) {
    const [currency, owner] = row.key;
    const acc = byGroup.get((owner ?? null) as string | null);
    const withAmount = acc?.withAmount.get(currency as string) ?? 0;
    if (currency === null || acc === undefined || acc.won === 0 || withAmount === 0) continue;
    const winRate = acc.won / (acc.won + acc.lost);
    const averageDealSize = acc.amount.get(currency as string)! / withAmount;
    const averageSalesCycleDays = acc.cycleMs / acc.won / dayMs;
    const openDeals = row.values.deals as number;
    rows.push({
      group: (owner ?? null) as string | null,
      currency: currency as string,
      openDeals,
      winRate,
      averageDealSize,
      averageSalesCycleDays,
      perDay: averageSalesCycleDays === 0 ? Number.POSITIVE_INFINITY : (openDeals * winRate * averageDealSize) / averageSalesCycleDays,
    });
  }
  return rows.sort((a, b) => compare(a.group, b.group) || compare(a.currency, b.currency));
}

/** The value at rank ⌈q·n⌉ of a sorted distribution of (value, count). */
function nearestRank(distribution: readonly [number, number][], total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [value, count] of distribution) {
    seen += count;
    if (seen >= rank) return value;
  }
  return distribution.at(-1)![0];
}

function periodOf(scope: ReportScope): ReportPeriod {
  const period = scope.period ?? 'month';
  if (!(reportPeriods as readonly string[]).includes(period)) {
    throw new InvalidQueryError(`period is one of ${reportPeriods.join(', ')}`, [{ code: 'invalid_bucket', path: ['period'], message: `unknown period ${JSON.stringify(period)}` }]);
  }
  return period;
}

function groupField(scope: ReportScope): string | undefined {
  if (scope.by === undefined) return undefined;
  if (scope.by === 'owner') return 'ownerId';
  if (scope.by === 'pipeline') return 'pipelineId';
  throw new InvalidQueryError(`by is one of ${reportGroupings.join(', ')}`, [{ code: 'invalid_option', path: ['by'], message: `unknown grouping ${JSON.stringify(scope.by)}` }]);
}

function scopeFilter(scope: ReportScope, dateField: string): Filter[] {
  const conditions: Filter[] = [];
  if (scope.pipelineId !== undefined) conditions.push({ field: 'pipelineId', op: 'eq', value: scope.pipelineId });
  if (scope.ownerId !== undefined) conditions.push({ field: 'ownerId', op: 'eq', value: scope.ownerId });
  if (scope.from !== undefined) conditions.push({ field: dateField, op: 'gte', value: scope.from });
  if (scope.to !== undefined) conditions.push({ field: dateField, op: 'lt', value: scope.to });
  return conditions;
}

function and(conditions: readonly Filter[], ...more: Filter[]): Filter {
  return { and: [...conditions, ...more] };
}

function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function compareKeys(a: ReportKey, b: ReportKey): number {
  const pa = a.period?.getTime() ?? Number.POSITIVE_INFINITY;
  const pb = b.period?.getTime() ?? Number.POSITIVE_INFINITY;
  return pa - pb || compare(a.group, b.group);
}
