import type { OwnershipTransfer } from '../../schema/ownership-transfer.js';
import type { RecordNote } from '../../schema/record-note.js';
import type { Actor } from '../actor.js';

/**
 * The payload of `handoff.mentioned`: emitted after the commit, once per id a note mentions.
 *
 * @example
 * ```ts
 * crm.events.on('handoff.mentioned', ({ mentioned, note }) => inbox.push(mentioned, note.collection, note.recordId));
 * ```
 */
export interface HandoffMentionedEvent {
  /** The id the note mentions (one event per mention). */
  readonly mentioned: string;
  /** The note. */
  readonly note: RecordNote;
  /** Who wrote it. */
  readonly actor: Actor;
}

/**
 * The payload of `handoff.transferred`: emitted after the commit of an ownership transfer.
 *
 * @example
 * ```ts
 * crm.events.on('handoff.transferred', ({ transfer }) => notify(transfer.to, transfer.reason));
 * ```
 */
export interface HandoffTransferredEvent {
  /** The transfer row written. */
  readonly transfer: OwnershipTransfer;
  /** Who made it. */
  readonly actor: Actor;
}

/**
 * The domain events of the handoffs module.
 *
 * @example
 * ```ts
 * type Mentioned = HandoffEvents['handoff.mentioned']; // HandoffMentionedEvent
 * ```
 */
export type HandoffEvents = {
  readonly 'handoff.mentioned': HandoffMentionedEvent;
  readonly 'handoff.transferred': HandoffTransferredEvent;
};
