import { foldText, foldedWords } from './fold-text.js';
import { nicknameOf } from './nicknames.js';

/** The parts of a customer that duplicate detection compares, normalized once. */
export interface DuplicateFeatures {
  readonly id: string;
  readonly kind: string;
  /** The folded name words, nicknames read as their names, sorted (so swapped names compare equal). */
  readonly nameWords: readonly string[];
  /** {@link nameWords} joined by a space. */
  readonly name: string;
  /** Emails lower-cased without a `+` tag. */
  readonly emails: readonly string[];
  /** Phones in E.164. */
  readonly phones: readonly string[];
  readonly organizationId?: string | undefined;
  /** Folded cities of the addresses. */
  readonly cities: readonly string[];
  /** Postal codes without spaces, upper-cased. */
  readonly postalCodes: readonly string[];
  /** Each address with a postal code as `<folded street line>|<postal code>`. */
  readonly addresses: readonly string[];
}

/** A customer as duplicate detection reads it. */
export interface DuplicateSubject {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly organizationId?: string | undefined;
  readonly addresses: readonly { readonly line1?: string | undefined; readonly city?: string | undefined; readonly postalCode?: string | undefined }[];
}

/**
 * An email as duplicate detection compares it: lower-cased, without its `+` tag.
 *
 * @example
 * ```ts
 * comparableEmail('Ada+crm@Example.com'); // 'ada@example.com'
 * ```
 */
export function comparableEmail(email: string): string {
  const folded = email.trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at <= 0) return folded;
  return `${folded.slice(0, at).split('+')[0]}${folded.slice(at)}`;
}

/**
 * The normalized parts of a customer for duplicate detection.
 *
 * @example
 * ```ts
 * duplicateFeatures({ id: 'c1', kind: 'person', name: 'Bob Smith', emails: ['Bob+x@a.io'], phones: [], addresses: [] }).nameWords;
 * // ['robert', 'smith']
 * ```
 */
export function duplicateFeatures(customer: DuplicateSubject): DuplicateFeatures {
  const nameWords = foldedWords(customer.name)
    .map((word) => nicknameOf.get(word) ?? word)
    .sort();
  return {
    id: customer.id,
    kind: customer.kind,
    nameWords,
    name: nameWords.join(' '),
    emails: [...new Set(customer.emails.map(comparableEmail))],
    phones: customer.phones,
    organizationId: customer.organizationId,
    cities: [...new Set(customer.addresses.flatMap((a) => (a.city === undefined ? [] : [foldText(a.city).trim()])).filter((c) => c.length > 0))],
    postalCodes: [...new Set(customer.addresses.flatMap((a) => (a.postalCode === undefined ? [] : [postal(a.postalCode)])).filter((p) => p.length > 0))],
    addresses: [
      ...new Set(
        customer.addresses.flatMap((a) =>
          a.line1 === undefined || a.postalCode === undefined || postal(a.postalCode).length === 0 ? [] : [`${foldedWords(a.line1).join(' ')}|${postal(a.postalCode)}`],
        ),
      ),
    ],
  };
}

/**
 * The blocking keys of a customer: two customers are compared only when they
 * share one. Each email, phone and address is a key, and so is each pair of
 * name words as their first three letters (the words sorted), so swapped
 * names, nicknames and typos after the third letter meet; a typo in the first
 * three letters is left to the email, phone and address keys. Three letters
 * of two words keep blocks small as the base grows (a first letter alone
 * made blocks grow with the base, and the scan quadratic).
 *
 * @example
 * ```ts
 * blockingKeys(duplicateFeatures(bob)); // ['e:bob@a.io', 'n:rob|smi']
 * ```
 */
export function blockingKeys(features: DuplicateFeatures): string[] {
  const keys: string[] = [];
  for (const email of features.emails) keys.push(`e:${email}`);
  for (const phone of features.phones) keys.push(`p:${phone}`);
  for (const address of features.addresses) keys.push(`a:${address}`);
  const words = features.nameWords;
  if (words.length === 1) keys.push(`n:${words[0]!.slice(0, 4)}`);
  for (const a of words) for (const b of words) if (a < b) keys.push(`n:${a.slice(0, 3)}|${b.slice(0, 3)}`);
  return [...new Set(keys)];
}

function postal(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}
