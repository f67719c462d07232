import * as z from 'zod';

/**
 * An array of `item` with duplicates removed after normalization, first
 * occurrence kept (so the first email stays the primary one).
 *
 * @example
 * ```ts
 * uniqueList(emailAddressSchema).parse(['A@x.io', 'a@x.io']); // ['a@x.io']
 * ```
 */
export function uniqueList<T extends z.ZodType<string, unknown>>(item: T, max = 100) {
  return z
    .array(item)
    .max(max)
    .transform((values) => [...new Set(values)]);
}
