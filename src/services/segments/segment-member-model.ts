import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';

/**
 * The segment member model: collection `segmentMembers`. The member list of a
 * static segment (a snapshot), and the membership a dynamic segment had when
 * it was last refreshed (from which `segment.entered` / `segment.left` are
 * derived). `where.inSegment(id)` reads it through a related filter.
 *
 * @example
 * ```ts
 * const { items } = await crm.segmentMembers.find({ where: where('segmentId', 'eq', snapshot.id) });
 * ```
 */
export const segmentMemberModel = defineModel({
  collection: 'segmentMembers',
  entity: 'segmentMember',
  shape: {
    segmentId: z.string().min(1).max(128),
    customerId: z.string().min(1).max(128),
  },
  references: [
    { field: 'segmentId', collection: 'segmentDefinitions' },
    { field: 'customerId', collection: 'customers' },
  ],
  // Not unique: merging two customers who are both members re-points both rows to the survivor, and must not fail.
  indexes: [{ name: 'segment_members_segment_customer', fields: ['segmentId', 'customerId'] }],
});

/**
 * One stored membership.
 *
 * @example
 * ```ts
 * const member: SegmentMember = (await crm.segmentMembers.find()).items[0]!;
 * ```
 */
export type SegmentMember = ModelRecord<typeof segmentMemberModel>;
