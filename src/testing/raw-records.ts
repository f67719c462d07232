import type { StoredRecord } from '../storage/stored-record.js';

const written = new Date('2025-01-01T00:00:00.000Z');

/**
 * A stored customer as an adapter receives it from the core, for tests that
 * write straight through `adapter.insertMany` (also data the core would never
 * write, such as a stored `null`). `fields` override the defaults.
 *
 * @example
 * ```ts
 * await adapter.insertMany('customers', [rawCustomer('a', { custom: { note: null } })]);
 * ```
 */
export function rawCustomer(id: string, fields: Record<string, unknown> = {}): StoredRecord {
  return {
    id,
    createdAt: written,
    updatedAt: written,
    version: 1,
    kind: 'person',
    name: id,
    emails: [],
    phones: [],
    addresses: [],
    relationship: 'customer',
    lifecycleStage: 'lead',
    tags: [],
    consent: {},
    custom: {},
    ...fields,
  };
}
