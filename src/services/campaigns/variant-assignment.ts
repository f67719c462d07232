import type { CampaignVariant } from '../../schema/campaign.js';

/**
 * A number in [0, 1) fixed by `seed` and `key`: FNV-1a over both, finished
 * with the murmur3 avalanche so that similar ids spread evenly.
 *
 * @example
 * ```ts
 * seededFraction('spring-test', 'cus_1') === seededFraction('spring-test', 'cus_1'); // true
 * ```
 */
export function seededFraction(seed: string, key: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}\u0000${key}`;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/**
 * The variant a customer gets: the variants split [0, 1) in proportion to
 * their weights, in their order, and the customer's {@link seededFraction}
 * picks one. The same seed, variants and customer always give the same answer.
 *
 * @example
 * ```ts
 * assignVariant([{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], 'spring', 'cus_1'); // 'A' or 'B', always the same
 * ```
 */
export function assignVariant(variants: readonly CampaignVariant[], seed: string, customerId: string): string {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  const point = seededFraction(seed, customerId) * total;
  let edge = 0;
  for (const variant of variants) {
    edge += variant.weight;
    if (point < edge) return variant.name;
  }
  return variants[variants.length - 1]!.name;
}
