import type { Pipeline, PipelineInput, PipelineStage } from '../../schema/pipeline.js';
import type { StorageOperations } from '../../storage/adapter.js';
import { InvalidTransitionError, ValidationError } from '../../storage/errors.js';
import type { ItemIssues } from '../item-issues.js';
import { ModelService, type WriteOptions } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { DealService } from './deal-service.js';
import type { PipelineEditRefusal } from './move-refusals.js';

/** Options of `crm.pipelines.addStage`. */
export interface AddStageOptions extends WriteOptions {
  /** Insert before this stage; at the end of the open stages (before the first won or lost stage) by default. */
  readonly before?: string;
}

/** Options of `crm.pipelines.removeStage`. */
export interface RemoveStageOptions extends WriteOptions {
  /** The stage (of the same outcome) the removed stage's deals move to, in the same transaction. */
  readonly moveDealsTo?: string;
}

/**
 * Pipelines: the model service plus validated edits of the stages. Every pipeline write keeps
 * the schema's rules (unique ids, an open, a won and a lost stage, won = probability 1 and
 * `closed`, lost = 0 and `omitted`), and no write may remove a stage that still holds deals or
 * change its outcome (`InvalidTransitionError`, reason `stage_in_use`): {@link removeStage} with
 * `moveDealsTo` moves them first, atomically.
 *
 * @example
 * ```ts
 * await crm.pipelines.addStage(p.id, { id: 'demo', name: 'Demo', probability: 0.3 }, { before: 'proposal' });
 * await crm.pipelines.removeStage(p.id, 'qualify', { moveDealsTo: 'demo' });
 * ```
 */
export class PipelineService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<Pipeline<C>>, PipelineInput<C>> {
  /**
   * Renames a stage.
   *
   * @example
   * ```ts
   * await crm.pipelines.renameStage(p.id, 'proposal', 'Proposal sent');
   * ```
   */
  async renameStage(id: string, stageId: string, name: string, options: WriteOptions = {}): Promise<ReadonlyRecord<Pipeline<C>>> {
    return this.update(id, (draft) => void (stageIn(draft.stages, stageId).name = name), options);
  }

  /**
   * Sets a stage's win probability (0 to 1; won stages stay 1, lost ones 0). Deals' stage history
   * keeps the probability they entered with.
   *
   * @example
   * ```ts
   * await crm.pipelines.setStageProbability(p.id, 'proposal', 0.45);
   * ```
   */
  async setStageProbability(id: string, stageId: string, probability: number, options: WriteOptions = {}): Promise<ReadonlyRecord<Pipeline<C>>> {
    return this.update(id, (draft) => void (stageIn(draft.stages, stageId).probability = probability), options);
  }

  /**
   * Puts the stages in this order: every stage id once.
   *
   * @example
   * ```ts
   * await crm.pipelines.reorderStages(p.id, ['qualify', 'demo', 'proposal', 'won', 'lost']);
   * ```
   */
  async reorderStages(id: string, stageIds: readonly string[], options: WriteOptions = {}): Promise<ReadonlyRecord<Pipeline<C>>> {
    return this.update(
      id,
      (draft) => {
        const current = draft.stages.map((stage) => stage.id);
        const same = Array.isArray(stageIds) && stageIds.length === current.length && new Set(stageIds).size === current.length && stageIds.every((s) => current.includes(s));
        if (!same) {
          throw new ValidationError('reorderStages takes every stage id of the pipeline exactly once', [
            { code: 'invalid_value', path: ['stageIds'], message: `expected an order of ${current.join(', ')}` },
          ]);
        }
        const byId = new Map(draft.stages.map((stage) => [stage.id, { ...stage }]));
        draft.stages = stageIds.map((stageId) => byId.get(stageId)!) as typeof draft.stages;
      },
      options,
    );
  }

