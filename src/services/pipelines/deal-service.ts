import type { Deal, DealInput } from '../../schema/deal.js';
import { dealLineItemTotal } from '../../schema/deal-line-item.js';
import type { DealStageEntry } from '../../schema/deal-stage-entry.js';
import type { Pipeline, PipelineStage } from '../../schema/pipeline.js';
import type { StorageOperations } from '../../storage/adapter.js';
import { InvalidTransitionError, NotFoundError } from '../../storage/errors.js';
import { scanStorage } from '../../storage/scan-storage.js';
import type { ItemIssues } from '../item-issues.js';
import { ModelService, type WriteOptions } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { WriteChange } from '../write-hook.js';
import type { DealMoveRefusal } from './move-refusals.js';
import { stageHistoryWrites } from './stage-history-writes.js';
import {
  forecastReport,
  slippedReport,
  stageMetricsReport,
  velocityReport,
  winMetricsReport,
  type ForecastRow,
  type ReportScope,
  type ReportSource,
  type SlippedRow,
  type StageMetricsRow,
  type VelocityRow,
  type WinMetricsRow,
} from './deal-reports.js';
import { defaultMinClosedDeals, learnWinModel, type ScoredDeal, type WinProbability } from './win-probability.js';

/** Options of `crm.deals.win`. */
export interface WinOptions extends WriteOptions {
  /** The won stage to enter; the pipeline's first won stage by default. */
  readonly stageId?: string;
}

/** Options of `crm.deals.lose`. */
export interface LoseOptions extends WriteOptions {
  /** Why: one of the pipeline's `lostReasons`. */
  readonly reason: string;
  /** The lost stage to enter; the pipeline's first lost stage by default. */
  readonly stageId?: string;
}

/** The most deals one batch of a stage removal moves at a time. */
const stageMoveBatch = 500;

/**
 * Deals: the model service plus the pipeline rules.
 *
 * - A deal's stage is a stage of its pipeline; `status` follows the stage's outcome,
 *   `stageEnteredAt`, `closedAt` and `cycleMs` follow its moves.
 * - Moves: {@link moveToStage} between open stages, {@link win}, {@link lose} (with one of the
 *   pipeline's `lostReasons`), {@link reopen}; each refused case is an `InvalidTransitionError`
 *   whose `reason` is one of `dealMoveRefusals`, and writes nothing. A plain `update` that changes
 *   `stageId` is a move too and keeps the rules every path keeps: no straight won↔lost, a lost
 *   deal has a listed reason.
 * - Every write that creates a deal or changes its stage writes the stage history
 *   ({@link stageHistory}) in the same atomic block; a move emits `deal.stageChanged`, and
 *   `deal.won`, `deal.lost` or `deal.reopened` when the status changes.
 * - Line items: their exact sum is the deal's `amount`; contacts name existing customers.
 * - Moving `expectedCloseDate` later counts a slip (`slipCount`, `slippedAt`).
 *
 * @example
 * ```ts
 * await crm.deals.moveToStage(deal.id, 'proposal');
 * await crm.deals.lose(deal.id, { reason: 'price' }); // 'deal.lost' emitted after commit
 * await crm.deals.stageHistory(deal.id); // qualify → proposal → lost, with who, when, amount, probability
 * ```
 */
export class DealService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<Deal<C>>, DealInput<C>> {
  /** @internal */
  protected override managedDefaults(_candidate: Record<string, unknown>, now: Date): Record<string, unknown> {
    return { status: 'open', stageEnteredAt: now, slipCount: 0 };
  }

  /**
   * Moves an open deal to another open stage of its pipeline.
   *
   * @example
   * ```ts
   * await crm.deals.moveToStage(deal.id, 'proposal');
   * ```
   */
  async moveToStage(id: string, stageId: string, options: WriteOptions = {}): Promise<ReadonlyRecord<Deal<C>>> {
    const pipeline = await this.#pipelineOf(id);
    const stage = stageOf(pipeline, stageId);
    return this.update(
      id,
      (draft) => {
        if (draft.status !== 'open') refuse('deal_closed', `deal ${id} is ${draft.status}: reopen it before moving it`);
        if (stage.outcome !== 'open') refuse('stage_outcome_mismatch', `stage ${stageId} is ${stage.outcome}: use win() or lose()`);
        if (draft.stageId === stageId) refuse('same_stage', `deal ${id} is in stage ${stageId} already`);
        draft.stageId = stageId;
      },
      options,
    );
  }

