import type { FilterOperator } from './filter-operator.js';
import type { Condition, Filter, FilterValue } from './filter.js';
import type { RelatedHaving } from './related-filter.js';

/**
 * Builds one condition of the filter language. The field, operator and value
 * keep their literal types, so the service the filter is passed to checks them
 * against its model at compile time: `where('tgas', 'contains', 'vip')` on
 * customers, `where('tags', 'gt', 3)` and `where('name', 'eq', 42)` do not
 * compile. A field held in a `string` variable (a filter built at run time)
 * is checked when the query runs instead. See `CheckedFilter`.
 *
 * @example
 * ```ts
 * import { where, ago } from 'crmkit';
 *
 * const recentVips = where.and(
 *   where('tags', 'contains', 'vip'),
 *   where('updatedAt', 'gte', ago({ days: 30 })),
 *   where.not(where('lifecycleStage', 'eq', 'churned')),
 * );
 * await crm.customers.find({ where: recentVips, sort: [{ field: 'name', direction: 'asc' }] });
 * ```
 */
export function where<const F extends string, const O extends FilterOperator, const V extends FilterValue>(
  field: F,
  op: O,
  value: V,
): Condition<V, F, O> {
  return { field, op, value };
}

/**
 * All of the filters match. The filters' types are kept (as a tuple), so each
 * condition is still checked against the model.
 *
 * @example
 * ```ts
 * where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 90 })));
 * ```
 */
where.and = <const L extends readonly Filter[]>(...filters: L): { readonly and: L } => ({ and: filters });

/**
 * At least one of the filters matches. The filters' types are kept (as a tuple).
 *
 * @example
 * ```ts
 * where.or(where('status', 'eq', 'new'), where('priority', 'eq', 'urgent'));
 * ```
 */
where.or = <const L extends readonly Filter[]>(...filters: L): { readonly or: L } => ({ or: filters });

/**
 * The filter does not match. The filter's type is kept.
 *
 * @example
 * ```ts
 * where.not(where('lifecycleStage', 'eq', 'churned'));
 * ```
 */
where.not = <const N extends Filter>(filter: N): { readonly not: N } => ({ not: filter });

/**
 * The records of another collection that refer to this one (through the
 * models' references, an interaction's `customerId`), filtered by `where`, with
 * an aggregate compared with a value by `having` (`fn` one of `count`, `sum`,
 * `min`, `max`; `sum` / `min` / `max` take a `field`). A record with no related
 * record has count 0 and sum 0 and no min / max, so "no purchase in 180 days"
 * includes customers who never bought. Without `having`: at least one. Give
 * `via` when the related collection refers to this one through more than one field.
 *
 * @example
 * ```ts
 * await crm.customers.find({
 *   where: where.related('interactions', {
 *     where: where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 90 }))),
 *     having: { fn: 'count', op: 'gte', value: 3 },
 *   }),
 * });
 * ```
 */
where.related = <const C extends string, const W extends Filter | undefined = undefined>(
  collection: C,
  options: { readonly where?: W; readonly having?: RelatedHaving; readonly via?: string } = {},
): { readonly related: { readonly collection: C; readonly where?: W; readonly having?: RelatedHaving; readonly via?: string } } => ({
  related: {
    collection,
    ...(options.where === undefined ? {} : { where: options.where }),
    ...(options.having === undefined ? {} : { having: options.having }),
    ...(options.via === undefined ? {} : { via: options.via }),
  },
});

/**
 * The customers that are members of a segment: a static segment's list, or the
 * membership a dynamic segment had when last refreshed (`crm.segments.refresh`).
 * A related filter over `segmentMembers`, so it runs on every adapter and is
 * pushed down. Inside `crm.segments` (and other segments' filters), a dynamic
 * segment named this way is evaluated live instead; cycles are refused.
 *
 * @example
 * ```ts
 * await crm.segments.define({ name: 'Lapsed non-VIPs', where: where.and(lapsed, where.not(where.inSegment(vips.id))) });
 * ```
 */
where.inSegment = (
  segmentId: string,
): {
  readonly related: { readonly collection: 'segmentMembers'; readonly where: { readonly field: 'segmentId'; readonly op: 'eq'; readonly value: string } };
} => ({ related: { collection: 'segmentMembers', where: { field: 'segmentId', op: 'eq', value: segmentId } } });
