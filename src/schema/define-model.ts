import * as z from 'zod';
import type { CollectionSchema, IndexDefinition } from '../storage/collection-schema.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { strictCustomFields } from './custom-fields-schema.js';
import { fieldCatalogue } from './field-catalogue.js';
import { buildRecordSchema, type CustomFieldsSchema, type ModelDefinition } from './model-definition.js';
import { recordBaseShape } from './record-base.js';
import { checkStoredRecord, prepareRecordInput } from './record-value-checks.js';

/**
 * The stored record type of model `M` with custom fields `C`, derived from its
 * shapes: the base fields, the model's own, the managed ones and `custom`.
 *
 * @example
 * ```ts
 * const noteModel = defineModel({ collection: 'notes', entity: 'note', shape: { text: z.string() }, indexes: [] });
 * type Note = ModelRecord<typeof noteModel>; // { id, createdAt, updatedAt, version, text, custom }
 * ```
 */
export type ModelRecord<M extends ModelDefinition, C = Record<string, unknown>> = WithCustom<
  z.output<z.ZodObject<typeof recordBaseShape & M['shape'] & (M['managedShape'] extends z.ZodRawShape ? M['managedShape'] : {})>>,
  C
>;

/**
 * What `create` accepts for model `M` with custom fields `C`: the shape's input
 * types, an optional `id`, the custom fields, and the `defaultsToNow` dates optional.
 *
 * @example
 * ```ts
 * const input: ModelInput<typeof caseModel> = { customerId, subject: 'Invoice missing' }; // openedAt defaults to now
 * ```
 */
export type ModelInput<M extends ModelDefinition, C = Record<string, unknown>> = M['defaultsToNow'] extends readonly (infer F extends string)[]
  ? Omit<CreateInput<M['shape'], C>, F> & { [K in F]?: Date }
  : CreateInput<M['shape'], C>;

/**
 * A model made by {@link defineModel}: its definition plus everything derived
 * from it once, so the crm, a host's forms and an adapter read the same rules.
 */
export type DefinedModel<D extends ModelDefinition = ModelDefinition> = D & {
  /**
   * The schema of a stored record, custom fields as free JSON: the one
   * `crm.<collection>.create` and `update` validate with (cross-field checks and
   * the stored-value limits included). `createCrm` builds the same schema with
   * the host's custom fields (`recordSchemaWith`).
   */
  readonly recordSchema: z.ZodType<ModelRecord<D>>;
  /** `recordSchema` with the host's custom fields. */
  recordSchemaWith(custom: CustomFieldsSchema | undefined): z.ZodType<ModelRecord<D>>;
  /**
   * The schema of what `create` accepts, for a host's forms: the fields users
   * set (no managed or base fields beyond an optional `id`), the same
   * normalizations, cross-field checks and stored-value limits. What it accepts,
   * `create` accepts, except for checks against other records (references, a
   * deal's stage in its pipeline). `defaultsToNow` dates are optional; the
   * cross-field checks see them as the current time when absent.
   */
  readonly inputSchema: z.ZodType<ModelInput<D>, unknown>;
  /** `inputSchema` with the host's custom fields. */
  inputSchemaWith(custom: CustomFieldsSchema | undefined): z.ZodType<ModelInput<D>, unknown>;
  /**
   * The JSON Schema (draft 2020-12) of the input, from `z.toJSONSchema`: dates
   * are `{ type: 'string', format: 'date-time' }`; rules JSON Schema cannot say
   * (cross-field checks, normalizations) are left out.
   */
  jsonSchema(custom?: CustomFieldsSchema): Record<string, unknown>;
  /** The indexes whose values no two records may share. */
  readonly uniqueKeys: readonly IndexDefinition[];
  /** What the adapter is told about the collection: fields (custom ones included), indexes, references. */
  collectionSchema(custom?: CustomFieldsSchema): CollectionSchema;
};

