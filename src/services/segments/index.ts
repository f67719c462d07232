import { defineModule, eventTypes, facadeFactory } from '../define-module.js';
import { segmentMemberModel } from './segment-member-model.js';
import { segmentModel } from './segment-model.js';
import { SegmentsFacade, type SegmentMembershipEvent } from './segments-facade.js';

export * from './segment-filter.js';
export * from './segment-issue-codes.js';
export * from './segment-member-model.js';
export * from './segment-model.js';
export * from './segments-facade.js';

/**
 * Segments: named, versioned customer filters (`crm.segments`: define,
 * evaluate, count, contains, snapshot, diff, refresh), their records
 * (`crm.segmentDefinitions`, `crm.segmentMembers`), and the events
 * `segment.entered` / `segment.left` on refresh. See `docs/segments.md`.
 *
 * @example
 * ```ts
 * const vips = await crm.segments.define({ name: 'VIPs', where: where('tags', 'contains', 'vip') });
 * await crm.segments.evaluate(vips, { limit: 50 });
 * ```
 */
export const segmentsModule = defineModule({
  name: 'segments',
  models: { segmentDefinitions: segmentModel, segmentMembers: segmentMemberModel },
  events: eventTypes<{ 'segment.entered': SegmentMembershipEvent; 'segment.left': SegmentMembershipEvent }>(),
  facades: { segments: facadeFactory((context) => new SegmentsFacade(context)) },
});
