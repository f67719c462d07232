import type { AggregateRow } from '../storage/aggregate-query.js';
import type { FieldType, ScalarFieldType } from '../storage/field-type.js';
import type { FieldMapsOf, FieldTypeOf, HasPath, PathsOfTypeIn, ValueAtPath } from '../storage/model-paths.js';
import type { FilterFitsModel, SuggestedFilterFor } from '../storage/typed-filter.js';

/** A pair of path maps (`FieldMapsOf`). */
type FieldMaps = readonly [unknown, unknown];

/** The keys an aggregate's options may have. */
type AggregateOptionKey = 'where' | 'groupBy' | 'measures' | 'timeZone';

/** One part of a group key when nothing more is known of it. */
type AnyKeyPart = string | number | boolean | Date | null;

/** One measure value when nothing more is known of it. */
type AnyMeasureValue = number | Date | string | null;

/** The field types each aggregate function reads, as in `docs/semantics.md`. */
interface MeasureFieldTypes {
  readonly count: FieldType;
  readonly sum: 'number';
  readonly min: 'number' | 'date' | 'string';
  readonly max: 'number' | 'date' | 'string';
}

type OptionOf<O, K extends string> = K extends keyof O ? O[K] : undefined;

type GroupKeyFits<Fields extends FieldMaps, K> = K extends string
  ? string extends K
    ? true
    : HasPath<Fields, K> extends true
      ? FieldTypeOf<ValueAtPath<Fields, K>> extends ScalarFieldType
        ? true
        : false
      : false
  : K extends { readonly field: infer F }
    ? string extends F
      ? true
      : HasPath<Fields, F> extends true
        ? FieldTypeOf<ValueAtPath<Fields, F>> extends 'date'
          ? true
          : false
        : false
    : false;

type ListFits<L, Fits> = L extends readonly unknown[] ? ([Fits] extends [true] ? true : false) : false;

type GroupByFits<Fields extends FieldMaps, G> = ListFits<G, G extends readonly unknown[] ? { [I in keyof G]: GroupKeyFits<Fields, G[I]> }[number] : false>;

/** The function(s) of a measure, and the field types every one of them reads. */
type ReadableBy<Fn> = Fn extends keyof MeasureFieldTypes ? MeasureFieldTypes[Fn] : never;
type AllowedFieldTypes<Fn> = [Fn] extends ['count'] ? ReadableBy<'count'> : 'sum' extends Fn ? 'number' : ReadableBy<Fn>;

type MeasureFits<Fields extends FieldMaps, M> = M extends { readonly fn: infer Fn }
  ? OptionOf<M, 'field'> extends infer F
    ? [F] extends [undefined]
      ? [Fn] extends ['count']
        ? true
        : false // sum / min / max need a field
      : string extends F
        ? true
        : HasPath<Fields, F> extends true
          ? FieldTypeOf<ValueAtPath<Fields, F>> extends AllowedFieldTypes<Fn>
            ? true
            : false
          : false
    : false
  : false;

type MeasuresFit<Fields extends FieldMaps, Ms> = ListFits<Ms, Ms extends readonly unknown[] ? { [I in keyof Ms]: MeasureFits<Fields, Ms[I]> }[number] : false>;

type AggregateFits<R, O> = [Exclude<keyof O, AggregateOptionKey>] extends [never]
  ? FilterFitsModel<R, OptionOf<O, 'where'>> extends true
    ? GroupByFits<FieldMapsOf<R>, OptionOf<O, 'groupBy'>> extends true
      ? MeasuresFit<FieldMapsOf<R>, OptionOf<O, 'measures'>>
      : false
    : false
  : false;

type SuggestedGroupKey<Fields extends FieldMaps, K> = GroupKeyFits<Fields, K> extends true
  ? K
  : K extends { readonly bucket: infer B }
    ? { readonly field: PathsOfTypeIn<Fields, 'date'>; readonly bucket: B }
    : PathsOfTypeIn<Fields, ScalarFieldType>;

type SuggestedMeasure<Fields extends FieldMaps, M> = MeasureFits<Fields, M> extends true
  ? M
  : M extends { readonly name: infer N; readonly fn: infer Fn }
    ? { readonly name: N; readonly fn: Fn; readonly field: PathsOfTypeIn<Fields, AllowedFieldTypes<Fn>> }
    : M;

type SuggestedAggregate<R, O> = {
  readonly [K in keyof O]: K extends 'where'
    ? SuggestedFilterFor<R, O[K]>
    : K extends 'groupBy'
      ? SuggestedGroupBy<FieldMapsOf<R>, O[K]>
      : K extends 'measures'
        ? SuggestedMeasures<FieldMapsOf<R>, O[K]>
        : K extends 'timeZone'
          ? string | undefined
          : K extends 'having'
            ? O[K]
            : never;
};