/**
 * Defines a model once: the record schema the crm validates with, the input
 * schema and JSON Schema for forms, the indexes, references and unique keys the
 * adapter is told about, and (through {@link ModelRecord} / {@link ModelInput})
 * its types. A module lists the models it contributes; see `docs/modules.md`.
 *
 * @example
 * ```ts
 * export const noteModel = defineModel({
 *   collection: 'notes',
 *   entity: 'note',
 *   shape: { customerId: z.string().min(1), text: z.string().trim().min(1).max(10_000) },
 *   references: [{ field: 'customerId', collection: 'customers' }],
 *   indexes: [{ name: 'notes_customer', fields: ['customerId'] }],
 * });
 * noteModel.inputSchema.safeParse({ customerId: 'c1', text: ' hi ' }); // { success: true, data: { …, text: 'hi' } }
 * ```
 */
export function defineModel<const D extends ModelDefinition>(definition: D): DefinedModel<D> {
  const recordSchemaWith = (custom: CustomFieldsSchema | undefined) => buildRecordSchema(definition, custom) as unknown as z.ZodType<ModelRecord<D>>;
  const inputSchemaWith = (custom: CustomFieldsSchema | undefined) => buildInputSchema(definition, custom) as z.ZodType<ModelInput<D>, unknown>;
  let recordSchema: z.ZodType<ModelRecord<D>> | undefined;
  let inputSchema: z.ZodType<ModelInput<D>, unknown> | undefined;
  return {
    ...definition,
    get recordSchema() {
      return (recordSchema ??= recordSchemaWith(undefined));
    },
    recordSchemaWith,
    get inputSchema() {
      return (inputSchema ??= inputSchemaWith(undefined));
    },
    inputSchemaWith,
    jsonSchema: (custom?: CustomFieldsSchema) =>
      z.toJSONSchema(formObject(definition, custom), {
        io: 'input',
        unrepresentable: 'any',
        override: ({ zodSchema, jsonSchema }) => {
          if ((zodSchema as unknown as z.ZodType)._zod.def.type === 'date') Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
        },
      }) as Record<string, unknown>,
    uniqueKeys: definition.indexes.filter((index) => index.unique === true),
    collectionSchema: (custom?: CustomFieldsSchema) => ({
      name: definition.collection,
      fields: fieldCatalogue(recordSchemaWith(custom)),
      indexes: definition.indexes,
      references: definition.references ?? [],
    }),
  };
}

/** The plain object of a model's input fields (no checks across fields). */
function formObject(model: ModelDefinition, custom: CustomFieldsSchema | undefined) {
  const shape: Record<string, z.ZodType> = { id: recordBaseShape.id.optional(), ...model.shape };
  for (const field of model.defaultsToNow ?? []) {
    const schema = shape[field];
    if (schema !== undefined) shape[field] = schema.optional();
  }
  const customSchema = custom === undefined ? z.record(z.string(), z.json()) : strictCustomFields(custom);
  return z.strictObject({ ...shape, custom: customSchema.optional() });
}

/**
 * The input schema of a model: {@link formObject} with the model's cross-field
 * rules and the stored-value checks, as the record schema runs them.
 */
function buildInputSchema(model: ModelDefinition, custom: CustomFieldsSchema | undefined): z.ZodType {
  const object = formObject(model, custom);
  const check = model.check as ((record: unknown, ctx: z.RefinementCtx) => void) | undefined;
  const nowFields = model.defaultsToNow ?? [];
  const checked =
    check === undefined
      ? object
      : object.superRefine((input, ctx) => {
          const now = new Date();
          const completed: Record<string, unknown> = { ...input };
          for (const field of nowFields) completed[field] ??= now;
          check(completed, ctx);
        });
  const listFields = Object.entries(fieldCatalogue(object))
    .filter(([, field]) => field.type === 'string[]')
    .map(([path]) => path);
  return z.preprocess(prepareRecordInput, checked).transform((input, ctx) => checkStoredRecord(input, listFields, ctx));
}
