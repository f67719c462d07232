import { customerManagedShape } from '../../schema/customer.js';
import { recordBaseFields } from '../../schema/record-base.js';
import type { MergeRule } from './customer-merge.js';
import { sameValue } from './same-value.js';

/** The fields a merge combines by default with `union`: the lists of a customer. */
export const unionByDefault: readonly string[] = ['emails', 'phones', 'tags', 'addresses'];

const notMerged = new Set<string>([...recordBaseFields, ...Object.keys(customerManagedShape)]);

/**
 * The user fields of a customer record: everything but the base fields and the managed ones.
 *
 * @example
 * ```ts
 * userFields({ id: 'c1', version: 2, name: 'Ada', searchKeys: ['ada'] }); // { name: 'Ada' }
 * ```
 */
export function userFields(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key, value]) => !notMerged.has(key) && value !== undefined));
}

/**
 * The survivor's user fields after a merge, field by field by `rules`
 * (default: `union` for the lists of {@link unionByDefault}, `survivor`
 * otherwise, a loser filling in what the survivor lacks). `custom` fields
 * merge key by key; `consent` keeps per channel the most recent decision.
 *
 * @example
 * ```ts
 * mergedFields(survivor, [loser], { lifecycleStage: 'newest' });
 * ```
 */
export function mergedFields(
  survivor: { readonly updatedAt: Date } & object,
  losers: readonly ({ readonly updatedAt: Date } & object)[],
  rules: Readonly<Record<string, MergeRule>>,
): Record<string, unknown> {
  const all = [survivor, ...losers];
  const fields = new Set(all.flatMap((record) => Object.keys(userFields(record))));
  const out: Record<string, unknown> = {};
  const newestFirst = [...all].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  for (const field of fields) {
    const values = (records: readonly object[]) => records.map((record) => (record as Record<string, unknown>)[field]).filter((v) => v !== undefined);
    const rule = rules[field] ?? (unionByDefault.includes(field) ? 'union' : 'survivor');
    if (field === 'custom' && rule !== 'newest') {
      out.custom = Object.assign({}, ...values([...all].reverse()));
      continue;
    }
    if (field === 'consent' && rules.consent === undefined) {
      const merged: Record<string, { at: Date }> = {};
      for (const consent of values(all) as Record<string, { at: Date } | undefined>[]) {
        for (const [channel, decision] of Object.entries(consent)) {
          if (decision !== undefined && (merged[channel] === undefined || decision.at.getTime() > merged[channel]!.at.getTime())) merged[channel] = decision;
        }
      }
      out.consent = merged;
      continue;
    }
    if (rule === 'union') {
      const list: unknown[] = [];
      for (const value of values(all)) {
        for (const item of Array.isArray(value) ? value : [value]) if (!list.some((kept) => sameValue(kept, item))) list.push(item);
      }
      out[field] = list;
    } else {
      const [first] = values(rule === 'newest' ? newestFirst : all);
      if (first !== undefined) out[field] = first;
    }
  }
  return out;
}
