import { foldText, foldedWords } from './fold-text.js';
import { phoneSearchDigits } from './phone-normalization.js';

/**
 * A customer's fields that search reads.
 *
 * @example
 * ```ts
 * const ada: SearchableCustomer = { name: 'Ada Lovelace', emails: [], phones: [] };
 * ```
 */
export interface SearchableCustomer {
  readonly name: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
}

/**
 * At most this many keys per customer (the storage's list limit is 1,000).
 *
 * @example
 * ```ts
 * searchKeysOf(customer).length <= maxSearchKeys; // true
 * ```
 */
export const maxSearchKeys = 1000;

/**
 * The normalized tokens a customer is found by, stored in its managed
 * `searchKeys` list so every adapter answers a prefix search from its list
 * index (`searchKeys startsWith 'lov'`) instead of scanning:
 *
 * - the folded words of the name, first and last name (`ada`, `lovelace`);
 * - each email whole (`ada.l+crm@example.com`) and without its `+` tag
 *   (`ada.l@example.com`), its local part with and without the tag and its
 *   words (`ada.l+crm`, `ada.l`, `ada`, `l`, `crm`), and its domain;
 * - each phone's international digits, national number and national dialling form.
 *
 * @example
 * ```ts
 * searchKeysOf({ name: 'Ada Lovelace', emails: ['ada@example.com'], phones: ['+442079460018'] });
 * // ['ada', 'lovelace', 'ada@example.com', 'example.com', '442079460018', '2079460018', '02079460018']
 * ```
 */
export function searchKeysOf(customer: SearchableCustomer): string[] {
  const keys = new Set<string>();
  for (const text of [customer.name, customer.firstName, customer.lastName]) {
    if (text !== undefined) for (const word of foldedWords(text)) keys.add(word);
  }
  for (const email of customer.emails) {
    const folded = foldText(email);
    keys.add(folded);
    const at = folded.lastIndexOf('@');
    if (at <= 0) continue;
    const local = folded.slice(0, at);
    keys.add(local);
    const untagged = local.split('+')[0]!;
    if (untagged.length > 0 && untagged !== local) keys.add(untagged).add(`${untagged}${folded.slice(at)}`);
    for (const word of foldedWords(local)) keys.add(word);
    keys.add(folded.slice(at + 1));
  }
  for (const phone of customer.phones) for (const digits of phoneSearchDigits(phone)) keys.add(digits);
  return [...keys].slice(0, maxSearchKeys);
}
