import type { StorageOperations } from '../../storage/adapter.js';
import type { StorageFilter } from '../../storage/filter.js';
import type { StoredRecord } from '../../storage/stored-record.js';

/**
 * One entry of a customer's timeline: what happened (`kind`), when, the
 * record it comes from, and the details (the interaction, or the history
 * entry's field changes).
 *
 * @example
 * ```ts
 * const entry: TimelineEntry = { kind: 'interaction', id: 'i1', at: new Date(), collection: 'interactions', recordId: 'i1', data: interaction };
 * ```
 */
export interface TimelineEntry {
  readonly kind: string;
  /** Unique within the kind: the interaction's or the history entry's id. */
  readonly id: string;
  readonly at: Date;
  /** The collection and id of the record the entry is about. */
  readonly collection: string;
  readonly recordId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Where the timeline reads from, for the entries older than a position: the
 * entries of one kind strictly after `before` in timeline order (newest first,
 * ties by id descending), at most `limit` of them.
 */
export interface TimelineReadRequest {
  readonly customerId: string;
  readonly storage: StorageOperations;
  /** Only entries at or before this instant… */
  readonly before?: { readonly at: Date; readonly id?: string; readonly inclusive: boolean };
  readonly limit: number;
}

/**
 * A contributor to `crm.customers.timeline`: one kind of entry and how to
 * read a customer's entries of it, newest first (by `at`, then id
 * descending), older than a position. The customer-data module ships
 * interactions, field changes, deal stage changes, case events and campaign
 * touches; another module contributes its own with {@link historyTimelineSource}
 * or a hand-written `read`, listed in `timelineSources`.
 *
 * @example
 * ```ts
 * const calls: TimelineSource = { kind: 'call', read: async ({ customerId, storage, before, limit }) => [...] };
 * ```
 */
export interface TimelineSource {
  readonly kind: string;
  read(request: TimelineReadRequest): Promise<TimelineEntry[]>;
}

/**
 * The filter of the records strictly older than `before` on `atField`
 * (`(at, id) < (before.at, before.id)`, or `at <= before.at` when inclusive
 * and no id, `at < before.at` when exclusive).
 *
 * @example
 * ```ts
 * olderThan('occurredAt', { at, id: 'i7', inclusive: true });
 * ```
 */
export function olderThan(atField: string, before: TimelineReadRequest['before']): StorageFilter[] {
  if (before === undefined) return [];
  if (before.id !== undefined) {
    return [
      {
        or: [
          { field: atField, op: 'lt', value: before.at },
          { and: [{ field: atField, op: 'eq', value: before.at }, { field: 'id', op: 'lt', value: before.id }] },
        ],
      },
    ];
  }
  return [{ field: atField, op: before.inclusive ? 'lte' : 'lt', value: before.at }];
}

/**
 * The customer's interactions (`kind: 'interaction'`), by `occurredAt`, from
 * the `(customerId, occurredAt)` index.
 *
 * @example
 * ```ts
 * await interactionsTimelineSource.read({ customerId, storage, limit: 20 });
 * ```
 */
export const interactionsTimelineSource: TimelineSource = {
  kind: 'interaction',
  read: async ({ customerId, storage, before, limit }) => {
    const records = await storage.find('interactions', {
      filter: { and: [{ field: 'customerId', op: 'eq', value: customerId }, ...olderThan('occurredAt', before)] },
      sort: [
        { field: 'occurredAt', direction: 'desc' },
        { field: 'id', direction: 'desc' },
      ],
      limit,
    });
    return records.map((record) => ({ kind: 'interaction', id: record.id, at: record.occurredAt as Date, collection: 'interactions', recordId: record.id, data: record }));
  },
};

/**
 * A source of history entries: those of the records of `collection` whose
 * `customerField` is the customer (or of the customer itself when
 * `collection` is `customers`) that `accepts` keeps, as entries of `kind`.
 * Deal stage changes, case events and campaign touches are built with it; a
 * module can build its own the same way.
 *
 * @example
 * ```ts
 * const stageChanges = historyTimelineSource({ kind: 'deal_stage_change', collection: 'deals', customerField: 'customerId',
 *   accepts: (entry) => entry.fields.some((f) => f.path === 'stageId') });
 * ```
 */
export function historyTimelineSource(options: {
  readonly kind: string;
  readonly collection: string;
  readonly customerField?: string;
  readonly accepts?: (entry: { operation: string; fields: readonly { path: string }[] }) => boolean;
}): TimelineSource {
  return {
    kind: options.kind,
    read: async ({ customerId, storage, before, limit }) => {
      let recordIds: string[];
      if (options.collection === 'customers' && options.customerField === undefined) recordIds = [customerId];
      else {
        const owned = await storage.find(options.collection, {
          filter: { field: options.customerField ?? 'customerId', op: 'eq', value: customerId },
          sort: [{ field: 'id', direction: 'asc' }],
          limit: 10_000,
        });
        recordIds = owned.map((record) => record.id);
      }
      if (recordIds.length === 0) return [];
      const out: TimelineEntry[] = [];
      let position = before;
      // History entries are filtered after reading: page until enough are kept.
      for (;;) {
        const page: readonly StoredRecord[] = await storage.find('historyEntries', {
          filter: {
            and: [
              { field: 'recordId', op: 'in', value: recordIds },
              { field: 'collection', op: 'eq', value: options.collection },
              ...olderThan('at', position),
            ],
          },
          sort: [
            { field: 'at', direction: 'desc' },
            { field: 'id', direction: 'desc' },
          ],
          limit: Math.max(limit, 50),
        });
        for (const entry of page) {
          const fields = entry.fields as { path: string }[];
          if (options.accepts !== undefined && !options.accepts({ operation: entry.operation as string, fields })) continue;
          out.push({ kind: options.kind, id: entry.id, at: entry.at as Date, collection: options.collection, recordId: entry.recordId as string, data: entry });
          if (out.length >= limit) return out;
        }
        if (page.length < Math.max(limit, 50)) return out;
        const last = page.at(-1)!;
        position = { at: last.at as Date, id: last.id, inclusive: false };
      }
    },
  };
}

/**
 * The sources `crm.customers.timeline` reads, by kind: `interaction`,
 * `field_change` (the customer's own history), `deal_stage_change`,
 * `case_event` (a case opened or its status changed) and `campaign_touch`
 * (a campaign membership created or its status changed).
 *
 * @example
 * ```ts
 * timelineSources.map((source) => source.kind);
 * ```
 */
export const timelineSources: readonly TimelineSource[] = [
  interactionsTimelineSource,
  historyTimelineSource({ kind: 'field_change', collection: 'customers', accepts: (entry) => entry.operation === 'update' }),
  historyTimelineSource({
    kind: 'deal_stage_change',
    collection: 'deals',
    customerField: 'customerId',
    accepts: (entry) => entry.operation === 'create' || entry.fields.some((field) => field.path === 'stageId'),
  }),
  historyTimelineSource({
    kind: 'case_event',
    collection: 'cases',
    customerField: 'customerId',
    accepts: (entry) => entry.operation === 'create' || entry.fields.some((field) => field.path === 'status'),
  }),
  historyTimelineSource({
    kind: 'campaign_touch',
    collection: 'campaignMembers',
    customerField: 'customerId',
    accepts: (entry) => entry.operation === 'create' || entry.fields.some((field) => field.path === 'status'),
  }),
];
