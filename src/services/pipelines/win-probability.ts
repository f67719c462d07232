import type { Pipeline } from '../../schema/pipeline.js';
import type { ReportSource } from './deal-reports.js';

/**
 * The amount bands the win-probability model splits deals into, in minor units: under 1,000,
 * 1,000 to 10,000, 10,000 to 100,000 and 100,000 or more major units of a two-decimal currency.
 */
export const amountBands = [
  { name: 'under_100k', min: 0, max: 100_000 },
  { name: '100k_1m', min: 100_000, max: 1_000_000 },
  { name: '1m_10m', min: 1_000_000, max: 10_000_000 },
  { name: 'over_10m', min: 10_000_000, max: Number.POSITIVE_INFINITY },
] as const;

/** The features the model weighs. */
export const winFeatures = ['stage', 'owner', 'amount_band'] as const;

/** One of {@link winFeatures}. */
export type WinFeature = (typeof winFeatures)[number];

/** One feature's part in a prediction: how much likelier its value is among won deals than among lost ones. */
export interface WinReason {
  readonly feature: WinFeature;
  readonly value: string;
  /** P(value | won) / P(value | lost), smoothed; above 1 speaks for a win. */
  readonly likelihoodRatio: number;
}

/** A deal's chance to be won, and why. */
export interface WinProbability {
  /** Between 0 and 1. */
  readonly probability: number;
  /** `model` when learned from the pipeline's closed deals, `stage` when it is the stage's probability (too few closed deals, or a closed deal). */
  readonly basis: 'model' | 'stage';
  /** The closed (won + lost) deals of the pipeline the model learned from. */
  readonly closedDeals: number;
  /** The features, strongest first (empty for `stage`). */
  readonly reasons: readonly WinReason[];
}

/** What the model scores: a deal's pipeline, stage, status, owner and amount. */
export interface ScoredDeal {
  readonly pipelineId: string;
  readonly stageId: string;
  readonly status: 'open' | 'won' | 'lost';
  readonly ownerId?: string | undefined;
  readonly amount?: number | undefined;
}

/** The fewest closed deals a pipeline needs before the model replaces the stage probability. */
export const defaultMinClosedDeals = 30;

type Counts = { won: number; lost: number };

/**
 * A naive Bayes win model of one pipeline, learned from its own won and lost deals (as Odoo's
 * predictive lead scoring): the stage (from the stage history: won and lost deals that reached
 * it), the owner and the amount band, each with Laplace smoothing, on top of the pipeline's
 * base win rate. Learning takes six aggregates (pushed down where the adapter can).
 *
 * @example
 * ```ts
 * const model = await learnWinModel(source, pipeline, 30);
 * model.score(deal); // { probability, basis: 'model', reasons: [...] }
 * ```
 */
export async function learnWinModel(source: ReportSource, pipeline: Pipeline, minClosedDeals = defaultMinClosedDeals): Promise<{ score(deal: ScoredDeal): WinProbability }> {
  const inPipeline = { field: 'pipelineId', op: 'eq' as const, value: pipeline.id };
  const closed = { field: 'status', op: 'in' as const, value: ['won', 'lost'] };
  const tally = (rows: { key: readonly unknown[]; values: Readonly<Record<string, unknown>> }[], valueAt: number, outcomeAt: number) => {
    const byValue = new Map<string, Counts>();
    for (const row of rows) {
      const value = row.key[valueAt];
      if (value === null || value === undefined) continue;
      const counts = byValue.get(String(value)) ?? { won: 0, lost: 0 };
      counts[row.key[outcomeAt] as 'won' | 'lost'] += row.values.n as number;
      byValue.set(String(value), counts);
    }
    return byValue;
  };
  const n = [{ name: 'n', fn: 'count' as const }];
  const base = await source.deals({ and: [inPipeline, closed] }, ['status'], n);
  const won = (base.find((row) => row.key[0] === 'won')?.values.n as number | undefined) ?? 0;
  const lost = (base.find((row) => row.key[0] === 'lost')?.values.n as number | undefined) ?? 0;
  const stageOf = (deal: ScoredDeal): number => pipeline.stages.find((s) => s.id === deal.stageId)?.probability ?? 0;
  if (won + lost < minClosedDeals || won === 0 || lost === 0) {
    return { score: (deal) => ({ probability: stageOf(deal), basis: 'stage', closedDeals: won + lost, reasons: [] }) };
  }
  const owners = tally(await source.deals({ and: [inPipeline, closed] }, ['status', 'ownerId'], n), 1, 0);
  const stages = tally(
    await source.history(
      { and: [inPipeline, { field: 'firstEntry', op: 'eq', value: true }, { field: 'dealOutcome', op: 'exists', value: true }] },
      ['pipelineId', 'stageId', 'dealOutcome'],
      n,
    ),
    1,
    2,
  );
  const bands = new Map<string, Counts>();
  for (const band of amountBands) {
    const range = [{ field: 'amount', op: 'gte' as const, value: band.min }, ...(Number.isFinite(band.max) ? [{ field: 'amount', op: 'lt' as const, value: band.max }] : [])];
    const rows = await source.deals({ and: [inPipeline, closed, ...range] }, ['status'], n);
    bands.set(band.name, {
      won: (rows.find((row) => row.key[0] === 'won')?.values.n as number | undefined) ?? 0,
      lost: (rows.find((row) => row.key[0] === 'lost')?.values.n as number | undefined) ?? 0,
    });
  }
  const ratio = (table: Map<string, Counts>, value: string): number => {
    const k = table.size + 1; // the values seen, and one for an unseen value
    const counts = table.get(value) ?? { won: 0, lost: 0 };
    const totalWon = [...table.values()].reduce((sum, c) => sum + c.won, 0);
    const totalLost = [...table.values()].reduce((sum, c) => sum + c.lost, 0);
    return (counts.won + 1) / (totalWon + k) / ((counts.lost + 1) / (totalLost + k));
  };
  const priorLogOdds = Math.log((won + 1) / (lost + 1));
  return {
    score(deal) {
      if (deal.status !== 'open') return { probability: deal.status === 'won' ? 1 : 0, basis: 'stage', closedDeals: won + lost, reasons: [] };
      const reasons: WinReason[] = [{ feature: 'stage', value: deal.stageId, likelihoodRatio: ratio(stages, deal.stageId) }];
      if (deal.ownerId !== undefined) reasons.push({ feature: 'owner', value: deal.ownerId, likelihoodRatio: ratio(owners, deal.ownerId) });
      if (deal.amount !== undefined) {
        const band = amountBands.find((b) => deal.amount! >= b.min && deal.amount! < b.max)!;
        reasons.push({ feature: 'amount_band', value: band.name, likelihoodRatio: ratio(bands, band.name) });
      }
      const logOdds = reasons.reduce((sum, reason) => sum + Math.log(reason.likelihoodRatio), priorLogOdds);
      reasons.sort((a, b) => Math.abs(Math.log(b.likelihoodRatio)) - Math.abs(Math.log(a.likelihoodRatio)));
      return { probability: 1 / (1 + Math.exp(-logOdds)), basis: 'model', closedDeals: won + lost, reasons };
    },
  };
}
