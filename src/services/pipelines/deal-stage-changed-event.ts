import type { Deal } from '../../schema/deal.js';
import type { Actor } from '../actor.js';

/**
 * Emitted after a deal moved to another stage.
 *
 * @example
 * ```ts
 * crm.events.on('deal.stageChanged', ({ deal, fromStageId, toStageId }) => log(deal.id, fromStageId, toStageId));
 * ```
 */
export interface DealStageChangedEvent {
  /** The deal as stored now. */
  readonly deal: Deal;
  /** The stage it left. */
  readonly fromStageId: string;
  /** The stage it entered. */
  readonly toStageId: string;
  /** Who moved it. */
  readonly actor: Actor;
}
