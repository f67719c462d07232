import * as z from 'zod';
import type { IndexDefinition } from '../storage/collection-schema.js';
import { strictCustomFields } from './custom-fields-schema.js';
import { fieldCatalogue } from './field-catalogue.js';
import { recordBaseShape } from './record-base.js';
import { checkStoredRecord, prepareRecordInput } from './record-value-checks.js';

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
 * the managed ones and `custom`, with the model's cross-field rules and the
 * rules every stored value follows (see `stored-value-limits.ts`).
 *
 * `custom` is the host's schema made strict (undeclared keys are refused, see
 * {@link strictCustomFields}) or free JSON when the host declared none. It is
 * parsed on every write, also when the input has no `custom` (as `{}`), so the
 * host's required fields and inner defaults always apply.
 *
 * @example
 * ```ts
 * const schema = buildRecordSchema(customerModel, z.object({ tier: z.enum(['gold', 'silver']).optional() }));
 * ```
 */
export function buildRecordSchema(model: ModelDefinition, custom?: CustomFieldsSchema) {
  const customSchema = custom === undefined ? z.record(z.string(), z.json()) : strictCustomFields(custom);
  const object = z.strictObject({
    ...recordBaseShape,
    ...model.shape,
    ...model.managedShape,
    custom: customSchema.prefault({}),
  });
  const check = model.check as ((record: unknown, ctx: z.RefinementCtx) => void) | undefined;
  const checked = check === undefined ? object : object.superRefine((record, ctx) => check(record, ctx));
  const listFields = Object.entries(fieldCatalogue(object))
    .filter(([, field]) => field.type === 'string[]')
    .map(([path]) => path);
  return z
    .preprocess(prepareRecordInput, checked)
    .transform((record, ctx) => checkStoredRecord(record, listFields, ctx));
}
