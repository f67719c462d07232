import { handoffPositionModel } from '../../schema/handoff-position.js';
import { ownershipTransferModel } from '../../schema/ownership-transfer.js';
import { recordNoteModel } from '../../schema/record-note.js';
import type { ServiceContext } from '../service-context.js';

/**
 * The handoffs module's own collections: notes are not taken on them.
 *
 * @example
 * ```ts
 * handoffCollections.includes('recordNotes'); // true
 * ```
 */
export const handoffCollections = [recordNoteModel.collection, ownershipTransferModel.collection, handoffPositionModel.collection] as const;

/**
 * Whether a note may be taken on a record of `collection`: one of the crm's collections with a
 * service (the host's modules' too), other than the handoffs module's own.
 *
 * @example
 * ```ts
 * isNotableCollection(context, 'deals');       // true
 * isNotableCollection(context, 'changeFeed');  // false: no service
 * ```
 */
export function isNotableCollection(context: Pick<ServiceContext, 'services'>, collection: unknown): collection is string {
  return (
    typeof collection === 'string' &&
    Object.hasOwn(context.services, collection) &&
    !(handoffCollections as readonly string[]).includes(collection)
  );
}
