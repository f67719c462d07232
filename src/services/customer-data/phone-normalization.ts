import { isSupportedCountry, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/min';

/**
 * A phone number as typed, in E.164 (`+442079460018`) when it is one: in
 * international form (`+44 20 7946 0018`), or in the national form of
 * `defaultRegion` (`020 7946 0018` with `'GB'`). `undefined` when it is not a
 * possible number or carries an extension (which E.164 cannot hold).
 *
 * @example
 * ```ts
 * phoneToE164('020 7946 0018', 'GB'); // '+442079460018'
 * phoneToE164('(415) 555-2671');      // undefined: no country code and no default region
 * ```
 */
export function phoneToE164(text: string, defaultRegion?: CountryCode): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(text.trim(), { extract: false, ...(defaultRegion === undefined ? {} : { defaultCountry: defaultRegion }) });
    if (parsed.ext !== undefined || !parsed.isPossible()) return undefined;
    return parsed.number as string;
  } catch {
    return undefined;
  }
}

/**
 * The digit strings a stored E.164 number is found by as someone types it:
 * the international digits (`442079460018`), the national significant number
 * (`2079460018`) and the national dialling form (`02079460018`).
 *
 * @example
 * ```ts
 * phoneSearchDigits('+442079460018'); // ['442079460018', '2079460018', '02079460018']
 * ```
 */
export function phoneSearchDigits(e164: string): string[] {
  const digits = [e164.replace(/\D/g, '')];
  try {
    const parsed = parsePhoneNumberWithError(e164, { extract: false });
    digits.push(parsed.nationalNumber as string, parsed.formatNational().replace(/\D/g, ''));
  } catch {
    // stored numbers are valid E.164; nothing more to add otherwise
  }
  return [...new Set(digits.filter((d) => d.length > 0))];
}

/**
 * True when `region` is a region libphonenumber knows (`'GB'`, `'US'`).
 *
 * @example
 * ```ts
 * isPhoneRegion('GB'); // true
 * isPhoneRegion('XX'); // false
 * ```
 */
export function isPhoneRegion(region: unknown): region is CountryCode {
  return typeof region === 'string' && isSupportedCountry(region);
}


