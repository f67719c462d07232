import { foldText, foldedWords } from './fold-text.js';
import type { CountryCode } from 'libphonenumber-js/min';
import { phoneToE164 } from './phone-normalization.js';
import type { SearchableCustomer } from './search-keys.js';

/**
 * What one typed term is taken as: a word of a name, (part of) an email address, or (part of) a phone number.
 *
 * @example
 * ```ts
 * searchTermKinds.includes('phone'); // true
 * ```
 */
export const searchTermKinds = ['word', 'email', 'phone'] as const;

/**
 * One of {@link searchTermKinds}.
 *
 * @example
 * ```ts
 * const kind: SearchTermKind = 'email';
 * ```
 */
export type SearchTermKind = (typeof searchTermKinds)[number];

/**
 * One term of a search: the key prefix looked up, and for a whole phone number its E.164 form.
 *
 * @example
 * ```ts
 * const term: SearchTerm = { kind: 'word', prefix: 'lov' };
 * ```
 */
export interface SearchTerm {
  readonly kind: SearchTermKind;
  /** The normalized prefix of a search key. */
  readonly prefix: string;
  /**
   * Other ways to match the term, each a list of key prefixes that must all match: the
   * digits as typed for a phone read in the default region, the words of a dotted chunk.
   */
  readonly alternatives?: readonly (readonly string[])[];
  /** A phone term that is a whole number: its E.164 form. */
  readonly e164?: string;
}

const phoneLike = /^\+?[\d\s().\-/]+$/;

/**
 * The terms of what someone typed: a text that looks like a phone number
 * (digits with `+ ( ) . - /` and spaces, at least three digits) is one phone
 * term, in E.164 when it is a whole number (national numbers in
 * `defaultRegion`, or else the digits as typed); otherwise each
 * space-separated chunk with an `@` is an email term, a dotted chunk
 * (`ada.love`, `chanson.fr`) is a prefix of an email part or all of its words,
 * and the folded words of the others are word terms.
 *
 * @example
 * ```ts
 * searchTerms('020 7946 0018', 'GB'); // [{ kind: 'phone', prefix: '442079460018', e164: '+442079460018' }]
 * searchTerms('Édith pi');            // [{ kind: 'word', prefix: 'edith' }, { kind: 'word', prefix: 'pi' }]
 * ```
 */
export function searchTerms(text: string, defaultRegion?: CountryCode): SearchTerm[] {
  const trimmed = text.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (phoneLike.test(trimmed) && digits.length >= 3) {
    const e164 = phoneToE164(trimmed, defaultRegion);
    if (e164 === undefined || e164.slice(1) === digits) return [{ kind: 'phone', prefix: digits, ...(e164 === undefined ? {} : { e164 }) }];
    // Read in the default region, or the digits as typed (another country's national form).
    return [{ kind: 'phone', prefix: e164.slice(1), e164, alternatives: [[digits]] }];
  }
  const terms: SearchTerm[] = [];
  for (const chunk of trimmed.split(/\s+/)) {
    const words = foldedWords(chunk);
    if (chunk.includes('@')) terms.push({ kind: 'email', prefix: foldText(chunk) });
    else if (words.length > 1 && /[\p{L}\p{N}][.+_][\p{L}\p{N}]/u.test(chunk)) terms.push({ kind: 'email', prefix: foldText(chunk), alternatives: [words] });
    else for (const word of words) terms.push({ kind: 'word', prefix: word });
  }
  const seen = new Set<string>();
  return terms.filter((term) => !seen.has(term.prefix) && seen.add(term.prefix));
}

/**
 * How well a matching customer fits the terms (higher is better): per term,
 * its best fit (an email or a whole phone number exactly 10, an email prefix
 * or phone prefix 5, a name word exactly 6, a name word prefix 4, a word of
 * an email 2, only through the customer's organization 1), plus 3 when the
 * folded name begins with the folded text as typed.
 *
 * @example
 * ```ts
 * searchScore(ada, searchTerms('ada'), 'ada', []); // 6 + 3
 * ```
 */
export function searchScore(customer: SearchableCustomer, terms: readonly SearchTerm[], text: string, organizationWords: readonly string[]): number {
  const nameWords = new Set([customer.name, customer.firstName, customer.lastName].flatMap((part) => (part === undefined ? [] : foldedWords(part))));
  const emails = customer.emails.map(foldText);
  const emailWords = emails.flatMap((email) => foldedWords(email));
  const phoneDigits = customer.phones.map((phone) => phone.replace(/\D/g, ''));
  let score = 0;
  for (const term of terms) {
    let best = 0;
    const { prefix } = term;
    if (term.kind === 'phone') {
      if (term.e164 !== undefined && customer.phones.includes(term.e164)) best = 10;
      else if (phoneDigits.some((d) => d.startsWith(prefix))) best = 5;
      else best = 4; // a national form of the number
    } else if (term.kind === 'email') {
      best = emails.includes(prefix) ? 10 : emails.some((email) => email.startsWith(prefix)) ? 5 : 2;
    } else {
      if (nameWords.has(prefix)) best = 6;
      else if ([...nameWords].some((word) => word.startsWith(prefix))) best = 4;
      else if (emailWords.some((word) => word.startsWith(prefix)) || emails.some((email) => email.startsWith(prefix))) best = 2;
      else if (organizationWords.some((word) => word.startsWith(prefix))) best = 1;
      else best = 2; // a phone's digits or another key
    }
    score += best;
  }
  const folded = foldText(text.trim());
  if (folded.length > 0 && foldText(customer.name).startsWith(folded)) score += 3;
  return score;
}
