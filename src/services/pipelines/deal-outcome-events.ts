import type { Deal } from '../../schema/deal.js';
import type { Actor } from '../actor.js';

/**
 * Emitted after a deal entered a won stage (by `crm.deals.win` or any write that moved it there).
 *
 * @example
 * ```ts
 * crm.events.on('deal.won', ({ deal }) => invoice(deal.customerId, deal.amount, deal.currency));
 * ```
 */
export interface DealWonEvent {
  /** The deal as stored now. */
  readonly deal: Deal;
  /** Who won it. */
  readonly actor: Actor;
}

/**
 * Emitted after a deal entered a lost stage, with the pipeline's lost reason it was given.
 *
 * @example
 * ```ts
 * crm.events.on('deal.lost', ({ deal, reason }) => lossLog.push([deal.id, reason]));
 * ```
 */
export interface DealLostEvent {
  /** The deal as stored now. */
  readonly deal: Deal;
  /** One of the pipeline's `lostReasons`. */
  readonly reason: string;
  /** Who lost it. */
  readonly actor: Actor;
}

/**
 * Emitted after a won or lost deal moved back to an open stage.
 *
 * @example
 * ```ts
 * crm.events.on('deal.reopened', ({ deal, fromStatus }) => console.log(deal.id, 'was', fromStatus));
 * ```
 */
export interface DealReopenedEvent {
  /** The deal as stored now. */
  readonly deal: Deal;
  /** What it was before. */
  readonly fromStatus: 'won' | 'lost';
  /** Who reopened it. */
  readonly actor: Actor;
}
