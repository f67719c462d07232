import type { ModelReference } from '../schema/model-definition.js';
import type { StorageOperations } from '../storage/adapter.js';
import type { StorageFilter } from '../storage/filter.js';
import type { ItemIssues } from './item-issues.js';

/** The most referring records one query of {@link findReferrers} reads. */
const referrerPageSize = 256;

/**
 * Checks that every reference of the records about to be written names an
 * existing record (or one of the same batch), one `getMany` per reference
 * field; reports `unknown_reference` issues relative to each item.
 *
 * @example
 * ```ts
 * await checkReferences(storage, 'deals', dealModel.references, records, issues);
 * issues.throwIfAny();
 * ```
 */
export async function checkReferences(
  storage: StorageOperations,
  collection: string,
  references: readonly ModelReference[],
  records: readonly { readonly id: string }[],
  issues: ItemIssues,
): Promise<void> {
  for (const { field, collection: target } of references) {
    const wanted = [...new Set(records.map((r) => (r as Record<string, unknown>)[field]).filter((v): v is string => typeof v === 'string'))];
    if (wanted.length === 0) continue;
    const batchIds = target === collection ? new Set(records.map((r) => r.id)) : new Set<string>();
    const found = await storage.getMany(target, wanted);
    const missing = new Set(wanted.filter((id, i) => found[i] === undefined && !batchIds.has(id)));
    if (missing.size === 0) continue;
    records.forEach((record, index) => {
      const value = (record as Record<string, unknown>)[field];
      if (typeof value === 'string' && missing.has(value)) {
        issues.add(index, { code: 'unknown_reference', path: [field], message: `${field} ${JSON.stringify(value)} is not a record of ${target}` });
      }
    });
  }
}

/**
 * For records about to be deleted, one record still referring to each (named
 * `"<collection> <id>"`), if any; records deleted in the same call do not
 * count. Bounded: each query asks only for the targets not yet known to be
 * referenced, at most as many records as there are such targets (one for a
 * single delete, never more than 256), so deleting a customer with a million
 * interactions reads one of them.
 *
 * @example
 * ```ts
 * const blocked = await findReferrers(storage, 'customers', context.referencesTo('customers'), [ada.id]);
 * blocked.get(ada.id); // 'interactions 0190…'
 * ```
 */
export async function findReferrers(
  storage: StorageOperations,
  collection: string,
  referencesTo: readonly { readonly collection: string; readonly field: string }[],
  ids: readonly string[],
): Promise<Map<string, string>> {
  const blocked = new Map<string, string>();
  const deleting = new Set(ids);
  for (const { collection: referring, field } of referencesTo) {
    let after: string | undefined;
    while (true) {
      const remaining = ids.filter((id) => !blocked.has(id));
      if (remaining.length === 0) return blocked;
      const limit = Math.min(referrerPageSize, remaining.length);
      const byTarget: StorageFilter = { field, op: 'in', value: remaining };
      const filter: StorageFilter = after === undefined ? byTarget : { and: [byTarget, { field: 'id', op: 'gt', value: after }] };
      const page = await storage.find(referring, { filter, sort: [{ field: 'id', direction: 'asc' }], limit });
      for (const record of page) {
        const target = record[field] as string;
        const deletedAlongside = referring === collection && deleting.has(record.id);
        if (!blocked.has(target) && !deletedAlongside) blocked.set(target, `${referring} ${record.id}`);
      }
      if (page.length < limit) break;
      after = page.at(-1)!.id;
    }
  }
  return blocked;
}
