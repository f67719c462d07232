import { createHash } from 'node:crypto';
import { AdapterError, readPath, type CollectionSchema, type FieldType, type StoredRecord } from '../../src/storage/index.js';
import { encodeKey } from './key-encoding.js';
import { encodeRecord } from './record-codec.js';
import type { SqlDialect } from './sql-dialect.js';
import { qualifiedName, valuesTableName, type TableNaming } from './table-names.js';
import { columnFieldType, indexedStringCapacity, type ColumnKind, type ColumnLayout, type TableLayout } from './table-layout.js';

/** Where one filterable path is stored: a real column, a key of `ext`, or the side table. */
export type FieldStorage =
  | { readonly kind: 'column'; readonly column: string; readonly columnKind: ColumnKind }
  | { readonly kind: 'ext'; readonly key: string }
  | { readonly kind: 'values'; readonly key: string };

/** A filterable path with its type and where it lives. */
export interface StoredField {
  /** The dotted path. */
  readonly path: string;
  /** Its type. */
  readonly type: FieldType;
  /** Whether the catalogue says it may be absent (used only to read list rows written before presence markers). */
  readonly optional: boolean;
  /**
   * Whether a stored row may hold no value for it: every field but the four
   * every stored record has by the adapter contract (`id`, `version`,
   * `createdAt`, `updatedAt`). The catalogue's `optional: false` is not
   * trusted: stored data may predate a schema change.
   */
  readonly nullable: boolean;
  /** Where it is stored. */
  readonly storage: FieldStorage;
}

/** The fields every stored record has (`StoredRecord`): never absent, whatever a catalogue says. */
const contractFields: ReadonlySet<string> = new Set(['id', 'version', 'createdAt', 'updatedAt']);

/**
 * A unique index as the write path checks it: its declared name and its columns.
 *
 * @example
 * ```ts
 * table.uniqueIndexes.map((index) => index.name); // ['tickets_code']
 * ```
 */
export interface UniqueIndex {
  /** The name the schema declared, reported in a `unique` conflict. */
  readonly name: string;
  /** Its columns, in order. */
  readonly columns: readonly ColumnLayout[];
}

/**
 * The `ext` key of a path: `k` and 20 hex digits of its SHA-256, so field names
 * (a host's custom fields may hold quotes, dots or NUL) never reach SQL text or
 * JSON path syntax.
 *
 * @example
 * ```ts
 * extKeyOf('custom.tier'); // 'k…'
 * ```
 */
export function extKeyOf(path: string): string {
  return `k${createHash('sha256').update(path, 'utf8').digest('hex').slice(0, 20)}`;
}

/**
 * One collection's table as opened: its quoted names, where each filterable
 * field lives, and how a record becomes a row.
 */
export class CollectionTable {
  /** The collection's name. */
  readonly collection: string;
  /** The layout it was created from. */
  readonly layout: TableLayout;
  /** The quoted, qualified table name. */
  readonly table: string;
  /** The quoted, qualified side table name. */
  readonly valuesTable: string;
  /** Every filterable field by path. */
  readonly fields: ReadonlyMap<string, StoredField>;
  /** The column names of a row, in {@link row} order. */
  readonly rowColumns: readonly string[];
  /** The storage types of a row's columns, in {@link row} order. */
  readonly rowKinds: readonly ('id' | 'version' | 'doc' | 'ext' | ColumnKind)[];
  /** The unique indexes the write path checks before writing. */
  readonly uniqueIndexes: readonly UniqueIndex[];
  readonly #columns: readonly ColumnLayout[];
  readonly #extFields: readonly StoredField[];
  readonly #arrayFields: readonly StoredField[];

  constructor(dialect: SqlDialect, naming: TableNaming, schema: CollectionSchema, layout: TableLayout) {
    this.collection = schema.name;
    this.layout = layout;
    this.table = qualifiedName(dialect, naming, layout.table);
    this.valuesTable = qualifiedName(dialect, naming, valuesTableName(layout));
    this.#columns = layout.columns;
    const fields = new Map<string, StoredField>();
    const keys = new Map<string, string>();
    for (const [path, definition] of Object.entries(schema.fields)) {
      let storage: FieldStorage;
      const column = layout.columns.find((c) => c.path === path);
      if (path === 'id') storage = { kind: 'column', column: 'id', columnKind: 'ref' };
      else if (path === 'version') storage = { kind: 'column', column: 'version', columnKind: 'number' };
      else if (column !== undefined && columnFieldType(column.kind) === definition.type) {
        storage = { kind: 'column', column: column.column, columnKind: column.kind };
      } else {
        const key = extKeyOf(path);
        const clash = keys.get(key);
        if (clash !== undefined) throw new AdapterError(`fields ${JSON.stringify(clash)} and ${JSON.stringify(path)} hash alike`);
        keys.set(key, path);
        storage = definition.type === 'string[]' ? { kind: 'values', key } : { kind: 'ext', key };
      }
      fields.set(path, { path, type: definition.type, optional: definition.optional, nullable: !contractFields.has(path), storage });
    }
    this.fields = fields;
    this.#extFields = [...fields.values()].filter((f) => f.storage.kind === 'ext' || f.storage.kind === 'values');
    this.#arrayFields = [...fields.values()].filter((f) => f.storage.kind === 'values');
    this.rowColumns = ['id', 'version', 'doc', 'ext', ...layout.columns.map((c) => c.column)];
    this.rowKinds = ['id', 'version', 'doc', 'ext', ...layout.columns.map((c) => c.kind)];
    this.uniqueIndexes = layout.indexes
      .filter((index) => index.unique)
      .map((index) => ({ name: index.name, columns: index.columns.map((name) => layout.columns.find((c) => c.column === name)!) }));
  }

