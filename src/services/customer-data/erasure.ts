import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';
import { actorSchema } from '../actor.js';

/**
 * The model of `erasures`: the tombstone `crm.privacy.erase` leaves, which
 * is not personal data: which customer id was erased, when, by whom, why,
 * and how many records of each collection were anonymized. It keeps the
 * erasure idempotent and answers "was this person erased?".
 *
 * @example
 * ```ts
 * erasureModel.collection; // 'erasures'
 * ```
 */
export const erasureModel = defineModel({
  collection: 'erasures',
  entity: 'erasure',
  shape: {
    customerId: z.string().min(1).max(128),
    /** Why (a ticket number, "GDPR Art. 17 request"): never personal data. */
    reason: z.string().trim().min(1).max(500),
    erasedAt: z.date(),
    actor: actorSchema,
    /** How many records of each collection were anonymized or removed. */
    counts: z.record(z.string(), z.number().int().nonnegative()),
  },
  indexes: [{ name: 'erasures_customer', fields: ['customerId'], unique: true }],
});

/**
 * One erasure's tombstone.
 *
 * @example
 * ```ts
 * const tombstone: Erasure = await crm.privacy.erase(ada.id, { reason: 'ticket 4711' });
 * ```
 */
export type Erasure = ModelRecord<typeof erasureModel>;