  /**
   * Adds a stage (validated like every stage: a new unique id, probability, outcome, category).
   *
   * @example
   * ```ts
   * await crm.pipelines.addStage(p.id, { id: 'demo', name: 'Demo', probability: 0.3, forecastCategory: 'best_case' }, { before: 'proposal' });
   * ```
   */
  async addStage(id: string, stage: Omit<PipelineStage, 'outcome'> & { outcome?: PipelineStage['outcome'] }, options: AddStageOptions = {}): Promise<ReadonlyRecord<Pipeline<C>>> {
    return this.update(
      id,
      (draft) => {
        const at =
          options.before === undefined
            ? firstIndex(draft.stages, (s) => s.outcome !== 'open')
            : draft.stages.indexOf(stageIn(draft.stages, options.before, 'before'));
        draft.stages.splice(at, 0, { outcome: 'open', ...stage } as (typeof draft.stages)[number]);
      },
      writeOptions(options),
    );
  }

  /**
   * Removes a stage. If deals sit in it, `moveDealsTo` names the stage (same pipeline, same
   * outcome) they move to first, each with a stage-history row and `deal.stageChanged`, in one
   * transaction with the pipeline's update; without it the removal is refused (`stage_in_use`).
   *
   * @example
   * ```ts
   * await crm.pipelines.removeStage(p.id, 'qualify', { moveDealsTo: 'demo' });
   * ```
   */
  async removeStage(id: string, stageId: string, options: RemoveStageOptions = {}): Promise<ReadonlyRecord<Pipeline<C>>> {
    return this.context.transaction(async (tx) => {
      const pipelines = tx.pipelines as unknown as PipelineService<C>;
      const pipeline = await pipelines.get(id);
      const stage = stageIn(pipeline.stages, stageId);
      if (options.moveDealsTo !== undefined) {
        const target = stageIn(pipeline.stages, options.moveDealsTo, 'moveDealsTo');
        if (target.id === stage.id) refuse('same_stage', `moveDealsTo names the stage being removed, ${stageId}`);
        if (target.outcome !== stage.outcome) {
          refuse('stage_outcome_mismatch', `stage ${stageId} is ${stage.outcome}, ${target.id} is ${target.outcome}: deals move to a stage of the same outcome`);
        }
        await (tx.deals as unknown as DealService).moveAllInStage(id, stageId, target.id);
      }
      return pipelines.update(id, (draft) => void draft.stages.splice(draft.stages.findIndex((s) => s.id === stageId), 1), writeOptions(options));
    });
  }

  /** Refuses removing a stage that holds deals, or changing its outcome. @internal */
  protected override async prepareWrites(
    storage: StorageOperations,
    writes: readonly { record: ReadonlyRecord<Pipeline<C>>; previous: ReadonlyRecord<Pipeline<C>> | undefined }[],
    _now: Date,
    _issues: ItemIssues,
  ): Promise<ReadonlyRecord<Pipeline<C>>[]> {
    for (const { record, previous } of writes) {
      if (previous === undefined) continue;
      for (const before of previous.stages) {
        const after = record.stages.find((stage) => stage.id === before.id);
        if (after !== undefined && after.outcome === before.outcome) continue;
        const held = await storage.count('deals', {
          and: [
            { field: 'pipelineId', op: 'eq', value: record.id },
            { field: 'stageId', op: 'eq', value: before.id },
          ],
        });
        if (held > 0) {
          refuse(
            'stage_in_use',
            after === undefined
              ? `stage ${before.id} of pipeline ${previous.name} holds ${held} deal(s): removeStage(id, '${before.id}', { moveDealsTo }) moves them first`
              : `stage ${before.id} of pipeline ${previous.name} holds ${held} deal(s): its outcome cannot change`,
          );
        }
      }
    }
    return writes.map(({ record }) => record);
  }
}

function refuse(reason: PipelineEditRefusal, message: string): never {
  throw new InvalidTransitionError(message, { reason });
}

function writeOptions(options: WriteOptions): WriteOptions {
  return options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion };
}

function firstIndex<T>(list: readonly T[], test: (item: T) => boolean): number {
  const at = list.findIndex(test);
  return at < 0 ? list.length : at;
}

function stageIn<S extends { readonly id: string }>(stages: readonly S[], stageId: string, field = 'stageId'): S {
  const stage = stages.find((s) => s.id === stageId);
  if (stage === undefined) {
    throw new ValidationError(`stage ${JSON.stringify(stageId)} is not a stage of this pipeline`, [
      { code: 'unknown_stage', path: [field], message: `stage ${JSON.stringify(stageId)} is not a stage of this pipeline` },
    ]);
  }
  return stage;
}
