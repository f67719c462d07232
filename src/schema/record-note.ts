import * as z from 'zod';
import { actorSchema } from '../services/actor.js';
import { defineModel, type ModelInput, type ModelRecord } from './define-model.js';
import { uniqueList } from './unique-list.js';

/**
 * The most ids one note may mention.
 *
 * @example
 * ```ts
 * mentions.length <= maxNoteMentions; // what crm.handoffs.note accepts
 * ```
 */
export const maxNoteMentions = 50;

/** The fields of a shared note that users set. */
export const recordNoteShape = {
  /** The collection of the record the note is on (one of the crm's collections with a service). */
  collection: z.string().min(1).max(128),
  /** The id of the record the note is on. */
  recordId: z.string().min(1).max(128),
  /** The note's text, trimmed, 1 to 10,000 characters. */
  body: z.string().trim().min(1).max(10_000),
  /** The host's user (actor) ids the note mentions, duplicates removed, at most {@link maxNoteMentions}. */
  mentions: uniqueList(z.string().min(1).max(256), maxNoteMentions).default([]),
};

/** The fields the core maintains: who wrote the note (the crm's actor). */
export const recordNoteManagedShape = {
  /** Who wrote it: the crm's actor (`crm.withActor`, `crm.as`). */
  author: actorSchema,
};

/**
 * The shared-note model: collection `recordNotes`, events `recordNote.*`. `author` is managed.
 * Indexed by record (newest first) and by mention.
 *
 * @example
 * ```ts
 * recordNoteModel.indexes.map((index) => index.name); // ['recordNotes_record', 'recordNotes_mentions']
 * ```
 */
export const recordNoteModel = defineModel({
  collection: 'recordNotes',
  entity: 'recordNote',
  shape: recordNoteShape,
  managedShape: recordNoteManagedShape,
  indexes: [
    { name: 'recordNotes_record', fields: ['collection', 'recordId', 'createdAt'] },
    { name: 'recordNotes_mentions', fields: ['mentions'] },
  ],
});

/**
 * A shared note on any record (a customer, a deal, a case, …), with the people it
 * mentions and its author. Written by `crm.handoffs.note`.
 *
 * @example
 * ```ts
 * const note: RecordNote = await crm.handoffs.note('deals', deal.id, { body: 'Over to you', mentions: ['u_alan'] });
 * note.author; // the crm's actor
 * ```
 */
export type RecordNote = ModelRecord<typeof recordNoteModel>;

/**
 * What `crm.recordNotes.create()` accepts (prefer `crm.handoffs.note`, which also emits `handoff.mentioned`).
 *
 * @example
 * ```ts
 * const input: RecordNoteInput = { collection: 'cases', recordId: ticket.id, body: 'Customer called again', mentions: ['u_alan'] };
 * ```
 */
export type RecordNoteInput = ModelInput<typeof recordNoteModel>;
