/**
 * How a real column stores its field: `key` strings are short, indexable byte
 * strings; `long` strings are unindexed (bodies, descriptions); `number` is a
 * double; `date` is epoch milliseconds in a 64-bit integer; `boolean` is 0 / 1.
 */
export const columnKinds = ['key', 'ref', 'long', 'number', 'date', 'boolean'] as const;

/** One of {@link columnKinds}. `ref` is a `key` that holds a record id. */
export type ColumnKind = (typeof columnKinds)[number];

/**
 * The most UTF-8 bytes an indexed string column holds, on every dialect alike:
 * ids and `ref` columns 512 (MariaDB `VARBINARY(512)`), `key` columns 1,536
 * (MariaDB `VARBINARY(1536)`; an index entry of that size, even incompressible,
 * is within PostgreSQL's btree limit of about 2,700 bytes). The adapter refuses
 * a longer value with `AdapterError` before writing anything, so SQLite (which
 * has no limit), PostgreSQL and MariaDB (which would fail differently, or cut
 * the value in a non-strict session) agree. The core's schemas stay well within
 * (ids 128 characters, names 300: at most 3 bytes per UTF-16 unit). Strings kept
 * in `ext` (custom fields) and `long` columns have no such limit.
 *
 * @example
 * ```ts
 * indexedStringCapacity.key; // 1536
 * ```
 */
export const indexedStringCapacity = { id: 512, ref: 512, key: 1536 } as const;

/** A real column: the dotted path it holds and how. */
export interface ColumnLayout {
  /** The dotted path, for example `purchase.amount`. */
  readonly path: string;
  /** The column's name, for example `purchase_amount`. */
  readonly column: string;
  /** How the value is stored. */
  readonly kind: ColumnKind;
}

/** A foreign key declared as a second line of defence behind the core's reference checks. */
export interface ForeignKeyLayout {
  /** The referring column. */
  readonly column: string;
  /** The collection referred to. */
  readonly collection: string;
}

/** An index over real columns. */
export interface IndexLayout {
  /** The name's suffix, unique within the collection. */
  readonly name: string;
  /** The indexed columns, in order. */
  readonly columns: readonly string[];
}

/** One collection's table: its name, its real columns, indexes and foreign keys. */
export interface TableLayout {
  /** The collection, for example `campaignMembers`. */
  readonly collection: string;
  /** The table name without prefix, for example `campaign_members`. */
  readonly table: string;
  /** The real columns beyond `id`, `version`, `doc` and `ext`. */
  readonly columns: readonly ColumnLayout[];
  /** Indexes beyond the primary key. */
  readonly indexes: readonly IndexLayout[];
  /** Foreign keys (ON DELETE RESTRICT). */
  readonly foreignKeys: readonly ForeignKeyLayout[];
}

type ColumnSpec = readonly [path: string, kind: ColumnKind];

const snake = (path: string) => path.replace(/\./g, '_').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function table(
  collection: string,
  specs: readonly ColumnSpec[],
  indexes: readonly (readonly string[])[],
  foreignKeys: readonly (readonly [column: string, collection: string])[],
): TableLayout {
  const base: ColumnSpec[] = [
    ['createdAt', 'date'],
    ['updatedAt', 'date'],
  ];
  return {
    collection,
    table: snake(collection),
    columns: [...base, ...specs].map(([path, kind]) => ({ path, column: snake(path), kind })),
    indexes: indexes.map((columns) => ({ name: columns.join('_'), columns })),
    foreignKeys: foreignKeys.map(([column, target]) => ({ column, collection: target })),
  };
}

