import type { OwnershipTransfer, OwnershipTransferInput } from '../../schema/ownership-transfer.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/**
 * `crm.ownershipTransfers`: the rows `crm.handoffs.transfer` writes, with the crm's actor as
 * `actor` (managed). Read them with `crm.handoffs.transfers`.
 *
 * @example
 * ```ts
 * const { items } = await crm.ownershipTransfers.find({ where: where('to', 'eq', 'u_alan') });
 * ```
 */
export class OwnershipTransferService extends ModelService<ReadonlyRecord<OwnershipTransfer>, OwnershipTransferInput> {
  /** @internal */
  protected override managedDefaults(): Record<string, unknown> {
    return { actor: this.context.actor };
  }
}
