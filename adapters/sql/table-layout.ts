import type { CollectionSchema, FieldType, StorageSchema } from '../../src/storage/index.js';
import { sqlName } from './table-names.js';

/**
 * How a real column stores its field: `key` strings are indexable byte strings
 * of bounded length (fields some index names), `ref` the same for ids of other
 * records, `short` the same for indexed strings whose declared `maxLength`
 * fits in a `ref`'s capacity (a tenant id), `long` unbounded, unindexed
 * strings; `number` is a double; `date` is epoch milliseconds in a 64-bit
 * integer; `boolean` is 0 / 1. `short` keeps MariaDB's index entries within
 * its 3,072-byte limit where a tenant leads an index of `key` and `ref` columns.
 *
 * @example
 * ```ts
 * columnKinds.includes('short'); // true
 * ```
 */
export const columnKinds = ['key', 'ref', 'short', 'long', 'number', 'date', 'boolean'] as const;

/** One of {@link columnKinds}. */
export type ColumnKind = (typeof columnKinds)[number];

/**
 * The most UTF-8 bytes an indexed string column holds, on every dialect alike:
 * ids, `ref` and `short` columns 512 (MariaDB `VARBINARY(512)`), `key` columns 1,536
 * (MariaDB `VARBINARY(1536)`; an index entry of that size, even incompressible,
 * is within PostgreSQL's btree limit of about 2,700 bytes). The adapter refuses
 * a longer value with `AdapterError` before writing anything, so SQLite (which
 * has no limit), PostgreSQL and MariaDB (which would fail differently, or cut
 * the value in a non-strict session) agree. Strings in `long` columns have no
 * such limit.
 *
 * @example
 * ```ts
 * indexedStringCapacity.key; // 1536
 * ```
 */
export const indexedStringCapacity = { id: 512, ref: 512, short: 512, key: 1536 } as const;

/** A real column: the dotted path it holds and how. */
export interface ColumnLayout {
  /** The dotted path, for example `purchase.amount`. */
  readonly path: string;
  /** The column's name, for example `purchase_amount`. */
  readonly column: string;
  /** How the value is stored. */
  readonly kind: ColumnKind;
}

/** A foreign key (ON DELETE RESTRICT), a second line of defence behind the core's reference checks. */
export interface ForeignKeyLayout {
  /** The referring column. */
  readonly column: string;
  /** The collection referred to. */
  readonly collection: string;
}

/** An index over real columns. */
export interface IndexLayout {
  /** The index's name as the schema declares it (`IndexDefinition.name`). */
  readonly name: string;
  /** The indexed columns, in order. */
  readonly columns: readonly string[];
  /** Whether it is a unique index. */
  readonly unique: boolean;
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
  /** Foreign keys declared when the table was created. */
  readonly foreignKeys: readonly ForeignKeyLayout[];
}

/**
 * The whole layout of a database: what the migrations recorded (and what a
 * schema asks for). Plain JSON, kept in `<prefix>layout`.
 *
 * @example
 * ```ts
 * const layout: StorageLayout = adapter.layout();
 * layout.tables.map((t) => t.table); // ['customers', 'interactions', …]
 * ```
 */
export interface StorageLayout {
  /** One entry per collection, in creation order. */
  readonly tables: readonly TableLayout[];
}

const reservedColumns: ReadonlySet<string> = new Set(['id', 'version', 'doc', 'ext']);
const scalarKind: Partial<Record<FieldType, ColumnKind>> = { number: 'number', date: 'date', boolean: 'boolean' };

/**
 * The field type a column kind holds.
 *
 * @example
 * ```ts
 * columnFieldType('ref'); // 'string'
 * ```
 */
export function columnFieldType(kind: ColumnKind): FieldType {
  return kind === 'key' || kind === 'ref' || kind === 'short' || kind === 'long' ? 'string' : kind;
}

/** The kind of an indexed, non-reference string column: `short` when a declared bound fits it. */
function indexedStringKind(maxLength: number | undefined): 'short' | 'key' {
  return maxLength !== undefined && maxLength * 3 <= indexedStringCapacity.short ? 'short' : 'key';
}

/**
 * The table a collection's schema asks for: a column for every scalar field
 * the schema declares (custom fields included; `string[]` fields live in the
 * side table), an index per declared index over columns (unique ones unique),
 * and a foreign key per required reference to another collection (an optional
 * link may be imported before its target; a reference into the same table may
 * meet its target in the same multi-row INSERT, which MySQL checks row by row).
 * A string field is
 * `ref` when it is a reference; when an index names it, `short` if its
 * declared `maxLength` fits in {@link indexedStringCapacity}`.short` as UTF-8
 * (3 bytes per UTF-16 code unit at most), else `key`; `long` otherwise.
 * `createdAt` and `updatedAt` come first, then the fields in the schema's order.
 *
 * @example
 * ```ts
 * deriveTableLayout(storageSchema.collections.customers).columns.map((c) => c.column);
 * ```
 */
export function deriveTableLayout(schema: CollectionSchema): TableLayout {
  const references = new Map((schema.references ?? []).map((r) => [r.field, r.collection]));
  const indexed = new Set(schema.indexes.flatMap((index) => index.fields));
  const columns: ColumnLayout[] = [];
  const taken = new Set(reservedColumns);
  const paths = ['createdAt', 'updatedAt', ...Object.keys(schema.fields).filter((p) => p !== 'createdAt' && p !== 'updatedAt')];
  for (const path of paths) {
    const definition = schema.fields[path];
    if (definition === undefined || reservedColumns.has(path)) continue;
    let kind = scalarKind[definition.type];
    if (definition.type === 'string') kind = references.has(path) ? 'ref' : indexed.has(path) ? indexedStringKind(definition.maxLength) : 'long';
    if (kind === undefined) continue;
    const column = sqlName(path, taken);
    taken.add(column);
    columns.push({ path, column, kind });
  }
  const columnOf = new Map(columns.map((c) => [c.path, c.column]));
  const indexes: IndexLayout[] = [];
  for (const index of schema.indexes) {
    const indexColumns = index.fields.map((field) => columnOf.get(field));
    // An index over a list (or an unknown path) is kept by the side table's lookup index.
    if (indexColumns.some((c) => c === undefined)) continue;
    indexes.push({ name: index.name, columns: indexColumns as string[], unique: index.unique === true });
  }
  const foreignKeys = [...references]
    .filter(([field, target]) => target !== schema.name && schema.fields[field]?.optional === false && columns.some((c) => c.path === field && c.kind === 'ref'))
    .map(([field, target]) => ({ column: columnOf.get(field)!, collection: target }));
  return { collection: schema.name, table: tableNameOf(schema.name), columns, indexes, foreignKeys };
}

/**
 * The layout a whole storage schema asks for.
 *
 * @example
 * ```ts
 * deriveStorageLayout(schema).tables.map((t) => t.table);
 * ```
 */
export function deriveStorageLayout(schema: StorageSchema): StorageLayout {
  return { tables: Object.values(schema.collections).map(deriveTableLayout) };
}

/**
 * The table name of a collection, without prefix: `campaignMembers` becomes
 * `campaign_members`; a name that is not a plain identifier (or would clash
 * with a side table's `_values`) gets a hash suffix.
 *
 * @example
 * ```ts
 * tableNameOf('campaignMembers'); // 'campaign_members'
 * ```
 */
export function tableNameOf(collection: string): string {
  const name = sqlName(collection, new Set());
  return name.endsWith('_values') ? sqlName(`${collection}\u0000table`, new Set()) : name;
}
