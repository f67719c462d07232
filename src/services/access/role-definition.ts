import * as z from 'zod';
import { actorSchema } from '../actor.js';
import { ValidationError, type CrmIssue } from '../../storage/errors.js';

/**
 * What a role may do with a collection's records.
 *
 * @example
 * ```ts
 * accessOperations.includes('update'); // true
 * ```
 */
export const accessOperations = ['read', 'create', 'update', 'delete'] as const;

/** One of {@link accessOperations}. */
export type AccessOperation = (typeof accessOperations)[number];

/**
 * Which records a grant reaches, as data:
 *
 * - `all`: every record of the collection (of the tenant);
 * - `own`: records whose `field` (default `ownerId`) is the actor's id;
 * - `team`: records whose `field` (default `ownerId`) is one of the subject's `team`;
 * - `assigned`: records whose `field` (default `assigneeId`) is the actor's id;
 * - `partner`: records whose `field` (default `custom.partnerId`) is the subject's `partnerId` (a partner's own customers);
 * - `shared`: records whose id is in the subject's `shared` list for the collection.
 *
 * @example
 * ```ts
 * recordScopeKinds.includes('partner'); // true
 * ```
 */
export const recordScopeKinds = ['all', 'own', 'team', 'assigned', 'partner', 'shared'] as const;

/** One of {@link recordScopeKinds}. */
export type RecordScopeKind = (typeof recordScopeKinds)[number];

const fieldPath = z.string().min(1).max(256);

/**
 * The schema of a {@link RecordScope}.
 *
 * @example
 * ```ts
 * recordScopeSchema.parse({ kind: 'own' }); // { kind: 'own', field: 'ownerId' }
 * ```
 */
export const recordScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('own'), field: fieldPath.default('ownerId') }),
  z.strictObject({ kind: z.literal('team'), field: fieldPath.default('ownerId') }),
  z.strictObject({ kind: z.literal('assigned'), field: fieldPath.default('assigneeId') }),
  z.strictObject({ kind: z.literal('partner'), field: fieldPath.default('custom.partnerId') }),
  z.strictObject({ kind: z.literal('shared') }),
]);

/** Which records a grant reaches (see {@link recordScopeKinds}). */
export type RecordScope = z.output<typeof recordScopeSchema>;

/**
 * The schema of a {@link Grant}. A grant with field rules (`hidden`, `masked`)
 * may only read: a write through a view with fields taken out would write
 * the view back.
 *
 * @example
 * ```ts
 * grantSchema.parse({ collection: 'customers', operations: ['read'], fields: { hidden: ['emails'] } });
 * ```
 */
export const grantSchema = z
  .strictObject({
    /** The collection, for example `customers`. */
    collection: z.string().min(1).max(128),
    /** What the grant allows on it. */
    operations: z.array(z.enum(accessOperations)).min(1),
    /** The records it reaches: any of these (every record when absent). */
    scopes: z.array(recordScopeSchema).min(1).default([{ kind: 'all' }]),
    /** Fields left out of every record read (`hidden`) or shown as `'***'` (`masked`, string and string-list fields). */
    fields: z
      .strictObject({ hidden: z.array(fieldPath).default([]), masked: z.array(fieldPath).default([]) })
      .optional(),
  })
  .refine((grant) => grant.fields === undefined || grant.operations.every((operation) => operation === 'read'), {
    message: 'a grant with field rules may only read',
    path: ['operations'],
  });

/** One grant of a role: operations on a collection's records within scopes, with field rules. */
export type Grant = z.output<typeof grantSchema>;

/**
 * The schema of a {@link Role}.
 *
 * @example
 * ```ts
 * const distributor = roleSchema.parse({
 *   name: 'distributor',
 *   grants: [
 *     { collection: 'customers', operations: ['read'], scopes: [{ kind: 'partner' }], fields: { hidden: ['emails', 'notes'], masked: ['phones'] } },
 *     { collection: 'interactions', operations: ['read'], scopes: [{ kind: 'partner', field: 'custom.partnerId' }] },
 *   ],
 * });
 * ```
 */
export const roleSchema = z.strictObject({
  /** The role's name, for messages. */
  name: z.string().min(1).max(128),
  /** What it allows; a collection no grant names is closed to it. */
  grants: z.array(grantSchema),
});

/** A role as data: which collections and operations, which records, which fields. */
export type Role = z.output<typeof roleSchema>;

/**
 * A role as a host writes it: {@link Role} with its defaults left out (a
 * scope's default field, a grant's default scope `all`).
 *
 * @example
 * ```ts
 * const rep: RoleInput = { name: 'rep', grants: [{ collection: 'customers', operations: ['read'], scopes: [{ kind: 'own' }] }] };
 * ```
 */
export type RoleInput = z.input<typeof roleSchema>;

/**
 * The schema of an {@link AccessSubject}.
 *
 * @example
 * ```ts
 * accessSubjectSchema.parse({ actor: { kind: 'user', id: 'u_1' }, role: { name: 'rep', grants: [] } });
 * ```
 */
export const accessSubjectSchema = z.strictObject({
  /** Who acts: what `own` and `assigned` compare with, and who the writes are recorded as made by. */
  actor: actorSchema,
  /** What the actor may do. */
  role: roleSchema,
  /** The ids `team` scopes compare with (the actor's team, the actor included if the host wants). */
  team: z.array(z.string().min(1).max(256)).max(10_000).default([]),
  /** The partner organization `partner` scopes compare with. */
  partnerId: z.string().min(1).max(256).optional(),
  /** Per collection, the ids of records shared with the actor (`shared` scopes). */
  shared: z.record(z.string(), z.array(z.string().min(1).max(256)).max(10_000)).default({}),
});

/** Who `crm.as` acts for: an actor with a role, and what the role's scopes compare with. */
export type AccessSubject = z.output<typeof accessSubjectSchema>;

/** What {@link parseAccessSubject} accepts: an {@link AccessSubject} with its defaults left out. */
export type AccessSubjectInput = z.input<typeof accessSubjectSchema>;

/**
 * `value` as an {@link AccessSubject}, or a `ValidationError` with zod's issues under `path`.
 *
 * @example
 * ```ts
 * parseAccessSubject({ actor: { kind: 'partner', id: 'p_7' }, role: distributor, partnerId: 'p_7' }, ['subject']);
 * ```
 */
export function parseAccessSubject(value: unknown, path: readonly PropertyKey[]): AccessSubject {
  const result = accessSubjectSchema.safeParse(value);
  if (result.success) return result.data;
  const issues: CrmIssue[] = result.error.issues.map((issue) => ({ code: issue.code, path: [...path, ...issue.path], message: issue.message }));
  throw new ValidationError(`Invalid access subject: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
