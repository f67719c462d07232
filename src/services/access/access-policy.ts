import type { CollectionSchema } from '../../storage/collection-schema.js';
import { ValidationError, type CrmIssue } from '../../storage/errors.js';
import type { StorageFilter } from '../../storage/filter.js';
import type { AccessOperation, AccessSubject, RecordScope } from './role-definition.js';

/** The filter that matches no record. */
export const matchesNothing: StorageFilter = { or: [] };

/**
 * What a subject may do with one collection: per operation, the filter of the
 * records it reaches (`undefined`: every record; {@link matchesNothing}: none,
 * the operation is not granted), and the fields its reads hide or mask.
 *
 * @example
 * ```ts
 * const policy = collectionPolicy(subject, schema.collections.customers);
 * policy.filters.read; // { or: [{ field: 'ownerId', op: 'eq', value: 'u_1' }] }
 * ```
 */
export interface CollectionPolicy {
  /** Per operation: the records reached (`undefined` for all). */
  readonly filters: Readonly<Record<AccessOperation, StorageFilter | undefined>>;
  /** Whether the operation is granted at all. */
  readonly granted: Readonly<Record<AccessOperation, boolean>>;
  /** Dotted paths left out of every record read. */
  readonly hidden: readonly string[];
  /** Dotted paths whose values reads show as {@link maskedValue}. */
  readonly masked: readonly string[];
}

/**
 * What a masked string reads as (each element, in a string list).
 *
 * @example
 * ```ts
 * maskedValue; // '***'
 * ```
 */
export const maskedValue = '***';

/** The filter of one record scope for `subject` on `collection`, `undefined` for every record. */
function scopeFilterOf(scope: RecordScope, subject: AccessSubject, collection: string): StorageFilter | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'own':
    case 'assigned':
      return { field: scope.field, op: 'eq', value: subject.actor.id };
    case 'team':
      return subject.team.length === 0 ? matchesNothing : { field: scope.field, op: 'in', value: subject.team };
    case 'partner':
      return subject.partnerId === undefined ? matchesNothing : { field: scope.field, op: 'eq', value: subject.partnerId };
    case 'shared': {
      const ids = subject.shared[collection] ?? [];
      return ids.length === 0 ? matchesNothing : { field: 'id', op: 'in', value: ids };
    }
  }
}

/**
 * The subject's {@link CollectionPolicy} on a collection, from its role's
 * grants: an operation reaches the union of the scopes of the grants that
 * allow it; field rules of every grant on the collection apply to every read,
 * and with any field rule the `derived` fields (the model's managed fields,
 * which the crm computes from others) are hidden too.
 * A scope over a field the collection does not have, or field rules on a
 * collection the role may also write, is a `ValidationError`.
 *
 * @example
 * ```ts
 * collectionPolicy(subject, schema.collections.deals).granted.delete; // false
 * ```
 */
export function collectionPolicy(subject: AccessSubject, collection: CollectionSchema, derived: readonly string[] = []): CollectionPolicy {
  const grants = subject.role.grants.filter((grant) => grant.collection === collection.name);
  const issues: CrmIssue[] = [];
  subject.role.grants.forEach((grant, index) => {
    if (grant.collection !== collection.name) return;
    grant.scopes.forEach((scope, scopeIndex) => {
      if ('field' in scope && collection.fields[scope.field] === undefined) {
        issues.push({ code: 'unknown_field', path: ['role', 'grants', index, 'scopes', scopeIndex, 'field'], message: `${collection.name} has no field ${JSON.stringify(scope.field)}` });
      }
    });
  });
  const ruled = grants.some((grant) => (grant.fields?.hidden.length ?? 0) + (grant.fields?.masked.length ?? 0) > 0);
  // A field the crm derives from others (a customer's searchKeys from its emails) would give a hidden one away.
  const hidden = [...new Set([...grants.flatMap((grant) => grant.fields?.hidden ?? []), ...(ruled ? derived : [])])];
  const masked = [...new Set(grants.flatMap((grant) => grant.fields?.masked ?? []))].filter((path) => !hidden.includes(path));
  const writes = grants.some((grant) => grant.operations.some((operation) => operation !== 'read'));
  if ((hidden.length > 0 || masked.length > 0) && writes) {
    issues.push({
      code: 'invalid_option',
      path: ['role', 'grants'],
      message: `${collection.name}: a role that hides or masks fields of a collection may only read it`,
    });
  }
  if (issues.length > 0) throw new ValidationError(`Invalid role ${subject.role.name}: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  const filterFor = (operation: AccessOperation): StorageFilter | undefined => {
    const scopes = grants.filter((grant) => grant.operations.includes(operation)).flatMap((grant) => grant.scopes);
    if (scopes.length === 0) return matchesNothing;
    const filters = scopes.map((scope) => scopeFilterOf(scope, subject, collection.name));
    if (filters.some((filter) => filter === undefined)) return undefined;
    return { or: filters as StorageFilter[] };
  };
  const granted = (operation: AccessOperation) => grants.some((grant) => grant.operations.includes(operation));
  return {
    filters: { read: filterFor('read'), create: filterFor('create'), update: filterFor('update'), delete: filterFor('delete') },
    granted: { read: granted('read'), create: granted('create'), update: granted('update'), delete: granted('delete') },
    hidden,
    masked,
  };
}
