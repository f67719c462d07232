import * as z from 'zod';
import { defineModel, type ModelInput, type ModelRecord } from '../../schema/define-model.js';

/**
 * The kinds of segment: `dynamic` (a filter evaluated against the current
 * data) and `static` (a fixed member list, made by `crm.segments.snapshot`).
 *
 * @example
 * ```ts
 * segmentKinds.includes('static'); // true
 * ```
 */
export const segmentKinds = ['dynamic', 'static'] as const;

/** One of {@link segmentKinds}. */
export type SegmentKind = (typeof segmentKinds)[number];

/**
 * The segment model: collection `segmentDefinitions` (`crm.segmentDefinitions`; use `crm.segments`), events `segment.*`. A segment is a
 * named customer filter, stored serializably (`filter`, JSON with dates as
 * `{ "$date": iso }`), with the segments it refers to (`refersTo`) and, once
 * refreshed, when it was last evaluated. Each define of a name is a new
 * version of the same record (`version`, and the record history).
 *
 * @example
 * ```ts
 * const vips = await crm.segments.define({ name: 'VIPs', where: where('tags', 'contains', 'vip') });
 * ```
 */
export const segmentModel = defineModel({
  collection: 'segmentDefinitions',
  entity: 'segment',
  shape: {
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    kind: z.enum(segmentKinds).default('dynamic'),
    /** The filter on customers, serialized (dynamic segments). */
    filter: z.string().max(200_000).optional(),
    /** The ids of the segments its filter names (`where.inSegment`). */
    refersTo: z.array(z.string().min(1).max(128)).max(100).default([]),
    /** For a snapshot: the segment it was taken of. */
    sourceSegmentId: z.string().min(1).max(128).optional(),
    /** When its members were last stored (a refresh, or the snapshot). */
    evaluatedAt: z.date().optional(),
    /** How many members it had then. */
    memberCount: z.number().int().nonnegative().optional(),
  },
  indexes: [{ name: 'segment_definitions_name', fields: ['name'], unique: true }],
});

/**
 * A stored segment.
 *
 * @example
 * ```ts
 * const segment: Segment = await crm.segments.get(id);
 * ```
 */
export type Segment = ModelRecord<typeof segmentModel>;

/**
 * What `crm.segments.create` accepts (prefer `crm.segments.define`).
 *
 * @example
 * ```ts
 * const input: SegmentInput = { name: 'Imported list', kind: 'static' };
 * ```
 */
export type SegmentInput = ModelInput<typeof segmentModel>;
