import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';
import { actorSchema } from '../actor.js';
import { writeOperations } from '../write-hook.js';

/**
 * The model of the `changeFeed` collection, the transactional outbox: one
 * entry per committed change of any record, numbered in commit order without
 * gaps. Written by the change-feed write hook in the atomic block of the
 * change; read it with `crm.changes`.
 *
 * @example
 * ```ts
 * changeFeedEntryModel.indexes.map((index) => index.name); // ['changeFeed_sequence']
 * ```
 */
export const changeFeedEntryModel = defineModel({
  collection: 'changeFeed',
  entity: 'changeFeedEntry',
  shape: {
    /** The entry's place in commit order: 1, 2, 3, … with no gaps. */
    sequence: z.number().int().positive(),
    /** The collection of the changed record. */
    collection: z.string().min(1).max(128),
    /** The changed record's id. */
    recordId: z.string().min(1).max(128),
    /** What happened to it. */
    operation: z.enum(writeOperations),
    /** The record's version after the change (for a delete, the version it had). */
    recordVersion: z.number().int().positive(),
    /** Who made the change. */
    actor: actorSchema,
    /** The dotted paths of the fields that changed (every field set, for a create; none, for a delete). */
    changedFields: z.array(z.string()),
    /** When, by the crm's clock. */
    at: z.date(),
  },
  indexes: [{ name: 'changeFeed_sequence', fields: ['sequence'], unique: true }],
});

/**
 * One entry of the change feed: which record changed how, in which version,
 * by whom, when, and its place in commit order.
 *
 * @example
 * ```ts
 * const { entries } = await crm.changes.read({ limit: 100 });
 * entries[0]; // { sequence: 1, collection: 'customers', recordId: '…', operation: 'create', recordVersion: 1, … }
 * ```
 */
export type ChangeFeedEntry = ModelRecord<typeof changeFeedEntryModel>;

/**
 * The model of the `changeFeedSequence` collection: one record (`id: 'feed'`)
 * holding the last sequence number given out. Every write that appends to the
 * feed takes it with a locking read, so sequence numbers commit in order.
 *
 * @example
 * ```ts
 * changeFeedSequenceModel.collection; // 'changeFeedSequence'
 * ```
 */
export const changeFeedSequenceModel = defineModel({
  collection: 'changeFeedSequence',
  entity: 'changeFeedSequence',
  shape: { last: z.number().int().nonnegative() },
  indexes: [],
});

/** The stored counter of the feed's sequence numbers. */
export type ChangeFeedSequence = ModelRecord<typeof changeFeedSequenceModel>;

/** The id of the one {@link ChangeFeedSequence} record. */
export const feedSequenceId = 'feed';

/**
 * A range of entries a consumer handed out and not yet acknowledged: after
 * sequence `after` up to `upTo`, held by `owner` until `expiresAt`.
 *
 * @example
 * ```ts
 * const lease: ConsumerLease = { owner: 'a1', after: 100, upTo: 200, expiresAt: new Date(), acked: false };
 * ```
 */
export const consumerLeaseSchema = z.strictObject({
  owner: z.string(),
  after: z.number().int().nonnegative(),
  upTo: z.number().int().positive(),
  expiresAt: z.date(),
  acked: z.boolean(),
});

/** A consumer's lease on a range of the feed (see {@link consumerLeaseSchema}). */
export type ConsumerLease = z.output<typeof consumerLeaseSchema>;

/**
 * The model of the `changeFeedConsumers` collection: a named consumer's
 * position (every entry up to it is acknowledged) and its open leases.
 *
 * @example
 * ```ts
 * changeFeedConsumerModel.collection; // 'changeFeedConsumers'
 * ```
 */
export const changeFeedConsumerModel = defineModel({
  collection: 'changeFeedConsumers',
  entity: 'changeFeedConsumer',
  shape: {
    /** Every entry with a sequence up to this one is acknowledged. */
    position: z.number().int().nonnegative(),
    /** Ranges handed out and not yet acknowledged, or acknowledged ahead of an earlier range. */
    leases: z.array(consumerLeaseSchema),
  },
  indexes: [],
});

/** A named consumer's stored state. */
export type ChangeFeedConsumerState = ModelRecord<typeof changeFeedConsumerModel>;
