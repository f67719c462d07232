import { distance } from 'fastest-levenshtein';
import type { DuplicateFeatures } from './duplicate-features.js';

/**
 * Why two customers look like one: the closed list of reasons a
 * {@link DuplicateMatch} gives.
 *
 * @example
 * ```ts
 * duplicateReasons.includes('same_email'); // true
 * ```
 */
export const duplicateReasons = [
  'same_email',
  'same_phone',
  'same_name',
  'similar_name',
  'same_organization',
  'same_address',
  'same_postal_code',
  'same_city',
] as const;

/**
 * One of {@link duplicateReasons}.
 *
 * @example
 * ```ts
 * const reason: DuplicateReason = 'similar_name';
 * ```
 */
export type DuplicateReason = (typeof duplicateReasons)[number];

/**
 * How alike two customers are: `score` from 0 to 1, and the reasons.
 *
 * @example
 * ```ts
 * const match: DuplicateMatch = { score: 0.96, reasons: ['same_email', 'similar_name'] };
 * ```
 */
export interface DuplicateMatch {
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
}

/**
 * The score from which two customers are reported as duplicates by default;
 * measured by `bench/customer-data/duplicates.ts` (see its README).
 *
 * @example
 * ```ts
 * await crm.customers.duplicateCandidates({ minScore: defaultDuplicateScore });
 * ```
 */
export const defaultDuplicateScore = 0.75;

/**
 * The similarity of two sorted, folded names from 0 to 1: the better of the
 * whole names' Levenshtein ratio (fastest-levenshtein: 1 minus the distance
 * over the longer length) and the mean over the shorter name's words of each
 * word's best ratio against the other's words (so swapped, missing or middle
 * names and a nickname that was not recognized weigh per word).
 *
 * @example
 * ```ts
 * nameSimilarity(['ada', 'lovelace'], ['ada', 'lovelase']); // 0.917
 * ```
 */
export function nameSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const ratio = (x: string, y: string) => 1 - distance(x, y) / Math.max(x.length, y.length, 1);
  const whole = ratio(a.join(' '), b.join(' '));
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  let sum = 0;
  for (const word of shorter) {
    let best = 0;
    for (const other of longer) best = Math.max(best, ratio(word, other));
    sum += best;
  }
  // A name of fewer words matches less surely: one shared word out of three is not the same name.
  const perWord = (sum / shorter.length) * (shorter.length === longer.length ? 1 : 0.9);
  return Math.max(whole, perWord);
}

/**
 * How alike two customers are. Each piece of evidence has a weight (same
 * email 0.9, same phone 0.8, same name 0.6, similar name 0.45 from a
 * similarity of 0.85 and 0.2 from 0.7, same address 0.6 (street line and
 * postal code), else same postal code 0.35, same organization 0.4, same city
 * 0.3) and the score is `1 - Π(1 - weight)`. Evidence against lowers it: an
 * organization and a person never match; clearly different names (similarity
 * under 0.5) halve it, and emails or phones on both sides with none in common
 * take off a fifth.
 *
 * @example
 * ```ts
 * scoreDuplicate(duplicateFeatures(a), duplicateFeatures(b)); // { score: 0.96, reasons: ['same_email', 'similar_name'] }
 * ```
 */
export function scoreDuplicate(a: DuplicateFeatures, b: DuplicateFeatures): DuplicateMatch {
  if (a.kind !== b.kind) return { score: 0, reasons: [] };
  const reasons: DuplicateReason[] = [];
  let keep = 1;
  const add = (reason: DuplicateReason, weight: number) => {
    reasons.push(reason);
    keep *= 1 - weight;
  };
  const sharedEmail = a.emails.some((email) => b.emails.includes(email));
  const sharedPhone = a.phones.some((phone) => b.phones.includes(phone));
  if (sharedEmail) add('same_email', 0.9);
  if (sharedPhone) add('same_phone', 0.8);
  const similarity = nameSimilarity(a.nameWords, b.nameWords);
  if (similarity === 1) add('same_name', 0.6);
  else if (similarity >= 0.85) add('similar_name', 0.45);
  else if (similarity >= 0.7) add('similar_name', 0.2);
  if (a.organizationId !== undefined && a.organizationId === b.organizationId) add('same_organization', 0.4);
  if (a.addresses.some((address) => b.addresses.includes(address))) add('same_address', 0.6);
  else if (a.postalCodes.some((code) => b.postalCodes.includes(code))) add('same_postal_code', 0.35);
  if (a.cities.some((city) => b.cities.includes(city))) add('same_city', 0.3);
  let score = 1 - keep;
  if (similarity < 0.5) score *= 0.5;
  const contactsOnBoth = (a.emails.length > 0 && b.emails.length > 0) || (a.phones.length > 0 && b.phones.length > 0);
  if (contactsOnBoth && !sharedEmail && !sharedPhone) score *= 0.8;
  return { score: Math.round(score * 1000) / 1000, reasons };
}
