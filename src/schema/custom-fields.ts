import type * as z from 'zod';

/** A model's type `T` with its `custom` field typed as `C`. */
export type WithCustom<T, C> = Omit<T, 'custom'> & { custom: C };

/**
 * What a create method accepts for a model with user-set fields `Shape` and
 * custom fields `C`: the fields' input types, an optional `id` (for imports
 * that keep their ids) and the custom fields.
 */
export type CreateInput<Shape extends z.ZodRawShape, C> = z.input<z.ZodObject<Shape>> & {
  /** An id of your own (for imports); the crm assigns a time-sortable one otherwise. */
  id?: string;
  /** The custom fields the host declared. */
  custom?: C;
};

/** The JSON-shaped custom fields a model has when the host declared none. */
export type DefaultCustomFields = Record<string, unknown>;
