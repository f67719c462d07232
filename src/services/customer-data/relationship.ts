import * as z from 'zod';
import type { CreateInput, WithCustom } from '../../schema/custom-fields.js';
import { defineModel } from '../../schema/define-model.js';
import { recordBaseShape } from '../../schema/record-base.js';

/**
 * The relationship types crmkit knows; a host may use its own (any lower-case
 * slug such as `franchisee`). Each reads "from is <type> of / at to": Ada
 * `works_at` Acme, Ada `reports_to` Grace, Globex `distributor` of Acme.
 *
 * @example
 * ```ts
 * builtinRelationshipTypes.includes('reports_to'); // true
 * ```
 */
export const builtinRelationshipTypes = ['works_at', 'reports_to', 'partner', 'supplier', 'distributor', 'reseller'] as const;

/**
 * One of {@link builtinRelationshipTypes}, or a host's own slug.
 *
 * @example
 * ```ts
 * const type: CustomerRelationshipType = 'franchisee';
 * ```
 */
export type CustomerRelationshipType = (typeof builtinRelationshipTypes)[number] | (string & {});

/** The fields of a relationship that users set, before custom fields. */
export const customerRelationshipShape = {
  /** The customer the relationship goes from: the employee, the report, the distributor. */
  fromId: z.string().min(1).max(128),
  /** The customer it goes to: the employer, the manager, the supplier distributed. */
  toId: z.string().min(1).max(128),
  /** A built-in type ({@link builtinRelationshipTypes}) or a host's lower-case slug. */
  type: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a relationship type is a lower-case slug (letters, digits, _)'),
  /** The role within it: `CTO`, `buyer`, `exclusive distributor for DACH`. */
  role: z.string().trim().min(1).max(200).optional(),
  /** When it began. */
  startedAt: z.date().optional(),
  /** When it ended; a relationship without one is current. */
  endedAt: z.date().optional(),
  notes: z.string().trim().max(2000).optional(),
};

/** The schema of a stored relationship, custom fields as free JSON. */
export const customerRelationshipSchema = z.strictObject({
  ...recordBaseShape,
  ...customerRelationshipShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/**
 * A typed link between two customers, with a role and dates.
 *
 * @example
 * ```ts
 * const job: CustomerRelationship = await crm.relationships.create({ fromId: ada.id, toId: acme.id, type: 'works_at', role: 'CTO' });
 * ```
 */
export type CustomerRelationship<C = Record<string, unknown>> = WithCustom<z.output<typeof customerRelationshipSchema>, C>;

/** What `crm.relationships.create()` accepts. */
export type CustomerRelationshipInput<C = Record<string, unknown>> = CreateInput<typeof customerRelationshipShape, C>;

/**
 * The relationship model: collection `relationships`, events `relationship.*`.
 * A customer cannot be related to itself, and a relationship cannot end before it began.
 *
 * @example
 * ```ts
 * customerRelationshipModel.indexes.map((index) => index.name); // ['relationships_from', 'relationships_to']
 * ```
 */
export const customerRelationshipModel = defineModel({
  collection: 'relationships',
  entity: 'relationship',
  shape: customerRelationshipShape,
  references: [
    { field: 'fromId', collection: 'customers' },
    { field: 'toId', collection: 'customers' },
  ],
  check: (record: { fromId: string; toId: string; startedAt?: Date; endedAt?: Date }, ctx: z.RefinementCtx) => {
    if (record.fromId === record.toId) ctx.addIssue({ code: 'custom', path: ['toId'], message: 'a customer cannot be related to itself' });
    if (record.startedAt !== undefined && record.endedAt !== undefined && record.endedAt.getTime() < record.startedAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'endedAt is before startedAt' });
    }
  },
  indexes: [
    { name: 'relationships_from', fields: ['fromId', 'type'] },
    { name: 'relationships_to', fields: ['toId', 'type'] },
  ],
});