type SuggestedGroupBy<Fields extends FieldMaps, G> = { readonly [I in keyof G]: SuggestedGroupKey<Fields, G[I]> };

type SuggestedMeasures<Fields extends FieldMaps, Ms> = { readonly [I in keyof Ms]: SuggestedMeasure<Fields, Ms[I]> };

/**
 * Aggregate options `O` checked against record type `R` at compile time:
 * `where` as `CheckedFilter` describes; every `groupBy` key a scalar path, or
 * `{ field, bucket }` on a date path; every measure's `field` one its function
 * reads (`sum` a number, `min` / `max` a number, date or string, `count` any
 * field or none); no unknown keys. A key or measure field typed as the wide
 * `string` (built at run time) is checked when the query runs. It is `O`
 * itself when everything fits.
 *
 * @example
 * ```ts
 * crm.interactions.aggregate({ groupBy: ['customerId'], measures: [{ name: 'revenue', fn: 'sum', field: 'purchase.amount' }] }); // compiles
 * crm.interactions.aggregate({ groupBy: ['nope'], measures: [] }); // error: '"nope"' is not assignable to '"customerId" | …'
 * crm.customers.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'sum', field: 'name' }] }); // error: sum of a string
 * ```
 */
export type CheckedAggregateOptions<R, O> = 0 extends 1 & O
  ? O // `any` options: nothing to check
  : AggregateFits<R, O> extends true
    ? O
    : NoInfer<SuggestedAggregate<R, O>>;

type GroupKeyValue<Fields extends FieldMaps, K> = K extends string
  ? string extends K
    ? AnyKeyPart
    : HasPath<Fields, K> extends true
      ? ValueAtPath<Fields, K> | null
      : AnyKeyPart
  : K extends { readonly bucket: unknown }
    ? Date | null
    : AnyKeyPart;

type GroupKeyValues<Fields extends FieldMaps, G> = G extends readonly unknown[]
  ? number extends G['length']
    ? readonly GroupKeyValue<Fields, G[number]>[]
    : { readonly [I in keyof G]: GroupKeyValue<Fields, G[I]> }
  : readonly AnyKeyPart[];

type MeasureValue<Fields extends FieldMaps, M> = M extends { readonly fn: infer Fn }
  ? [Fn] extends ['count' | 'sum']
    ? number
    : OptionOf<M, 'field'> extends infer F
      ? string extends F
        ? AnyMeasureValue
        : HasPath<Fields, F> extends true
          ? [Fn] extends ['min' | 'max']
            ? ValueAtPath<Fields, F> | null
            : AnyMeasureValue
          : AnyMeasureValue
      : AnyMeasureValue
  : AnyMeasureValue;

type NameOf<M> = M extends { readonly name: infer N extends string } ? N : string;

type MeasureValues<Fields extends FieldMaps, Ms> = Ms extends readonly (infer M)[]
  ? string extends NameOf<M>
    ? Readonly<Record<string, AnyMeasureValue>>
    : { readonly [E in M as NameOf<E>]: MeasureValue<Fields, E> }
  : Readonly<Record<string, AnyMeasureValue>>;

/**
 * One row of an aggregate over record type `R` with options `O`, typed from
 * the options: `key` is a tuple with one part per `groupBy` key (the field's
 * type, a bucket's start `Date`, `null` when absent), `values` has one property
 * per measure name — `count` and `sum` are `number`, `min` / `max` the field's
 * type or `null`. A measure name that is not one of `O`'s is a compile error.
 * Options built at run time give the untyped row (`AggregateRow`).
 *
 * @example
 * ```ts
 * const rows = await crm.interactions.aggregate({
 *   groupBy: ['customerId', { field: 'occurredAt', bucket: 'week' }],
 *   measures: [{ name: 'revenue', fn: 'sum', field: 'purchase.amount' }, { name: 'lastOrderAt', fn: 'max', field: 'occurredAt' }],
 * });
 * rows[0]!.key; // readonly [string | null, Date | null]
 * rows[0]!.values.revenue; // number
 * rows[0]!.values.lastOrderAt; // Date | null
 * ```
 */
export type AggregateRowOf<R, O> = 0 extends 1 & O
  ? AggregateRow // `any` options: nothing is known of the row
  : {
      /** The group's key parts, in `groupBy` order. */
      readonly key: GroupKeyValues<FieldMapsOf<R>, OptionOf<O, 'groupBy'>>;
      /** Each measure's value, by name. */
      readonly values: MeasureValues<FieldMapsOf<R>, OptionOf<O, 'measures'>>;
    };
