import type { StorageFilter } from '../../storage/filter.js';
import { ValidationError } from '../../storage/errors.js';
import { resolveFilter } from '../../storage/resolve-filter.js';
import type { ServiceContext } from '../service-context.js';
import { SegmentsFacade } from '../segments/segments-facade.js';

/**
 * The filter on customers that stands for membership of a saved segment now,
 * for a campaign's audience and suppressions: a dynamic segment's filter
 * (segments it names inlined), a static one's member list. A segment that does
 * not exist is a `ValidationError` with issue code `unknown_segment` at `path`.
 *
 * @internal
 */
export async function segmentCondition(context: ServiceContext, segmentId: string, path: readonly PropertyKey[]): Promise<StorageFilter> {
  const [found] = await context.storage.getMany('segmentDefinitions', [segmentId]);
  if (found === undefined) {
    throw new ValidationError(`no segment ${JSON.stringify(segmentId)}`, [{ code: 'unknown_segment', path, message: `no segment ${segmentId}` }]);
  }
  const filter = await new SegmentsFacade(context).filterOf(segmentId);
  return resolveFilter(filter, context.schema.collections.customers!, context.clock.now(), context.timeZone, context.schema);
}
