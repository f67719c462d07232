import type { FilterOperator } from './filter-operator.js';
import type { AndFilter, Condition, Filter, FilterValue, NotFilter, OrFilter } from './filter.js';

/**
 * Builds one condition of the filter language.
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
export function where<V extends FilterValue>(field: string, op: FilterOperator, value: V): Condition<V> {
  return { field, op, value };
}

/** All of the filters match. */
where.and = (...filters: Filter[]): AndFilter => ({ and: filters });

/** At least one of the filters matches. */
where.or = (...filters: Filter[]): OrFilter => ({ or: filters });

/** The filter does not match. */
where.not = (filter: Filter): NotFilter => ({ not: filter });