  /**
   * Wins an open deal: moves it to the pipeline's (first, or the given) won stage.
   *
   * @example
   * ```ts
   * const won = await crm.deals.win(deal.id); // won.status === 'won', won.closedAt, won.cycleMs
   * ```
   */
  async win(id: string, options: WinOptions = {}): Promise<ReadonlyRecord<Deal<C>>> {
    const pipeline = await this.#pipelineOf(id);
    const stage = options.stageId === undefined ? pipeline.stages.find((s) => s.outcome === 'won')! : stageOf(pipeline, options.stageId);
    if (stage.outcome !== 'won') refuse('stage_outcome_mismatch', `stage ${stage.id} is not a won stage`);
    return this.update(
      id,
      (draft) => {
        if (draft.status === 'won') refuse('already_won', `deal ${id} is won already`);
        if (draft.status === 'lost') refuse('deal_lost', `deal ${id} is lost: reopen it before winning it`);
        draft.stageId = stage.id;
      },
      writeOptions(options),
    );
  }

  /**
   * Loses an open deal for one of its pipeline's `lostReasons`: moves it to the (first, or the
   * given) lost stage and records the reason in `lostReason`.
   *
   * @example
   * ```ts
   * await crm.deals.lose(deal.id, { reason: 'competitor' });
   * ```
   */
  async lose(id: string, options: LoseOptions): Promise<ReadonlyRecord<Deal<C>>> {
    const pipeline = await this.#pipelineOf(id);
    const reason = typeof options?.reason === 'string' ? options.reason.trim() : undefined;
    if (reason === undefined || !pipeline.lostReasons.includes(reason)) {
      refuse('unknown_lost_reason', lostReasonMessage(pipeline, options?.reason));
    }
    const stage = options.stageId === undefined ? pipeline.stages.find((s) => s.outcome === 'lost')! : stageOf(pipeline, options.stageId);
    if (stage.outcome !== 'lost') refuse('stage_outcome_mismatch', `stage ${stage.id} is not a lost stage`);
    return this.update(
      id,
      (draft) => {
        if (draft.status === 'lost') refuse('already_lost', `deal ${id} is lost already`);
        if (draft.status === 'won') refuse('deal_won', `deal ${id} is won: reopen it before losing it`);
        draft.stageId = stage.id;
        draft.lostReason = reason;
      },
      writeOptions(options),
    );
  }

  /**
   * Reopens a won or lost deal into an open stage of its pipeline; its `closedAt`, `cycleMs` and
   * `lostReason` are cleared.
   *
   * @example
   * ```ts
   * await crm.deals.reopen(deal.id, 'negotiation');
   * ```
   */
  async reopen(id: string, stageId: string, options: WriteOptions = {}): Promise<ReadonlyRecord<Deal<C>>> {
    const pipeline = await this.#pipelineOf(id);
    const stage = stageOf(pipeline, stageId);
    if (stage.outcome !== 'open') refuse('stage_outcome_mismatch', `stage ${stageId} is ${stage.outcome}: a deal reopens into an open stage`);
    return this.update(
      id,
      (draft) => {
        if (draft.status === 'open') refuse('deal_open', `deal ${id} is open`);
        draft.stageId = stageId;
      },
      options,
    );
  }

  /**
   * Every stay of the deal in a stage, oldest first: the stage, when it entered and by whom, the
   * amount and the stage's probability then, and (except for the current stay) when it left, by
   * whom, for which stage and after how long. Throws `NotFoundError` for an unknown deal.
   *
   * @example
   * ```ts
   * for (const stay of await crm.deals.stageHistory(deal.id)) console.log(stay.stageId, stay.enteredAt, stay.durationMs);
   * ```
   */
  async stageHistory(id: string): Promise<readonly DealStageEntry[]> {
    await this.get(id);
    const entries: DealStageEntry[] = [];
    const query = {
      filter: { field: 'dealId', op: 'eq' as const, value: id },
      sort: [
        { field: 'sequence', direction: 'asc' as const },
        { field: 'id', direction: 'asc' as const },
      ],
    };
    for await (const batch of scanStorage(this.context.storage, 'dealStageHistory', query, 1000, {
      keysetAfter: this.context.adapter.capabilities.keysetAfter === true,
    })) {
      entries.push(...(batch as unknown as DealStageEntry[]));
    }
    return entries;
  }

