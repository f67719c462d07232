import type { FieldMapsOf, FieldTypeOf, HasPath, PathsOfTypeIn, ValueAtPath } from './model-paths.js';
import type { ScalarFieldType } from './field-type.js';
import type { SortDirection } from './sort.js';

/** A pair of path maps (`FieldMapsOf`). */
type FieldMaps = readonly [unknown, unknown];

/** `true` when the key's field is a scalar path of the model, or a runtime `string`. */
type SortKeyFits<Fields extends FieldMaps, K> = K extends { readonly field: infer F }
  ? string extends F
    ? true
    : HasPath<Fields, F> extends true
      ? FieldTypeOf<ValueAtPath<Fields, F>> extends ScalarFieldType
        ? true
        : false
      : false
  : false;

type SortFits<Fields extends FieldMaps, S> = S extends undefined
  ? true
  : S extends readonly []
    ? true
    : S extends readonly [infer H, ...infer T]
      ? SortKeyFits<Fields, H> extends true
        ? SortFits<Fields, T>
        : false
      : S extends readonly (infer E)[]
        ? SortKeyFits<Fields, E>
        : false;


type SuggestedSortKey<Fields extends FieldMaps, K> = SortKeyFits<Fields, K> extends true
  ? K
  : { readonly field: PathsOfTypeIn<Fields, ScalarFieldType>; readonly direction?: SortDirection };

type SuggestedSort<Fields extends FieldMaps, S> = S extends readonly unknown[] ? { readonly [I in keyof S]: SuggestedSortKey<Fields, S[I]> } : S;

/**
 * `true` when every key of sort `S` names a scalar field of record type `R`:
 * not a `string[]` field, not an unknown one. A key whose field is the wide
 * type `string` (a sort chosen at run time) fits and is checked when the
 * query runs.
 *
 * @example
 * ```ts
 * type Ok = SortFitsModel<Customer, [{ field: 'name' }]>; // true
 * type Tags = SortFitsModel<Customer, [{ field: 'tags' }]>; // false: string[] fields do not sort
 * ```
 */
export type SortFitsModel<R, S> = [SortFits<FieldMapsOf<R>, S>] extends [true] ? true : false;

/**
 * Sort `S` with each key that does not fit record type `R` replaced by
 * `{ field: <a scalar path of R>, direction? }`, so the compiler names the
 * expected fields. It only appears in compile errors.
 *
 * @example
 * ```ts
 * type Hint = SuggestedSortFor<Customer, [{ field: 'nmae' }]>;
 * // [{ readonly field: 'name' | 'kind' | …; readonly direction?: SortDirection }]
 * ```
 */
export type SuggestedSortFor<R, S> = SuggestedSort<FieldMapsOf<R>, S>;
