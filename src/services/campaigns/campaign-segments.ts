import type { StorageFilter } from '../../storage/filter.js';
import { ValidationError } from '../../storage/errors.js';
import type { ServiceContext } from '../service-context.js';

/**
 * The filter on customers that stands for membership of a saved segment, for
 * a campaign's audience and suppressions; a segment that does not exist is a
 * `ValidationError` with issue code `unknown_segment` at `path`.
 *
 * @internal
 */
export async function segmentCondition(context: ServiceContext, segmentId: string, path: readonly PropertyKey[]): Promise<StorageFilter> {
  const found = context.schema.collections.segments === undefined ? [undefined] : await context.storage.getMany('segments', [segmentId]);
  if (found[0] === undefined) {
    throw new ValidationError(`no segment ${JSON.stringify(segmentId)}`, [{ code: 'unknown_segment', path, message: `no segment ${segmentId}` }]);
  }
  throw new ValidationError('segments are not available to campaigns yet', [{ code: 'unknown_segment', path, message: 'segment audiences need the segments module' }]);
}