  /**
   * Moves every deal of one stage of a pipeline to another stage, in batches, through
   * `updateMany` (so with the stage history and events); for `crm.pipelines.removeStage`, which
   * runs it inside its transaction.
   *
   * @internal
   */
  async moveAllInStage(pipelineId: string, fromStageId: string, toStageId: string): Promise<number> {
    let moved = 0;
    for (;;) {
      const page = await this.find({
        where: { and: [{ field: 'pipelineId', op: 'eq', value: pipelineId }, { field: 'stageId', op: 'eq', value: fromStageId }] },
        limit: stageMoveBatch,
      } as never);
      if (page.items.length === 0) return moved;
      const results = await this.updateMany(page.items.map((deal) => ({ id: deal.id, recipe: (draft) => void (draft.stageId = toStageId) })));
      const failed = results.find((result) => !result.ok);
      if (failed !== undefined && !failed.ok) throw failed.error;
      moved += page.items.length;
    }
  }

  /**
   * The weighted forecast by period of expected close date (month or quarter, in the crm's time
   * zone), forecast category and currency, optionally by owner or pipeline; won deals appear as
   * `closed` in the period they were won. Computed by aggregates in the database where the adapter
   * can. See `docs/pipelines.md`.
   *
   * @example
   * ```ts
   * const rows = await crm.deals.forecast({ period: 'quarter', by: 'owner', pipelineId: p.id });
   * rows.filter((r) => r.category === 'commit').map((r) => [r.period, r.group, r.weightedAmount]);
   * ```
   */
  async forecast(scope: ReportScope = {}): Promise<ForecastRow[]> {
    return forecastReport(this.#reportSource(), scope);
  }

  /**
   * Win rate, won amount, average deal size and sales cycle length of the deals closed in each
   * period (by `closedAt`), optionally by owner or pipeline.
   *
   * @example
   * ```ts
   * const byOwner = await crm.deals.winMetrics({ period: 'quarter', by: 'owner' });
   * ```
   */
  async winMetrics(scope: ReportScope = {}): Promise<WinMetricsRow[]> {
    return winMetricsReport(this.#reportSource(), scope);
  }

  /**
   * Deals whose expected close date moved later, by the period of their last slip.
   *
   * @example
   * ```ts
   * const slipped = await crm.deals.slipped({ period: 'month', by: 'owner' });
   * ```
   */
  async slipped(scope: ReportScope = {}): Promise<SlippedRow[]> {
    return slippedReport(this.#reportSource(), scope);
  }

  /**
   * Per stage of a pipeline: deals that entered it, stage-to-stage conversion, median and p90 time
   * in stage, from the stage history (stays entered in `[from, to)`, of one owner if given).
   *
   * @example
   * ```ts
   * const stages = await crm.deals.stageMetrics({ pipelineId: p.id, from: new Date('2025-01-01') });
   * ```
   */
  async stageMetrics(scope: ReportScope & { readonly pipelineId: string }): Promise<StageMetricsRow[]> {
    return stageMetricsReport(this.#reportSource(), scope);
  }

  /**
   * Pipeline velocity per currency (and owner or pipeline): open deals × win rate × average deal
   * size ÷ sales cycle days, from the deals closed in `[from, to)`.
   *
   * @example
   * ```ts
   * const [eur] = await crm.deals.velocity({ from: new Date('2025-01-01'), to: new Date('2025-07-01') });
   * ```
   */
  async velocity(scope: ReportScope = {}): Promise<VelocityRow[]> {
    return velocityReport(this.#reportSource(), scope);
  }

  /**
   * The deal's chance to be won, learned from its pipeline's own won and lost deals (naive Bayes
   * over stage reached, owner and amount band), with the reasons; the stage's probability when
   * the pipeline has fewer than `minClosedDeals` (30) closed deals, or none won or none lost.
   *
   * @example
   * ```ts
   * const { probability, basis, reasons } = await crm.deals.winProbability(deal.id);
   * ```
   */
  async winProbability(id: string, options: { readonly minClosedDeals?: number } = {}): Promise<WinProbability> {
    const deal = await this.get(id);
    const pipeline = await this.#pipelineOf(id);
    return (await learnWinModel(this.#reportSource(), pipeline, options.minClosedDeals ?? defaultMinClosedDeals)).score(deal as unknown as ScoredDeal);
  }

  /**
   * The learned win model of one pipeline, to score many deals (or deals not stored) with one
   * learning: see {@link winProbability}.
   *
   * @example
   * ```ts
   * const model = await crm.deals.winModel(p.id);
   * const scores = openDeals.map((deal) => model.score(deal).probability);
   * ```
   */
  async winModel(pipelineId: string, options: { readonly minClosedDeals?: number } = {}): Promise<{ score(deal: ScoredDeal): WinProbability }> {
    const [pipeline] = await this.context.storage.getMany('pipelines', [pipelineId]);
    if (pipeline === undefined) throw new NotFoundError('pipelines', pipelineId);
    return learnWinModel(this.#reportSource(), pipeline as unknown as Pipeline, options.minClosedDeals ?? defaultMinClosedDeals);
  }

  #reportSource(): ReportSource {
    const history = this.context.services.dealStageHistory!;
    return {
      deals: (where, groupBy, measures) => this.aggregate({ ...(where === undefined ? {} : { where }), groupBy, measures } as never) as never,
      history: (where, groupBy, measures) => history.aggregate({ ...(where === undefined ? {} : { where }), groupBy, measures } as never) as never,
      pipelines: async (ids) => {
        if (ids === undefined || ids.length === 0) return [];
        return ((await this.context.storage.getMany('pipelines', ids)) as unknown as (Pipeline | undefined)[]).filter((p): p is Pipeline => p !== undefined);
      },
    };
  }

  async #pipelineOf(id: string): Promise<Pipeline> {
    const deal = await this.get(id);
    const [pipeline] = await this.context.storage.getMany('pipelines', [deal.pipelineId]);
    if (pipeline === undefined) throw new NotFoundError('pipelines', deal.pipelineId);
    return pipeline as unknown as Pipeline;
  }

  /** @internal */
  protected override async prepareWrites(
    storage: StorageOperations,
    writes: readonly { record: ReadonlyRecord<Deal<C>>; previous: ReadonlyRecord<Deal<C>> | undefined }[],
    now: Date,
    issues: ItemIssues,
  ): Promise<ReadonlyRecord<Deal<C>>[]> {
    const pipelineIds = [...new Set(writes.map(({ record }) => record.pipelineId))];
    const pipelines = (await storage.getMany('pipelines', pipelineIds)) as unknown as (Pipeline | undefined)[];
    const byId = new Map(pipelineIds.map((id, i) => [id, pipelines[i]]));
    await checkContacts(storage, writes.map(({ record }) => record as unknown as Deal), issues);
    return writes.map(({ record, previous }, index) => {
      const pipeline = byId.get(record.pipelineId);
      if (pipeline === undefined) return record; // reported as an unknown reference
      const stage = pipeline.stages.find((s) => s.id === record.stageId);
      if (stage === undefined) {
        issues.add(index, {
          code: 'unknown_stage',
          path: ['stageId'],
          message: `stage ${JSON.stringify(record.stageId)} is not a stage of pipeline ${pipeline.name}`,
        });
        return record;
      }
      const next = { ...record } as unknown as Record<string, unknown> & Deal;
      const moved = previous === undefined || previous.stageId !== record.stageId || previous.pipelineId !== record.pipelineId;
      if (previous !== undefined && moved && previous.status !== 'open' && stage.outcome !== 'open' && stage.outcome !== previous.status) {
        refuse(
          previous.status === 'won' ? 'deal_won' : 'deal_lost',
          `deal ${record.id} is ${previous.status}: reopen it before it can be ${stage.outcome}`,
        );
      }
      if (stage.outcome === 'lost') {
        const reasonChanged = moved || record.lostReason !== previous?.lostReason;
        if (reasonChanged && (record.lostReason === undefined || !pipeline.lostReasons.includes(record.lostReason))) {
          refuse('unknown_lost_reason', lostReasonMessage(pipeline, record.lostReason));
        }
      } else if (moved && previous?.status === 'lost') {
        delete next.lostReason;
      } else if (record.lostReason !== undefined) {
        issues.add(index, { code: 'invalid_value', path: ['lostReason'], message: 'only a lost deal has a lost reason' });
      }
      next.status = stage.outcome;
      next.stageEnteredAt = moved ? now : record.stageEnteredAt;
      const closedAt = stage.outcome === 'open' ? undefined : previous !== undefined && previous.status === stage.outcome ? previous.closedAt : now;
      if (closedAt === undefined) {
        delete next.closedAt;
        delete next.cycleMs;
      } else {
        next.closedAt = closedAt;
        next.cycleMs = Math.max(0, closedAt.getTime() - record.createdAt.getTime());
      }
      if (
        previous?.expectedCloseDate !== undefined &&
        record.expectedCloseDate !== undefined &&
        record.expectedCloseDate.getTime() > previous.expectedCloseDate.getTime()
      ) {
        next.slipCount = previous.slipCount + 1;
        next.slippedAt = now;
      }
      deriveAmount(next, previous as unknown as Deal | undefined, index, issues);
      return next as unknown as ReadonlyRecord<Deal<C>>;
    });
  }

  /** Writes the stage history of the batch's deal changes, then runs the crm's write hooks. @internal */
  protected override async runWriteHooks(storage: StorageOperations, now: Date, changes: readonly WriteChange[]): Promise<void> {
    await stageHistoryWrites(storage, changes, { now, actor: this.context.actor, ids: this.context.ids, keysetAfter: this.context.adapter.capabilities.keysetAfter === true });
    await super.runWriteHooks(storage, now, changes);
  }

  /** @internal */
  protected override afterUpdate(record: ReadonlyRecord<Deal<C>>, previous: ReadonlyRecord<Deal<C>>): void {
    if (record.stageId === previous.stageId && record.pipelineId === previous.pipelineId) return;
    const actor = this.context.actor;
    const deal = record as unknown as Deal;
    this.context.emit('deal.stageChanged', { deal, fromStageId: previous.stageId, toStageId: record.stageId, actor });
    if (record.status === previous.status) return;
    if (record.status === 'won') this.context.emit('deal.won', { deal, actor });
    else if (record.status === 'lost') this.context.emit('deal.lost', { deal, reason: record.lostReason!, actor });
    else this.context.emit('deal.reopened', { deal, fromStatus: previous.status as 'won' | 'lost', actor });
  }
}

function refuse(reason: DealMoveRefusal, message: string): never {
  throw new InvalidTransitionError(message, { reason });
}

function writeOptions(options: WriteOptions): WriteOptions {
  return options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion };
}

function stageOf(pipeline: Pipeline, stageId: string): PipelineStage {
  const stage = pipeline.stages.find((s) => s.id === stageId);
  if (stage === undefined) refuse('unknown_stage', `stage ${JSON.stringify(stageId)} is not a stage of pipeline ${pipeline.name}`);
  return stage;
}

function lostReasonMessage(pipeline: Pipeline, reason: unknown): string {
  const listed = pipeline.lostReasons.length === 0 ? 'none: add some to the pipeline\'s lostReasons' : pipeline.lostReasons.map((r) => JSON.stringify(r)).join(', ');
  return `a lost deal of pipeline ${pipeline.name} needs one of its lost reasons (${listed}); got ${JSON.stringify(reason ?? null)}`;
}

/** With line items, `amount` is their exact sum; an amount given (or changed) that differs is an issue. */
function deriveAmount(next: Record<string, unknown> & Deal, previous: Deal | undefined, index: number, issues: ItemIssues): void {
  if (next.lineItems.length === 0) return;
  const total = next.lineItems.reduce((sum, item) => sum + dealLineItemTotal(item), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    issues.add(index, { code: 'too_big', path: ['amount'], message: 'the line items sum beyond the safe integer range' });
    return;
  }
  const given = previous === undefined ? next.amount !== undefined : next.amount !== previous.amount;
  if (given && next.amount !== Number(total)) {
    issues.add(index, {
      code: 'amount_mismatch',
      path: ['amount'],
      message: `the amount of a deal with line items is their sum, ${total}; got ${next.amount}`,
    });
    return;
  }
  next.amount = Number(total);
}

/** Each contact names an existing customer. */
async function checkContacts(storage: StorageOperations, records: readonly Deal[], issues: ItemIssues): Promise<void> {
  const wanted = [...new Set(records.flatMap((record) => record.contacts.map((contact) => contact.customerId)))];
  if (wanted.length === 0) return;
  const found = await storage.getMany('customers', wanted);
  const missing = new Set(wanted.filter((_, i) => found[i] === undefined));
  records.forEach((record, index) => {
    record.contacts.forEach((contact, i) => {
      if (missing.has(contact.customerId)) {
        issues.add(index, {
          code: 'unknown_reference',
          path: ['contacts', i, 'customerId'],
          message: `contacts[${i}].customerId ${JSON.stringify(contact.customerId)} is not a record of customers`,
        });
      }
    });
  });
}
