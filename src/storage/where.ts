import type { FilterOperator } from './filter-operator.js';
import type { Condition, Filter, FilterValue } from './filter.js';

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
