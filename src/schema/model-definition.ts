import { z } from 'zod';
import type { IndexDefinition } from '../storage/collection-schema.js';
import { recordBaseShape } from './record-base.js';

/**
 * Everything the core knows about one model: its collection, the fields users
 * set, the fields the core maintains, the rules across fields, the indexes worth
 * keeping and the date fields that default to the clock's now.
 */
export interface ModelDefinition {
  /** The collection's name, also the `crm` property: `customers`. */
  readonly collection: string;
  /** The event prefix: `customer` gives `customer.created`. */
  readonly entity: string;
  /** The fields users set on create and in update recipes. */
  readonly shape: z.ZodRawShape;
  /** Fields the core maintains from the others (a deal's `status`); recipes may not change them. */
  readonly managedShape?: z.ZodRawShape;
  /** Rules across fields, run after the shape's own checks. */
  readonly check?: (record: never, ctx: z.RefinementCtx) => void;
  /** Date fields that default to the crm clock's now on create. */
  readonly defaultsToNow?: readonly string[];
  /**
   * Fields holding the id of a record in another collection. The core checks
   * on every write that the record exists, and refuses to delete a record that
   * is still referenced.
   */
  readonly references?: readonly ModelReference[];
  /** Indexes the adapters are asked to keep. */
  readonly indexes: readonly IndexDefinition[];
}

/** A field that holds the id of a record in another collection. */
export interface ModelReference {
  /** The field, for example `customerId`. */
  readonly field: string;
  /** The collection the id points into, for example `customers`. */
  readonly collection: string;
}

/** Any zod object schema a host may give as a model's custom fields. */
export type CustomFieldsSchema = z.ZodObject<z.ZodRawShape>;

/**
 * The zod schema of a model's stored record: the base fields, the model's own,
 * the managed ones and `custom`, with the model's cross-field rules.
 *
 * @example
 * ```ts
 * const schema = buildRecordSchema(customerModel, z.object({ tier: z.enum(['gold', 'silver']).optional() }));
 * ```
 */
export function buildRecordSchema(model: ModelDefinition, custom?: CustomFieldsSchema) {
  const customSchema = custom ?? z.record(z.string(), z.json());
  const schema = z.strictObject({
    ...recordBaseShape,
    ...model.shape,
    ...model.managedShape,
    custom: customSchema.default({} as never),
  });
  const check = model.check as ((record: unknown, ctx: z.RefinementCtx) => void) | undefined;
  return check === undefined ? schema : schema.superRefine((record, ctx) => check(record, ctx));
}
