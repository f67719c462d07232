import type { Condition } from './filter.js';
import type { FilterOperator, operatorsByFieldType } from './filter-operator.js';
import type { FieldMapsOf, FieldTypeOf, HasPath, PathsIn, ValueAtPath } from './model-paths.js';
import type { RelativeDate } from './relative-date.js';

/**
 * The operators a field whose values have type `T` accepts, as in
 * `docs/semantics.md`: `contains` on strings and string arrays, `startsWith`
 * on strings and string arrays (an element's prefix), `endsWith` on strings only, `lt`/`gt` not on booleans or string arrays.
 *
 * @example
 * ```ts
 * type A = OperatorsFor<boolean>; // 'eq' | 'ne' | 'in' | 'nin' | 'exists'
 * type B = OperatorsFor<readonly string[]>; // 'contains' | 'startsWith' | 'in' | 'nin' | 'exists'
 * ```
 */
export type OperatorsFor<T> = (typeof operatorsByFieldType)[FieldTypeOf<T>][number];

/** A pair of path maps (`FieldMapsOf`). */
type FieldMaps = readonly [unknown, unknown];

/** What a date field is compared with: an instant, or a date relative to the query's now. */
type DateOperand = Date | RelativeDate;

/** One value of the field's own type (a date may be relative). */
type EqualityOperand<T> = [T] extends [Date] ? DateOperand : T;

/** One value of the field's type, or one element of a `string[]` field. */
type ElementOperand<T> = [T] extends [readonly (infer E)[]] ? E : EqualityOperand<T>;

/**
 * The value a condition on a field of type `T` with operator `O` takes:
 * the field's own type for `eq`/`ne` (an enum's members, a `Date` or a
 * relative date for a date), a list of those for `in`/`nin` (of elements for
 * a `string[]`), a `string` for `contains`/`startsWith`/`endsWith` on a
 * string (an element for `contains` on a `string[]`), a `boolean` for `exists`.
 *
 * @example
 * ```ts
 * type A = FilterOperand<'lead' | 'customer', 'in'>; // readonly ('lead' | 'customer')[]
 * type B = FilterOperand<Date, 'gte'>; // Date | RelativeDate
 * type C = FilterOperand<readonly string[], 'contains'>; // string
 * ```
 */
export type FilterOperand<T, O extends FilterOperator> = O extends 'exists'
  ? boolean
  : O extends 'in' | 'nin'
    ? readonly ElementOperand<T>[]
    : O extends 'contains'
      ? [T] extends [readonly (infer E)[]]
        ? E
        : string
      : O extends 'startsWith' | 'endsWith'
        ? string
        : O extends 'lt' | 'lte' | 'gt' | 'gte'
          ? [T] extends [string]
            ? string
            : EqualityOperand<T>
          : EqualityOperand<T>;

/**
 * Every well-typed condition on a record type `R`: one member per path and
 * operator the path's type accepts, with the value type that operator takes.
 * Use it to type a condition you build in a function; for whole filters use
 * {@link ModelFilter}.
 *
 * @example
 * ```ts
 * const vip: ModelCondition<Customer> = where('tags', 'contains', 'vip');
 * ```
 */
export type ModelCondition<R> = ConditionsIn<FieldMapsOf<R>>;

type ConditionsIn<M extends readonly [unknown, unknown]> = ConditionsInMap<M[0]> | ConditionsInMap<M[1]>;

type ConditionsInMap<Fields> = {
  [P in keyof Fields & string]: {
    [O in OperatorsFor<Fields[P]>]: Condition<FilterOperand<Fields[P], O>, P, O>;
  }[OperatorsFor<Fields[P]>];
}[keyof Fields & string];

/**
 * A filter on record type `R` whose every condition is well typed: the type to
 * give a function that returns a filter for `crm.customers.find`.
 *
 * @example
 * ```ts
 * function recentVips(days: number): ModelFilter<Customer> {
 *   return where.and(where('tags', 'contains', 'vip'), where('updatedAt', 'gte', ago({ days })));
 * }
 * ```
 */
export type ModelFilter<R> = ModelFilterIn<FieldMapsOf<R>>;

type ModelFilterIn<Fields extends FieldMaps> =
  | ConditionsIn<Fields>
  | { readonly and: readonly ModelFilterIn<Fields>[] }
  | { readonly or: readonly ModelFilterIn<Fields>[] }
  | { readonly not: ModelFilterIn<Fields> };

/** Nesting levels of `and` / `or` / `not` checked at compile time; deeper ones are checked when the query runs. */
type MaxFilterDepth = 10;

/** `true` when the condition's field, operator and value fit the model, or its field is a runtime `string`. */
type ConditionFits<Fields extends FieldMaps, F, O, V> = string extends F
  ? true // a field chosen at run time: the core checks it when the query runs
  : HasPath<Fields, F> extends true
    ? [O] extends [OperatorsFor<ValueAtPath<Fields, F>>]
      ? O extends FilterOperator
        ? [V] extends [FilterOperand<ValueAtPath<Fields, F>, O>]
          ? true
          : false
        : false
      : false
    : false;

type ListFits<Fields extends FieldMaps, L, D extends unknown[]> = L extends readonly []
  ? true
  : L extends readonly [infer H, ...infer T]
    ? FilterFits<Fields, H, D> extends true
      ? ListFits<Fields, T, D>
      : false
    : L extends readonly (infer E)[]
      ? [E] extends [ModelFilterIn<Fields>]
        ? true // already typed as a ModelFilter: no need to walk the recursive union
        : FilterFits<Fields, E, D>
      : false;

