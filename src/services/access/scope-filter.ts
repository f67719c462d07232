import { InvalidQueryError, type CrmIssue } from '../../storage/errors.js';
import { isCondition, type Filter, type StorageFilter, type StorageValue } from '../../storage/filter.js';
import { isRelatedFilter, type RelatedFilter } from '../../storage/related-filter.js';

/**
 * What {@link scopeFilter} does to a filter: the condition every record must
 * also meet (the tenant, a role's record scope), and a check run on every
 * field a condition names (it returns an issue to refuse the filter).
 *
 * @example
 * ```ts
 * const scope: FilterScope = { require: { field: 'tenantId', op: 'eq', value: 'acme' }, checkField: (field) => undefined };
 * ```
 */
export interface FilterScope {
  /** ANDed with the filter at the top and with every nested query a node kind carries. */
  readonly require: StorageFilter;
  /** An issue when a condition on `field` is not allowed; `undefined` when it is. */
  readonly checkField: (field: string, path: readonly PropertyKey[]) => CrmIssue | undefined;
  /**
   * The scope of a `related` node's query of another collection; absent (or
   * `undefined` for that collection) refuses such nodes as `unscoped_filter`.
   */
  readonly related?: (collection: string) => FilterScope | undefined;
}

/**
 * The filter an adapter receives under a scope: `filter` (possibly absent)
 * walked once, every condition's field checked, and `scope.require` ANDed on
 * top. A refused field is an {@link InvalidQueryError} listing every refusal.
 *
 * This is the one walk over the filter tree that scoping does: a filter node
 * kind that carries a query of another collection (a `related` node with its
 * own `where`) gets its case in `walk` below, scoping its inner filter too.
 *
 * @example
 * ```ts
 * scopeFilter(where('name', 'eq', 'Ada'), { require: { field: 'tenantId', op: 'eq', value: 'acme' }, checkField: () => undefined });
 * // { and: [{ field: 'tenantId', op: 'eq', value: 'acme' }, { field: 'name', op: 'eq', value: 'Ada' }] }
 * ```
 */
export function scopeFilter(filter: StorageFilter | undefined, scope: FilterScope): StorageFilter {
  if (filter === undefined) return scope.require;
  const issues: CrmIssue[] = [];
  const walk = (node: StorageFilter, path: readonly PropertyKey[]): StorageFilter => {
    if (isCondition(node)) {
      const issue = scope.checkField(node.field, path);
      if (issue !== undefined) issues.push(issue);
      return node;
    }
    if ('and' in node) return { and: node.and.map((child, index) => walk(child, [...path, 'and', index])) };
    if ('or' in node) return { or: node.or.map((child, index) => walk(child, [...path, 'or', index])) };
    if ('not' in node) return { not: walk(node.not, [...path, 'not']) };
    if (isRelatedFilter(node as Filter)) {
      // A query of another collection: scoped by that collection's scope, inner where and all.
      const spec = (node as unknown as RelatedFilter<StorageValue>).related;
      const inner = scope.related?.(spec.collection);
      if (inner !== undefined) {
        const havingField = spec.having?.field;
        if (havingField !== undefined) {
          const issue = inner.checkField(havingField, [...path, 'related', 'having', 'field']);
          if (issue !== undefined) issues.push(issue);
        }
        try {
          return { related: { ...spec, where: scopeFilter(spec.where, inner) } } as unknown as StorageFilter;
        } catch (error) {
          if (!(error instanceof InvalidQueryError)) throw error;
          for (const issue of error.issues) issues.push({ ...issue, path: [...path, 'related', 'where', ...issue.path] });
          return node;
        }
      }
    }
    // A node kind this walk does not know could carry an unscoped query: refuse it rather than pass it on.
    issues.push({ code: 'unscoped_filter', path, message: 'this kind of filter node cannot be scoped' });
    return node;
  };
  const walked = walk(filter, []);
  if (issues.length > 0) throw new InvalidQueryError(`Filter refused: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  return { and: [scope.require, walked] };
}
