import { parsePhoneNumberWithError } from 'libphonenumber-js/min';
import * as z from 'zod';

/**
 * A phone number in international form, normalized to E.164 (`+14155552671`).
 * Numbers without a country code are rejected, since their country is a guess.
 * The whole string must be the number (no words around it), and a number with
 * an extension (`ext. 123`, `x123`, `;ext=123`) is refused with a
 * `phone_extension` issue: E.164 has no extension, and crmkit never drops part
 * of the input. Keep extensions in a custom field.
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
      const parsed = parsePhoneNumberWithError(value, { extract: false });
      if (parsed.ext !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'a phone number is stored in E.164, which has no extension: keep the extension in a custom field',
          input: value,
          params: { code: 'phone_extension' },
        });
        return z.NEVER;
      }
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
