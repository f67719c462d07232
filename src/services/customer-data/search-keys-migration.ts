import type { StoredRecord } from '../../storage/stored-record.js';
import type { DataMigration } from '../data-migration.js';
import { searchKeysOf, type SearchableCustomer } from './search-keys.js';

const batchSize = 500;

/**
 * Gives every stored customer the `searchKeys` that `crm.customers.search`
 * reads, as `crm.customers` computes them on every write: customers written
 * before search existed (or by an older rule) are found by search after it.
 * It reads every customer once, in id order and pages of 500, and writes only
 * those whose keys differ, each with a version compare-and-set and
 * `version + 1` (`updatedAt` kept: the customer did not change); a customer
 * written meanwhile through the crm has its keys already. It runs once per
 * store (`once`): the crm records its completion.
 *
 * @example
 * ```ts
 * await searchKeysMigration.run(adapter, { now: new Date() }); // customers rewritten
 * ```
 */
export const searchKeysMigration: DataMigration = {
  name: 'customers: searchKeys v1',
  once: true,
  async run(storage) {
    let rewritten = 0;
    let after: string | undefined;
    for (;;) {
      const page = await storage.find('customers', {
        ...(after === undefined ? {} : { filter: { field: 'id', op: 'gt', value: after } }),
        sort: [{ field: 'id', direction: 'asc' }],
        limit: batchSize,
      });
      const stale = page.flatMap((record) => {
        const keys = searchKeysOf(record as unknown as SearchableCustomer);
        return sameKeys(record.searchKeys, keys) ? [] : [{ record: { ...record, searchKeys: keys, version: record.version + 1 } as StoredRecord, expectedVersion: record.version }];
      });
      if (stale.length > 0) rewritten += (await storage.updateMany('customers', stale)).filter((outcome) => outcome.ok).length;
      if (page.length < batchSize) return rewritten;
      after = page.at(-1)!.id;
    }
  },
};

function sameKeys(stored: unknown, keys: readonly string[]): boolean {
  return Array.isArray(stored) && stored.length === keys.length && stored.every((key, i) => key === keys[i]);
}
