import { InvalidQueryError, type CrmIssue } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { CustomerRelationship, CustomerRelationshipInput } from './relationship.js';

/** Which way {@link RelationshipService.of} follows a customer's relationships. */
export const relationshipDirections = ['outgoing', 'incoming', 'both'] as const;

/**
 * One of {@link relationshipDirections}: `outgoing` where the customer is
 * `fromId` (whom Ada reports to), `incoming` where it is `toId` (Acme's distributors).
 *
 * @example
 * ```ts
 * const direction: RelationshipDirection = 'incoming';
 * ```
 */
export type RelationshipDirection = (typeof relationshipDirections)[number];

/**
 * Options of {@link RelationshipService.of}.
 *
 * @example
 * ```ts
 * const options: RelatedOptions = { type: 'distributor', direction: 'incoming', at: new Date() };
 * ```
 */
export interface RelatedOptions {
  /** Only relationships of these types (one or a list). */
  readonly type?: string | readonly string[];
  /** Which way to follow; `both` by default. */
  readonly direction?: RelationshipDirection;
  /** Only relationships current at this instant (begun by then, not ended by then). */
  readonly at?: Date;
}

/**
 * One relationship of a customer, seen from it: the relationship, the way it
 * goes and the other customer's id.
 *
 * @example
 * ```ts
 * const [boss]: RelatedCustomer[] = await crm.relationships.of(ada.id, { type: 'reports_to', direction: 'outgoing' });
 * boss.otherId; // Grace's id
 * ```
 */
export interface RelatedCustomer<R = ReadonlyRecord<CustomerRelationship>> {
  readonly relationship: R;
  readonly direction: 'outgoing' | 'incoming';
  readonly otherId: string;
}

/**
 * `crm.relationships`: typed links between customers, queryable both ways
 * from the two indexes `(fromId, type)` and `(toId, type)`.
 *
 * @example
 * ```ts
 * await crm.relationships.create({ fromId: globex.id, toId: acme.id, type: 'distributor', startedAt: new Date('2024-01-01') });
 * const distributors = await crm.relationships.of(acme.id, { type: 'distributor', direction: 'incoming' });
 * ```
 */
export class RelationshipService<C = Record<string, unknown>, CI = Record<string, unknown>> extends ModelService<
  ReadonlyRecord<CustomerRelationship<C>>,
  CustomerRelationshipInput<CI>
> {
  /**
   * A customer's relationships, outgoing first, each in id order.
   *
   * @example
   * ```ts
   * const managers = await crm.relationships.of(ada.id, { type: 'reports_to', direction: 'outgoing' });
   * ```
   */
  async of(customerId: string, options: RelatedOptions = {}): Promise<RelatedCustomer<ReadonlyRecord<CustomerRelationship<C>>>[]> {
    const issues: CrmIssue[] = [];
    if (typeof customerId !== 'string' || customerId.length === 0) issues.push({ code: 'invalid_type', path: ['customerId'], message: 'customerId must be a string' });
    const direction = options.direction ?? 'both';
    if (!(relationshipDirections as readonly string[]).includes(direction)) {
      issues.push({ code: 'invalid_option', path: ['direction'], message: `direction is one of ${relationshipDirections.join(', ')}` });
    }
    if (options.at !== undefined && !(options.at instanceof Date && !Number.isNaN(options.at.getTime()))) {
      issues.push({ code: 'invalid_option', path: ['at'], message: 'at must be a valid Date' });
    }
    if (issues.length > 0) throw new InvalidQueryError(`relationships.of: ${issues.map((i) => i.message).join('; ')}`, issues);
    const types = options.type === undefined ? undefined : typeof options.type === 'string' ? [options.type] : [...options.type];
    const current: Filter[] =
      options.at === undefined
        ? []
        : [
            { or: [{ field: 'startedAt', op: 'exists', value: false }, { field: 'startedAt', op: 'lte', value: options.at }] },
            { or: [{ field: 'endedAt', op: 'exists', value: false }, { field: 'endedAt', op: 'gt', value: options.at }] },
          ];
    const out: RelatedCustomer<ReadonlyRecord<CustomerRelationship<C>>>[] = [];
    for (const way of direction === 'both' ? (['outgoing', 'incoming'] as const) : [direction]) {
      const self = way === 'outgoing' ? 'fromId' : 'toId';
      const filter: Filter = {
        and: [{ field: self, op: 'eq', value: customerId }, ...(types === undefined ? [] : [{ field: 'type', op: 'in', value: types } as Filter]), ...current],
      };
      for await (const batch of this.scan({ where: filter } as never)) {
        for (const relationship of batch as readonly ReadonlyRecord<CustomerRelationship<C>>[]) {
          out.push({ relationship, direction: way, otherId: way === 'outgoing' ? relationship.toId : relationship.fromId });
        }
      }
    }
    return out;
  }
}
