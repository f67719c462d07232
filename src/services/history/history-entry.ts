import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';
import { actorSchema } from '../actor.js';
import { writeOperations } from '../write-hook.js';

/**
 * One field's change in a {@link HistoryEntry}: its dotted path, the value
 * before and after (absent when the field was absent), or `redacted: true` when
 * the host excluded the field from history (`createCrm({ history })`), which
 * keeps the fact that it changed and drops the values.
 *
 * @example
 * ```ts
 * const change: FieldChange = { path: 'address.city', old: 'Paris', new: 'Lyon' };
 * ```
 */
export interface FieldChange {
  /** The field's dotted path: `name`, `address.city`, `custom.tier`. A list is one field: `tags`. */
  readonly path: string;
  /** The value before the change; absent for a field that was absent (and on a create). */
  readonly old?: unknown;
  /** The value after the change; absent for a field that became absent (and on a delete). */
  readonly new?: unknown;
  /** True when the host excluded the field from history: no values are kept. */
  readonly redacted?: true;
}

/**
 * The model of the `historyEntries` collection: one entry per change of a
 * record, written by the history write hook in the atomic block of the change.
 * It has no crm service; read it with `crm.<collection>.history(id)`.
 *
 * @example
 * ```ts
 * historyEntryModel.indexes.map((index) => index.name); // ['historyEntries_record']
 * ```
 */
export const historyEntryModel = defineModel({
  collection: 'historyEntries',
  entity: 'historyEntry',
  shape: {
    /** The collection of the changed record. */
    collection: z.string().min(1).max(128),
    /** The changed record's id. */
    recordId: z.string().min(1).max(128),
    /** What happened to it. */
    operation: z.enum(writeOperations),
    /** The record's version after the change (for a delete, the version it had). */
    recordVersion: z.number().int().positive(),
    /** Who made the change. */
    actor: actorSchema,
    /** When, by the crm's clock. */
    at: z.date(),
    /** The fields that changed, with their values before and after. */
    fields: z.array(
      z.strictObject({ path: z.string(), old: z.unknown().optional(), new: z.unknown().optional(), redacted: z.literal(true).optional() }),
    ),
  },
  // recordId and at only: two 1,536-byte key columns would pass MariaDB's 3,072-byte index limit, and ids barely repeat across collections.
  indexes: [{ name: 'historyEntries_record', fields: ['recordId', 'at'] }],
});

/**
 * One entry of a record's history: who changed it, when, to which version, and
 * per field the value before and after. Creations list the fields set,
 * deletions the fields the record had.
 *
 * @example
 * ```ts
 * const { items } = await crm.customers.history(ada.id);
 * items[0]; // { operation: 'update', actor: { kind: 'user', id: 'u_42' }, fields: [{ path: 'emails', old: [...], new: [...] }], … }
 * ```
 */
export type HistoryEntry = ModelRecord<typeof historyEntryModel>;