  /** The other tables opened with this one, by collection (for related filters). */
  #siblings: ReadonlyMap<string, CollectionTable> = new Map();

  /**
   * Tells the table which tables were opened with it, so a related filter on
   * it can name theirs. The adapter calls it once it has opened them all.
   *
   * @example
   * ```ts
   * for (const table of tables.values()) table.linkSiblings(tables);
   * ```
   */
  linkSiblings(tables: ReadonlyMap<string, CollectionTable>): void {
    this.#siblings = tables;
  }

  /**
   * The table of another collection opened with this one; `AdapterError` for one not opened.
   *
   * @example
   * ```ts
   * customers.sibling('interactions').table; // "interactions"
   * ```
   */
  sibling(collection: string): CollectionTable {
    const found = this.#siblings.get(collection);
    if (found === undefined) throw new AdapterError(`unknown collection ${JSON.stringify(collection)}`);
    return found;
  }

  /** Whether the collection has `string[]` fields kept in the side table. */
  get hasValues(): boolean {
    return this.#arrayFields.length > 0;
  }

  /**
   * A record's row: id, version, doc, ext, then the layout's columns. Throws
   * `AdapterError` for a string beyond its column's {@link indexedStringCapacity}.
   */
  row(record: StoredRecord): unknown[] {
    const id = encodeKey(record.id);
    if (id.length > indexedStringCapacity.id) throw tooLong(this.collection, 'id', indexedStringCapacity.id);
    const row: unknown[] = [id, record.version, encodeRecord(record), this.#ext(record)];
    for (const column of this.#columns) {
      const value = columnValue(column.kind, readPath(record, column.path));
      if ((column.kind === 'key' || column.kind === 'ref' || column.kind === 'short') && value !== null && (value as Buffer).length > indexedStringCapacity[column.kind]) {
        throw tooLong(this.collection, column.path, indexedStringCapacity[column.kind]);
      }
      row.push(value);
    }
    return row;
  }

  /** A record's side-table rows: `[owner, field, value]` per distinct element of each `string[]` field. */
  valueRows(record: StoredRecord, owner: Buffer): unknown[][] {
    const rows: unknown[][] = [];
    for (const field of this.#arrayFields) {
      const value = readPath(record, field.path);
      if (!Array.isArray(value)) continue;
      const fieldKey = encodeKey(field.path);
      for (const element of new Set(value)) if (typeof element === 'string') rows.push([owner, fieldKey, encodeKey(element)]);
    }
    return rows;
  }

  #ext(record: StoredRecord): string | null {
    let ext: Record<string, unknown> | undefined;
    for (const field of this.#extFields) {
      const value = readPath(record, field.path);
      // A list's presence marker is written either way (1 present, 0 absent): the side table cannot tell an empty list from none.
      const encoded = field.type === 'string[]' ? (Array.isArray(value) ? 1 : 0) : value === undefined ? undefined : extValue(field.type, value);
      if (encoded === undefined) continue;
      (ext ??= {})[(field.storage as { key: string }).key] = encoded;
    }
    return ext === undefined ? null : JSON.stringify(ext);
  }
}

/**
 * The column value of a field value: strings as {@link encodeKey} bytes, dates
 * as epoch milliseconds, booleans as 0 / 1, anything absent or mistyped as NULL.
 *
 * @example
 * ```ts
 * columnValue('date', new Date(5)); // 5
 * ```
 */
export function columnValue(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'key':
    case 'ref':
    case 'short':
    case 'long':
      return typeof value === 'string' ? encodeKey(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'date':
      return value instanceof Date ? value.getTime() : null;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 1 : 0) : null;
  }
}

function tooLong(collection: string, path: string, bytes: number): AdapterError {
  return new AdapterError(`${collection}.${path} holds more than ${bytes} bytes of UTF-8, the most its indexed column keeps`);
}

function extValue(type: FieldType, value: unknown): string | number | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? encodeKey(value).toString('hex') : undefined;
    case 'number':
      return typeof value === 'number' ? value : undefined;
    case 'date':
      return value instanceof Date ? value.getTime() : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 1 : 0) : undefined;
    default:
      return undefined;
  }
}
