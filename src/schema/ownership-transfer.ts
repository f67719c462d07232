import * as z from 'zod';
import { actorSchema } from '../services/actor.js';
import { defineModel, type ModelInput, type ModelRecord } from './define-model.js';

/**
 * The collections whose records have an owner, and the field that holds the owner's id. A closed
 * map: `crm.handoffs.transfer` refuses any other collection.
 *
 * @example
 * ```ts
 * recordOwnerFields.cases; // 'assigneeId'
 * ```
 */
export const recordOwnerFields = {
  customers: 'ownerId',
  deals: 'ownerId',
  cases: 'assigneeId',
  tasks: 'assigneeId',
} as const;

/** One of the collections of {@link recordOwnerFields}. */
export type OwnedCollection = keyof typeof recordOwnerFields;

/**
 * The collections of {@link recordOwnerFields}, as a list.
 *
 * @example
 * ```ts
 * ownedCollections.includes('deals'); // true
 * ```
 */
export const ownedCollections = Object.keys(recordOwnerFields) as readonly OwnedCollection[];

/** One of the owner fields of {@link recordOwnerFields}. */
export type OwnerField = (typeof recordOwnerFields)[OwnedCollection];

/**
 * Whether `collection` is one of {@link ownedCollections}.
 *
 * @example
 * ```ts
 * isOwnedCollection('interactions'); // false
 * ```
 */
export function isOwnedCollection(collection: unknown): collection is OwnedCollection {
  return typeof collection === 'string' && Object.hasOwn(recordOwnerFields, collection);
}

/** The fields of an ownership transfer that users set. */
export const ownershipTransferShape = {
  /** The collection of the transferred record. */
  collection: z.enum(ownedCollections as [OwnedCollection, ...OwnedCollection[]]),
  /** The transferred record's id. */
  recordId: z.string().min(1).max(128),
  /** The owner field that changed (`recordOwnerFields[collection]`). */
  field: z.enum(['ownerId', 'assigneeId']),
  /** The previous owner's id; absent when the record had none. */
  from: z.string().min(1).max(128).optional(),
  /** The new owner's id. */
  to: z.string().min(1).max(128),
  /** Why, for the people reading it: trimmed, 1 to 1,000 characters. */
  reason: z.string().trim().min(1).max(1000),
  /** When, by the crm's clock. */
  at: z.date(),
};

/** The fields the core maintains: who made the transfer. */
export const ownershipTransferManagedShape = {
  /** Who transferred it: the crm's actor. */
  actor: actorSchema,
};

/** Rules across fields: the field is the collection's owner field. */
export function checkOwnershipTransfer(record: { collection: OwnedCollection; field: string }, ctx: z.RefinementCtx): void {
  if (recordOwnerFields[record.collection] !== record.field) {
    ctx.addIssue({ code: 'custom', path: ['field'], message: `the owner field of ${record.collection} is ${recordOwnerFields[record.collection]}` });
  }
}

/**
 * The ownership-transfer model: collection `ownershipTransfers`, events `ownershipTransfer.*`,
 * one row per `crm.handoffs.transfer`. `actor` is managed.
 *
 * @example
 * ```ts
 * ownershipTransferModel.collection; // 'ownershipTransfers'
 * ```
 */
export const ownershipTransferModel = defineModel({
  collection: 'ownershipTransfers',
  entity: 'ownershipTransfer',
  shape: ownershipTransferShape,
  managedShape: ownershipTransferManagedShape,
  check: checkOwnershipTransfer,
  defaultsToNow: ['at'],
  indexes: [
    { name: 'ownershipTransfers_record', fields: ['collection', 'recordId', 'at'] },
    { name: 'ownershipTransfers_to', fields: ['to'] },
  ],
});

/**
 * A stored ownership transfer: which record, which field, from whom to whom, why, by whom, when.
 *
 * @example
 * ```ts
 * const transfer: OwnershipTransfer = await crm.handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: 'Alan covers DACH' });
 * ```
 */
export type OwnershipTransfer = ModelRecord<typeof ownershipTransferModel>;

/**
 * What `crm.ownershipTransfers.create()` accepts (prefer `crm.handoffs.transfer`, which also changes the owner).
 *
 * @example
 * ```ts
 * const input: OwnershipTransferInput = { collection: 'deals', recordId: deal.id, field: 'ownerId', to: 'u_alan', reason: 'territory' };
 * ```
 */
export type OwnershipTransferInput = ModelInput<typeof ownershipTransferModel>;
