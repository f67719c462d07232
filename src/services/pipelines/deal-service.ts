import type { Deal, DealInput } from '../../schema/deal.js';
import type { Pipeline } from '../../schema/pipeline.js';
import type { StorageOperations } from '../../storage/adapter.js';
import type { ItemIssues } from '../item-issues.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/**
 * Deals: the model service plus the pipeline rules. A deal's stage must be a
 * stage of its pipeline; `status` follows the stage's outcome, `stageEnteredAt`
 * and `closedAt` follow its moves, and a move emits `deal.stageChanged`.
 *
 * @example
 * ```ts
 * await crm.deals.update(deal.id, (d) => { d.stageId = 'won' });
 * // deal.status === 'won', deal.closedAt set, 'deal.stageChanged' emitted after commit
 * ```
 */
export class DealService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<Deal<C>>, DealInput<C>> {
  /** @internal */
  protected override managedDefaults(_candidate: Record<string, unknown>, now: Date): Record<string, unknown> {
    return { status: 'open', stageEnteredAt: now };
  }

  /** @internal */
  protected override async prepareWrites(
    storage: StorageOperations,
    writes: readonly { record: ReadonlyRecord<Deal<C>>; previous: ReadonlyRecord<Deal<C>> | undefined }[],
    now: Date,
    issues: ItemIssues,
  ): Promise<ReadonlyRecord<Deal<C>>[]> {
    const pipelineIds = [...new Set(writes.map(({ record }) => record.pipelineId))];
    const pipelines = (await storage.getMany('pipelines', pipelineIds)) as (Pipeline | undefined)[];
    const byId = new Map(pipelineIds.map((id, i) => [id, pipelines[i]]));
    const prepared = writes.map(({ record, previous }, index) => {
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
      const moved = previous === undefined || previous.stageId !== record.stageId || previous.pipelineId !== record.pipelineId;
      const closedAt =
        stage.outcome === 'open' ? undefined : previous !== undefined && previous.status === stage.outcome ? previous.closedAt : now;
      const next = { ...record, status: stage.outcome, stageEnteredAt: moved ? now : record.stageEnteredAt };
      if (closedAt === undefined) delete (next as { closedAt?: Date }).closedAt;
      else next.closedAt = closedAt;
      return next;
    });
    return prepared;
  }

  /** @internal */
  protected override afterUpdate(record: ReadonlyRecord<Deal<C>>, previous: ReadonlyRecord<Deal<C>>): void {
    if (record.stageId !== previous.stageId || record.pipelineId !== previous.pipelineId) {
      this.context.emit('deal.stageChanged', { deal: record as Deal, fromStageId: previous.stageId, toStageId: record.stageId, actor: this.context.actor });
    }
  }
}
