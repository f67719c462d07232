import { parsePhoneNumberWithError } from 'libphonenumber-js/min';
import { z } from 'zod';

/**
 * A phone number in international form, normalized to E.164 (`+14155552671`).
 * Numbers without a country code are rejected, since their country is a guess.
 *
 * @example
 * ```ts
 * phoneNumberSchema.parse('+1 (415) 555-2671'); // '+14155552671'
 * ```
 */
export const phoneNumberSchema = z
  .string()
  .trim()
  .max(64)
  .transform((value, ctx) => {
    try {
      const parsed = parsePhoneNumberWithError(value);
      if (parsed.isPossible()) return parsed.number as string;
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: 'custom',
      message: 'not a phone number in international form (+country code …)',
      input: value,
    });
    return z.NEVER;
  });
