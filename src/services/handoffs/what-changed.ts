import { isOwnedCollection, recordOwnerFields } from '../../schema/ownership-transfer.js';
import { recordNoteModel, type RecordNote } from '../../schema/record-note.js';
import type { Filter } from '../../storage/filter.js';
import type { Actor } from '../actor.js';
import type { ChangeFeedEntry } from '../change-feed/change-feed-entry.js';
import { readFeed } from '../change-feed/feed-reads.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import { isNotableCollection } from './handoff-collections.js';

/**
 * The most change-feed entries one `crm.handoffs.whatChanged` call reads, relevant or not. A call
 * that reaches it returns the cursor it got to (`caughtUp: false`); call again from there.
 *
 * @example
 * ```ts
 * maxEntriesScanned; // 10_000
 * ```
 */
export const maxEntriesScanned = 10_000;

/** How many entries are read from the feed at a time. */
const feedBatchSize = 500;

/**
 * Options of `crm.handoffs.whatChanged`.
 *
 * @example
 * ```ts
 * const options: WhatChangedOptions = { limit: 20 };
 * ```
 */
export interface WhatChangedOptions {
  /** At most this many changes, 1 to 1,000; 100 by default. */
  readonly limit?: number;
  /** Read on from this cursor (one a call returned) instead of the actor's stored position; the position does not move. */
  readonly after?: string;
}

/**
 * One change that concerns the actor: the change-feed entry, and the record it concerns (for a
 * note, the record the note is on; else the entry's own record).
 *
 * @example
 * ```ts
 * const { changes } = await crm.withActor(grace).handoffs.whatChanged();
 * changes[0]; // { entry: { sequence: 12, collection: 'deals', operation: 'update', actor: alan, … }, collection: 'deals', recordId: '…' }
 * ```
 */
export interface HandoffChange {
  /** The change-feed entry. */
  readonly entry: ChangeFeedEntry;
  /** The collection of the record the change concerns. */
  readonly collection: string;
  /** The id of the record the change concerns. */
  readonly recordId: string;
}

/**
 * What `crm.handoffs.whatChanged` returns: the changes in commit order (newest last), the cursor
 * the read got to (for `markSeen`, or `after`), and whether it reached the end of the feed.
 *
 * @example
 * ```ts
 * const { changes, cursor, caughtUp } = await me.handoffs.whatChanged({ limit: 50 });
 * await me.handoffs.markSeen(cursor);
 * ```
 */
export interface WhatChangedPage {
  /** The changes, oldest first. */
  readonly changes: readonly HandoffChange[];
  /** The sequence number of the last entry examined, as a change-feed cursor. */
  readonly cursor: string;
  /** True when the read reached the end of the feed; false when it stopped at `limit` or at {@link maxEntriesScanned}. */
  readonly caughtUp: boolean;
}

type AnyServices = Readonly<Record<string, ModelService<any, any>>>;

/**
 * The entries after `after` that concern `context.actor` (see `crm.handoffs.whatChanged`), at most
 * `limit`, reading at most {@link maxEntriesScanned} entries.
 *
 * @example
 * ```ts
 * const page = await changesConcerning(context, 0, 100);
 * ```
 */
export async function changesConcerning(context: ServiceContext, after: number, limit: number): Promise<WhatChangedPage> {
  const actor = context.actor;
  const changes: HandoffChange[] = [];
  let cursor = after;
  let scanned = 0;
  let caughtUp = false;
  while (changes.length < limit && scanned < maxEntriesScanned) {
    const wanted = Math.min(feedBatchSize, maxEntriesScanned - scanned);
    const batch = await readFeed(context.storage, cursor, wanted);
    const concerned = await concernedRecords(context.services, actor, batch.filter((entry) => !ownWrite(entry, actor)));
    let consumed = 0;
    for (const entry of batch) {
      consumed += 1;
      scanned += 1;
      cursor = entry.sequence;
      const record = ownWrite(entry, actor) ? undefined : concerned.get(entryKey(entry.collection, entry.recordId));
      if (record !== undefined) {
        changes.push({ entry, ...record });
        if (changes.length === limit) break;
      }
    }
    if (batch.length < wanted && consumed === batch.length) {
      caughtUp = true;
      break;
    }
  }
  return { changes, cursor: String(cursor), caughtUp };
}

/** Whether the entry records a write the actor made. */
function ownWrite(entry: ChangeFeedEntry, actor: Actor): boolean {
  return entry.actor.kind === actor.kind && entry.actor.id === actor.id;
}

function entryKey(collection: string, id: string): string {
  return JSON.stringify([collection, id]);
}

/**
 * Of the entries' records, those that concern the actor, keyed by `entryKey` of the entry's
 * record, with the record they concern: a record it can see (through the scope's services) that
 * it owns (its owner field holds the actor's id) or on which a note mentions it; a note that
 * mentions it, or that is on such a record.
 */
async function concernedRecords(services: AnyServices, actor: Actor, entries: readonly ChangeFeedEntry[]): Promise<Map<string, { collection: string; recordId: string }>> {
  const found = new Map<string, { collection: string; recordId: string }>();
  if (entries.length === 0) return found;
  const notes = services[recordNoteModel.collection]!;
  const noteIds = unique(entries.filter((entry) => entry.collection === recordNoteModel.collection).map((entry) => entry.recordId));
  const noteRecords = (noteIds.length === 0 ? [] : await notes.getMany(noteIds)).filter((note): note is RecordNote => note !== undefined);
  const targets = new Map<string, Set<string>>();
  const target = (collection: string, id: string) => {
    if (!isNotableCollection({ services }, collection)) return;
    const ids = targets.get(collection) ?? new Set<string>();
    ids.add(id);
    targets.set(collection, ids);
  };
  for (const entry of entries) target(entry.collection, entry.recordId);
  for (const note of noteRecords) target(note.collection, note.recordId);
  const concerns = new Set<string>();
  const visible = new Set<string>();
  for (const [collection, idSet] of targets) {
    const ids = [...idSet];
    const records = await services[collection]!.getMany(ids);
    const mentioned = await mentionedAmong(notes, actor, collection, ids);
    records.forEach((record, index) => {
      if (record === undefined) return;
      const id = ids[index]!;
      visible.add(entryKey(collection, id));
      const owner = isOwnedCollection(collection) ? (record as Record<string, unknown>)[recordOwnerFields[collection]] : undefined;
      if (owner === actor.id || mentioned.has(id)) concerns.add(entryKey(collection, id));
    });
  }
  for (const entry of entries) {
    const key = entryKey(entry.collection, entry.recordId);
    if (concerns.has(key)) found.set(key, { collection: entry.collection, recordId: entry.recordId });
  }
  for (const note of noteRecords) {
    const on = entryKey(note.collection, note.recordId);
    if (visible.has(on) && (note.mentions.includes(actor.id) || concerns.has(on))) {
      found.set(entryKey(recordNoteModel.collection, note.id), { collection: note.collection, recordId: note.recordId });
    }
  }
  return found;
}

/** The ids among `ids` of `collection`'s records on which a note mentions the actor. */
async function mentionedAmong(notes: ModelService<any, any>, actor: Actor, collection: string, ids: readonly string[]): Promise<Set<string>> {
  const where: Filter = {
    and: [
      { field: 'collection', op: 'eq', value: collection },
      { field: 'recordId', op: 'in', value: [...ids] },
      { field: 'mentions', op: 'contains', value: actor.id },
    ],
  };
  const mentioned = new Set<string>();
  for await (const batch of notes.scan({ where } as never)) for (const note of batch as readonly RecordNote[]) mentioned.add(note.recordId);
  return mentioned;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