/**
 * The tables of crmkit's built-in collections, version 1 of the layout (the
 * first migration creates exactly this). Top-level scalar fields get real
 * columns, and so do the purchase fields the aggregates read; every other
 * filterable path (custom fields, `consent.*`, `survey.*`) is kept in the `ext`
 * JSON column, and `string[]` fields in the `<table>_values` side table. A
 * field a later schema adds is filterable at once through `ext`.
 *
 * Foreign keys: only references that are never written in the same batch as
 * their target, in an order a multi-row INSERT can break (customers'
 * `organizationId` points into its own table, interactions' `dealId` /
 * `caseId` / `campaignId` are optional links checked by the core).
 *
 * @example
 * ```ts
 * tableLayouts.find((t) => t.collection === 'interactions')!.columns.map((c) => c.column);
 * ```
 */
export const tableLayouts: readonly TableLayout[] = [
  table(
    'customers',
    [
      ['kind', 'key'],
      ['name', 'key'],
      ['firstName', 'key'],
      ['lastName', 'key'],
      ['organizationId', 'ref'],
      ['relationship', 'key'],
      ['lifecycleStage', 'key'],
      ['ownerId', 'ref'],
      ['source', 'key'],
    ],
    [['organization_id'], ['owner_id'], ['lifecycle_stage'], ['name']],
    [],
  ),
  table(
    'interactions',
    [
      ['customerId', 'ref'],
      ['channel', 'key'],
      ['direction', 'key'],
      ['kind', 'key'],
      ['occurredAt', 'date'],
      ['subject', 'long'],
      ['body', 'long'],
      ['ownerId', 'ref'],
      ['dealId', 'ref'],
      ['caseId', 'ref'],
      ['campaignId', 'ref'],
      ['purchase.orderId', 'ref'],
      ['purchase.amount', 'number'],
      ['purchase.currency', 'key'],
    ],
    [['customer_id', 'occurred_at'], ['kind', 'occurred_at'], ['deal_id'], ['case_id'], ['campaign_id'], ['purchase_order_id']],
    [['customer_id', 'customers']],
  ),
  table('pipelines', [['name', 'key'], ['currency', 'key'], ['archived', 'boolean']], [], []),
  table(
    'deals',
    [
      ['pipelineId', 'ref'],
      ['stageId', 'ref'],
      ['customerId', 'ref'],
      ['title', 'key'],
      ['amount', 'number'],
      ['currency', 'key'],
      ['expectedCloseDate', 'date'],
      ['ownerId', 'ref'],
      ['lostReason', 'long'],
      ['status', 'key'],
      ['closedAt', 'date'],
      ['stageEnteredAt', 'date'],
    ],
    [['pipeline_id', 'stage_id'], ['customer_id'], ['owner_id'], ['status', 'expected_close_date']],
    [
      ['pipeline_id', 'pipelines'],
      ['customer_id', 'customers'],
    ],
  ),
  table(
    'cases',
    [
      ['customerId', 'ref'],
      ['subject', 'long'],
      ['description', 'long'],
      ['status', 'key'],
      ['priority', 'key'],
      ['category', 'key'],
      ['assigneeId', 'ref'],
      ['channel', 'key'],
      ['openedAt', 'date'],
      ['firstResponseDueAt', 'date'],
      ['resolutionDueAt', 'date'],
      ['firstRespondedAt', 'date'],
      ['solvedAt', 'date'],
      ['closedAt', 'date'],
    ],
    [['customer_id'], ['status', 'priority'], ['assignee_id'], ['resolution_due_at']],
    [['customer_id', 'customers']],
  ),
  table(
    'campaigns',
    [
      ['name', 'key'],
      ['channel', 'key'],
      ['status', 'key'],
      ['budget.amount', 'number'],
      ['budget.currency', 'key'],
      ['startsAt', 'date'],
      ['endsAt', 'date'],
      ['audience.segmentId', 'ref'],
      ['ownerId', 'ref'],
    ],
    [['status']],
    [],
  ),
  table(
    'campaignMembers',
    [
      ['campaignId', 'ref'],
      ['customerId', 'ref'],
      ['status', 'key'],
      ['statusChangedAt', 'date'],
    ],
    [['campaign_id', 'customer_id'], ['customer_id']],
    [
      ['campaign_id', 'campaigns'],
      ['customer_id', 'customers'],
    ],
  ),
];
