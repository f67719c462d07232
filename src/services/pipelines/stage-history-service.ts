import type { DealStageEntry } from '../../schema/deal-stage-entry.js';
import { UnsupportedError } from '../../storage/errors.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/**
 * `crm.dealStageHistory`: the deal stage history, to read and query (`find`, `count`, `scan`,
 * `aggregate`; by deal, customer, stage, time). Its rows are written only by the deal service,
 * in the atomic block of the deal's write; every write method here throws `UnsupportedError`.
 *
 * @example
 * ```ts
 * const { items } = await crm.dealStageHistory.find({ where: where('customerId', 'eq', acme.id), sort: [{ field: 'enteredAt', direction: 'desc' }] });
 * ```
 */
export class StageHistoryService extends ModelService<ReadonlyRecord<DealStageEntry>, never> {
  /** Refused: the history is written by the deal service. */
  override async create(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async createMany(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async update(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async updateMany(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async delete(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async deleteMany(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async upsertMany(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
  /** Refused: the history is written by the deal service. */
  override async writeManaged(..._args: unknown[]): Promise<never> {
    throw readOnly();
  }
}

function readOnly(): UnsupportedError {
  return new UnsupportedError('the deal stage history is written by crm.deals (moves, win, lose, reopen); it is read-only');
}
