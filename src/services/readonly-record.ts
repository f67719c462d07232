import type * as z from 'zod';

/**
 * A record as the services hand it out: deeply readonly (arrays become
 * `readonly` arrays, nested objects get `readonly` properties; `Date`s stay
 * `Date`s). Change a record with an update recipe, whose immer `Draft` is
 * mutable again. At run time every record the crm hands out is deeply frozen,
 * on every adapter (`freezeRecords`), so a stray assignment throws a
 * `TypeError` in strict code instead of silently drifting from what is stored.
 * `Date`s inside are shared objects that freezing cannot protect: treat them as
 * values and never call their setters.
 *
 * @example
 * ```ts
 * const ada = await crm.customers.get(id); // ReadonlyRecord<Customer>
 * ada.tags.push('vip'); // compile error: 'push' does not exist on readonly string[]
 * await crm.customers.update(id, (draft) => { draft.tags.push('vip') }); // the draft is mutable
 * ```
 */
export type ReadonlyRecord<R> = DeepReadonly<R>;

/**
 * Free JSON (zod's `z.json()` type), read-only all the way down.
 *
 * @example
 * ```ts
 * const notes: ReadonlyJson = { visits: [1, 2], vip: true };
 * ```
 */
export type ReadonlyJson = string | number | boolean | null | readonly ReadonlyJson[] | { readonly [key: string]: ReadonlyJson };

/**
 * `T` read-only all the way down, like immer's `Immutable`, except that free
 * JSON (a `z.json()` custom field) becomes {@link ReadonlyJson} at once instead
 * of being expanded level by level, which takes TypeScript past its
 * instantiation limit.
 *
 * @example
 * ```ts
 * type A = DeepReadonly<{ tags: string[]; at: Date }>; // { readonly tags: readonly string[]; readonly at: Date }
 * ```
 */
export type DeepReadonly<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends Date | RegExp | Promise<unknown> | ((...args: never[]) => unknown)
    ? T
    : T extends object
      ? { readonly [K in keyof T]: ReadonlyValue<T[K]> }
      : T;

/**
 * A property's value read-only: free JSON (exactly zod's JSON type) becomes
 * {@link ReadonlyJson} at once, anything else goes through {@link DeepReadonly}.
 *
 * @example
 * ```ts
 * type A = ReadonlyValue<string[]>; // readonly string[]
 * type B = ReadonlyValue<z.core.util.JSONType>; // ReadonlyJson
 * ```
 */
export type ReadonlyValue<V> = 0 extends 1 & V
  ? V // any stays any
  : [V] extends [z.core.util.JSONType] ? (string extends V ? (null extends V ? ReadonlyJson : DeepReadonly<V>) : DeepReadonly<V>) : DeepReadonly<V>;
