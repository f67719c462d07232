import type { StoredRecord } from '../../storage/stored-record.js';
import type { DataMigration } from '../data-migration.js';

/**
 * The statuses cases were stored with before the status machine, and what
 * each is now: only `pending` changed (to `pending_customer`); the others
 * kept their names.
 *
 * @example
 * ```ts
 * legacyCaseStatuses.pending; // 'pending_customer'
 * ```
 */
export const legacyCaseStatuses = { pending: 'pending_customer' } as const;

const batchSize = 500;

/**
 * Rewrites stored cases whose status is a legacy name (see
 * {@link legacyCaseStatuses}) to the new one. Each record is written with a version compare-and-set
 * and `version + 1`, so a writer holding the old record gets a conflict
 * rather than writing the old status back; `updatedAt` is kept (the data did
 * not change, its spelling did). Found through the `cases_status_priority`
 * index, so it costs one indexed query when there is nothing left to do.
 *
 * @example
 * ```ts
 * await caseStatusMigration.run(adapter, { now: new Date() }); // number of cases rewritten
 * ```
 */
export const caseStatusMigration: DataMigration = {
  name: 'cases: status pending → pending_customer',
  async run(storage) {
    let rewritten = 0;
    const legacy = Object.keys(legacyCaseStatuses);
    const filter = { field: 'status', op: 'in' as const, value: legacy };
    for (let round = 0; round < 10_000; round++) {
      const stale = await storage.find('cases', { filter, sort: [{ field: 'id', direction: 'asc' }], limit: batchSize });
      if (stale.length === 0) break;
      const outcomes = await storage.updateMany(
        'cases',
        stale.map((record) => ({ record: migrated(record), expectedVersion: record.version })),
      );
      rewritten += outcomes.filter((outcome) => outcome.ok).length;
    }
    return rewritten;
  },
};

function migrated(record: StoredRecord): StoredRecord {
  const status = record.status as keyof typeof legacyCaseStatuses;
  return { ...record, status: legacyCaseStatuses[status], version: record.version + 1 };
}