/** `true` when every condition of `W` fits the model (distributes over unions of filters). */
type FilterFits<Fields extends FieldMaps, W, D extends unknown[] = []> = D['length'] extends MaxFilterDepth
  ? true
  : W extends undefined
    ? true
    : W extends { readonly field: infer F; readonly op: infer O; readonly value: infer V }
      ? ConditionFits<Fields, F, O, V>
      : W extends { readonly and: infer L }
        ? ListFits<Fields, L, [...D, unknown]>
        : W extends { readonly or: infer L }
          ? ListFits<Fields, L, [...D, unknown]>
          : W extends { readonly not: infer N }
            ? [N] extends [ModelFilterIn<Fields>]
              ? true
              : FilterFits<Fields, N, [...D, unknown]>
            : W extends { readonly related: unknown }
              ? true // another collection's filter: checked against that collection when the query runs
              : false;

/** `true` when `W` is a union of several types (a `ModelFilter`, a `Filter`), `false` for one filter. */
type IsUnion<W, All = W> = W extends unknown ? ([All] extends [W] ? false : true) : never;

/**
 * {@link FilterFits}, first taking a union already typed as a `ModelFilter` as
 * it is: walking its members one by one costs the compiler far more.
 */
type TopLevelFits<Fields extends FieldMaps, W> = true extends IsUnion<W>
  ? [W] extends [ModelFilterIn<Fields> | undefined]
    ? true
    : FilterFits<Fields, W>
  : FilterFits<Fields, W>;

type SuggestedList<Fields extends FieldMaps, L> = L extends readonly unknown[]
  ? { readonly [K in keyof L]: SuggestedFilter<Fields, L[K]> }
  : L;

/** `W` with each condition that does not fit replaced by what would. */
type SuggestedFilter<Fields extends FieldMaps, W> = W extends { readonly field: infer F; readonly op: infer O; readonly value: infer V }
  ? ConditionFits<Fields, F, O, V> extends true
    ? W
    : HasPath<Fields, F> extends true
      ? [O] extends [OperatorsFor<ValueAtPath<Fields, F>>]
        ? O extends FilterOperator
          ? { readonly field: F; readonly op: O; readonly value: FilterOperand<ValueAtPath<Fields, F>, O> }
          : never
        : { readonly field: F; readonly op: OperatorsFor<ValueAtPath<Fields, F>>; readonly value: V }
      : { readonly field: PathsIn<Fields>; readonly op: O; readonly value: V }
  : W extends { readonly and: infer L }
    ? { readonly and: SuggestedList<Fields, L> }
    : W extends { readonly or: infer L }
      ? { readonly or: SuggestedList<Fields, L> }
      : W extends { readonly not: infer N }
        ? { readonly not: SuggestedFilter<Fields, N> }
        : W;

/**
 * `true` when every condition of filter `W` fits record type `R` (see
 * {@link CheckedFilter}); `false` otherwise.
 *
 * @example
 * ```ts
 * type Ok = FilterFitsModel<Customer, Condition<'vip', 'tags', 'contains'>>; // true
 * type Typo = FilterFitsModel<Customer, Condition<'vip', 'tgas', 'contains'>>; // false
 * ```
 */
export type FilterFitsModel<R, W> = [TopLevelFits<FieldMapsOf<R>, W>] extends [true] ? true : false;

/**
 * A filter `W` checked against record type `R` at compile time: `W` itself
 * when every condition fits, else a type that makes the compiler point at the
 * first misfit (`Type '"tgas"' is not assignable to type '"name" | "tags" | …'`).
 *
 * A condition fits when its `field` is one of `R`'s paths ({@link ModelFields}),
 * its `op` is one the field's type accepts ({@link OperatorsFor}) and its
 * `value` has the type that operator takes ({@link FilterOperand}). A
 * condition whose `field` is the wide type `string` — a filter built at run
 * time, typed as {@link Filter} or `Condition` — always fits: the core checks
 * it against the collection's fields when the query runs, as before, and
 * rejects a misfit with `invalid_query`. A string literal that is not a path
 * is a compile error.
 *
 * @example
 * ```ts
 * declare function count<const W extends Filter>(filter: CheckedFilter<Customer, W>): void;
 * count(where('tags', 'contains', 'vip')); // compiles
 * count(where('tgas', 'contains', 'vip')); // error: '"tgas"' is not assignable to '"name" | "tags" | …'
 * const built: Filter = JSON.parse(saved); count(built); // compiles, checked at run time
 * ```
 */
export type CheckedFilter<R, W> = [TopLevelFits<FieldMapsOf<R>, W>] extends [true]
  ? W
  : NoInfer<SuggestedFilter<FieldMapsOf<R>, W>>;

/**
 * Filter `W` with each condition that does not fit record type `R` replaced by
 * what would: the field by `R`'s paths, the operator by those the field takes,
 * the value by the operand type. It only appears in compile errors, where it
 * makes the compiler name the expected type.
 *
 * @example
 * ```ts
 * type Hint = SuggestedFilterFor<Customer, Condition<42, 'name', 'eq'>>;
 * // { readonly field: 'name'; readonly op: 'eq'; readonly value: string }
 * ```
 */
export type SuggestedFilterFor<R, W> = SuggestedFilter<FieldMapsOf<R>, W>;
