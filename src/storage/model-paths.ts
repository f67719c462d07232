import type { FieldType, ScalarFieldType } from './field-type.js';

/**
 * The {@link FieldType} a TypeScript value type is filtered as, or `never`
 * when a value of that type cannot be filtered (an object, an array of
 * objects, a union of different kinds, `unknown`). The type-level twin of
 * `fieldCatalogue`: string literal unions (zod enums) are `'string'`,
 * `readonly string[]` is `'string[]'`.
 *
 * @example
 * ```ts
 * type A = FieldTypeOf<'lead' | 'customer'>; // 'string'
 * type B = FieldTypeOf<Date>; // 'date'
 * type C = FieldTypeOf<readonly string[]>; // 'string[]'
 * type D = FieldTypeOf<string | number>; // never: unions are not filterable
 * ```
 */
export type FieldTypeOf<T> = [T] extends [never]
  ? never
  : unknown extends T
    ? never
    : [T] extends [Date]
      ? 'date'
      : [T] extends [string]
        ? 'string'
        : [T] extends [number]
          ? 'number'
          : [T] extends [boolean]
            ? 'boolean'
            : [T] extends [readonly string[]]
              ? 'string[]'
              : never;

/** How deep nested objects are followed; deeper leaves are not fields. */
type MaxDepth = 6;

/** An object whose own keys are paths (not an array, a date, a function or a record with an index signature). */
type IsNestedObject<V> = unknown extends V
  ? false
  : V extends readonly unknown[] | Date | ((...args: never[]) => unknown)
    ? false
    : V extends object
      ? string extends keyof V
        ? false
        : number extends keyof V
          ? false
          : true
      : false;

/** One path of a record type and the (non-nullable) type of the value found there. */
interface FieldEntry<P extends string, V> {
  readonly path: P;
  readonly value: V;
}

type FieldEntries<T, Prefix extends string, Depth extends unknown[]> = {
  [K in keyof T & string]-?: K extends `${string}.${string}`
    ? never // a dotted key cannot be addressed by a dotted path
    : EntryAt<NonNullable<T[K]>, `${Prefix}${K}`, Depth>;
}[keyof T & string];

type EntryAt<V, P extends string, Depth extends unknown[]> = [FieldTypeOf<V>] extends [never]
  ? IsNestedObject<V> extends true
    ? Depth['length'] extends MaxDepth
      ? never
      : FieldEntries<V, `${P}.`, [...Depth, unknown]>
    : never
  : FieldEntry<P, V>;

/**
 * The filterable fields of a record type, keyed by dotted path, each with the
 * type of its value (never `undefined` or `null`: absence is what `exists`
 * tests). Nested objects contribute their leaves (`purchase.amount`,
 * `custom.loyaltyTier`); arrays of objects, unions of different kinds and
 * records with an index signature (free-JSON custom fields) contribute none —
 * the same fields `fieldCatalogue` finds in the zod schema at run time.
 *
 * @example
 * ```ts
 * type F = ModelFields<Customer<{ loyaltyTier?: 'bronze' | 'gold' }>>;
 * // { id: string; name: string; tags: string[]; lifecycleStage: LifecycleStage; updatedAt: Date;
 * //   'consent.email.status': 'granted' | 'denied'; 'custom.loyaltyTier': 'bronze' | 'gold'; … }
 * ```
 */
export type ModelFields<R> = { readonly [E in FieldEntries<R, '', []> as E['path']]: E['value'] };

/**
 * Every filterable dotted path of a record type.
 *
 * @example
 * ```ts
 * const field: ModelPath<Interaction> = 'purchase.amount';
 * ```
 */
export type ModelPath<R> = keyof ModelFields<R> & string;

/**
 * The paths of a record type whose field type is one of `K`.
 *
 * @example
 * ```ts
 * type Dates = PathOfType<Interaction, 'date'>; // 'occurredAt' | 'createdAt' | 'updatedAt'
 * ```
 */
export type PathOfType<R, K extends FieldType> = PathOfTypeIn<ModelFields<R>, K>;

/**
 * The paths of a record type that can be sorted on and grouped by: every
 * field but the `string[]` ones.
 *
 * @example
 * ```ts
 * const key: ScalarPath<Customer> = 'name'; // 'tags' would not compile
 * ```
 */
export type ScalarPath<R> = PathOfType<R, ScalarFieldType>;

/**
 * The paths of a path map (a {@link ModelFields}) whose field type is one of `K`.
 *
 * @example
 * ```ts
 * type Numbers = PathOfTypeIn<ModelFields<Deal>, 'number'>; // 'amount' | 'version'
 * ```
 */
export type PathOfTypeIn<Fields, K extends FieldType> = {
  [P in keyof Fields]: FieldTypeOf<Fields[P]> extends K ? P : never;
}[keyof Fields] &
  string;

/**
 * A record type's fields as two path maps: the model's own fields and its
 * `custom.*` fields. The checks look a path up in the first before the second,
 * so code generic over a crm's custom field schemas (`Crm<S>` with `S` a type
 * parameter) still gets the model's own fields checked; only `custom.*` paths
 * stay unknown there.
 *
 * @example
 * ```ts
 * type Maps = FieldMapsOf<Customer<{ tier?: string }>>; // [{ name: string; tags: string[]; … }, { 'custom.tier': string }]
 * ```
 */
export type FieldMapsOf<R> = readonly [OwnFields<R>, CustomFields<R>];

/** A pair of path maps, as {@link FieldMapsOf} makes. */
type FieldMaps = readonly [unknown, unknown];

type OwnFields<R> = { readonly [E in FieldEntries<Omit<R, 'custom'>, '', []> as E['path']]: E['value'] };

type CustomFields<R> = R extends { readonly custom?: infer C }
  ? { readonly [E in EntryAt<NonNullable<C>, 'custom', []> as E['path']]: E['value'] }
  : {};

/**
 * `true` when `F` is a path of the field maps `M`.
 *
 * @example
 * ```ts
 * type A = HasPath<FieldMapsOf<Customer>, 'tags'>; // true
 * ```
 */
export type HasPath<M extends FieldMaps, F> = F extends keyof M[0] ? true : F extends keyof M[1] ? true : false;

/**
 * The value type at path `F` of the field maps `M` (`never` when it is no path).
 *
 * @example
 * ```ts
 * type A = ValueAtPath<FieldMapsOf<Interaction>, 'occurredAt'>; // Date
 * ```
 */
export type ValueAtPath<M extends FieldMaps, F> = F extends keyof M[0] ? M[0][F] : F extends keyof M[1] ? M[1][F] : never;

/**
 * Every path of the field maps `M`.
 *
 * @example
 * ```ts
 * type All = PathsIn<FieldMapsOf<Deal>>; // 'title' | 'amount' | 'status' | …
 * ```
 */
export type PathsIn<M extends FieldMaps> = (keyof M[0] | keyof M[1]) & string;

/**
 * The paths of the field maps `M` whose field type is one of `K`.
 *
 * @example
 * ```ts
 * type Dates = PathsOfTypeIn<FieldMapsOf<Interaction>, 'date'>; // 'occurredAt' | 'createdAt' | 'updatedAt'
 * ```
 */
export type PathsOfTypeIn<M extends FieldMaps, K extends FieldType> = PathOfTypeIn<M[0], K> | PathOfTypeIn<M[1], K>;
