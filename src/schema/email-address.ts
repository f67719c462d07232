import * as z from 'zod';

/**
 * An email address, trimmed and lower-cased so that one address has one spelling.
 *
 * @example
 * ```ts
 * emailAddressSchema.parse('  Ada@Example.COM '); // 'ada@example.com'
 * ```
 */
export const emailAddressSchema = z.string().trim().toLowerCase().max(320).pipe(z.email());
