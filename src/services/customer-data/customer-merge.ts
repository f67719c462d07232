import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';

/**
 * How a merge combines one field of the survivor and the losers:
 * `survivor` keeps the survivor's value (a loser's fills it in when the
 * survivor has none), `newest` takes the value of the most recently updated
 * record that has one, `union` joins lists (the survivor's elements first,
 * without duplicates).
 *
 * @example
 * ```ts
 * const rule: MergeRule = 'union';
 * ```
 */
export const mergeRules = ['survivor', 'newest', 'union'] as const;

/**
 * One of {@link mergeRules}.
 *
 * @example
 * ```ts
 * await crm.customers.merge(ada.id, [dupe.id], { rules: { lifecycleStage: 'newest' } });
 * ```
 */
export type MergeRule = (typeof mergeRules)[number];

/**
 * The model of `customerMerges`: one record per merge, with what unmerge
 * needs to undo it (the losers as they were, the survivor's fields before,
 * the references moved and the records removed because they would have
 * pointed at their own customer). Written by `crm.customers.merge`, read by
 * `crm.customers.unmerge` and `crm.customers.merges`; it holds personal data
 * and is erased with the person (`crm.privacy.erase`).
 *
 * @example
 * ```ts
 * customerMergeModel.collection; // 'customerMerges'
 * ```
 */
export const customerMergeModel = defineModel({
  collection: 'customerMerges',
  entity: 'customerMerge',
  shape: {
    survivorId: z.string().min(1).max(128),
    loserIds: z.array(z.string().min(1).max(128)).min(1).max(100),
    status: z.enum(['merged', 'unmerged']),
    mergedAt: z.date(),
    unmergedAt: z.date().optional(),
    /** The survivor's user fields before the merge, and after it (to tell later edits apart). */
    survivorBefore: z.record(z.string(), z.unknown()),
    survivorAfter: z.record(z.string(), z.unknown()),
    /** The losers as they were stored. */
    losers: z.array(z.record(z.string(), z.unknown())),
    /** The references moved from a loser to the survivor. */
    moved: z.array(z.strictObject({ collection: z.string(), id: z.string(), field: z.string(), from: z.string() })),
    /** Records removed because they would have pointed at their own customer, as they were. */
    removed: z.array(z.strictObject({ collection: z.string(), record: z.record(z.string(), z.unknown()) })),
  },
  indexes: [{ name: 'customerMerges_survivor', fields: ['survivorId'] }],
});

/**
 * One merge as recorded.
 *
 * @example
 * ```ts
 * const merge: CustomerMerge = await crm.customers.merge(ada.id, [dupe.id]);
 * await crm.customers.unmerge(merge.id);
 * ```
 */
export type CustomerMerge = ModelRecord<typeof customerMergeModel>;
