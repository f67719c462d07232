import type { Filter } from '../../storage/filter.js';
import { parseJsonWithDates, stringifyJsonWithDates } from '../../storage/json-with-dates.js';
import { isRelatedFilter, type RelatedFilter } from '../../storage/related-filter.js';

/**
 * The segment id when `filter` is exactly a `where.inSegment(id)` node, else `undefined`.
 *
 * @example
 * ```ts
 * segmentIdOf(where.inSegment('s1')); // 's1'
 * ```
 */
export function segmentIdOf(filter: unknown): string | undefined {
  if (typeof filter !== 'object' || filter === null || !isRelatedFilter(filter as Filter)) return undefined;
  const spec = (filter as RelatedFilter).related as unknown as Record<string, unknown>;
  if (typeof spec !== 'object' || spec === null || spec.collection !== 'segmentMembers' || spec.having !== undefined || spec.via !== undefined) return undefined;
  const inner = spec.where as Record<string, unknown> | undefined;
  if (inner === undefined || inner.field !== 'segmentId' || inner.op !== 'eq' || typeof inner.value !== 'string') return undefined;
  return Object.keys(spec).length === 2 && Object.keys(inner).length === 3 ? inner.value : undefined;
}

/**
 * A filter as JSON text: dates as `{ "$date": "<ISO instant>" }`, relative
 * dates as they are (plain objects), so a stored segment keeps "the last 90
 * days" relative.
 *
 * @example
 * ```ts
 * serializeFilter(where('occurredAt', 'gte', new Date(0))); // '{"field":"occurredAt","op":"gte","value":{"$date":"1970-01-01T00:00:00.000Z"}}'
 * ```
 */
export function serializeFilter(filter: Filter): string {
  return stringifyJsonWithDates(filter);
}

/**
 * The filter {@link serializeFilter} wrote.
 *
 * @example
 * ```ts
 * parseFilter(serializeFilter(filter)); // equal to filter
 * ```
 */
export function parseFilter(text: string): Filter {
  return parseJsonWithDates(text) as Filter;
}
