import { readPath, type StoredRecord } from '../../src/storage/index.js';
import { columnValue, type CollectionTable, type UniqueIndex } from './collection-table.js';
import { decodeKey, encodeKey } from './key-encoding.js';
import { paramKindOf, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { sql, sqlJoin, sqlParam, sqlText, type SqlFragment } from './sql-fragment.js';

const chunkSize = 300;

/** The column values of a record under a unique index, or undefined when one is absent (absent never conflicts). */
function uniqueValues(index: UniqueIndex, record: StoredRecord): unknown[] | undefined {
  const values = index.columns.map((c) => columnValue(c.kind, readPath(record, c.path)));
  return values.some((v) => v === null) ? undefined : values;
}

function valueKey(values: readonly unknown[]): string {
  return JSON.stringify(values.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
}

function matches(dialect: SqlDialect, index: UniqueIndex, values: readonly unknown[]): SqlFragment {
  const terms = index.columns.map((c, i) => sql`${sqlText(dialect.quote(c.column))} = ${sqlParam(values[i], paramKindOf[c.kind])}`);
  return sql`(${sqlJoin(terms, ' AND ')})`;
}

/**
 * For a batch of inserts (ids already known to be free and distinct), the
 * unique index each record would break, by position in `records`: against
 * stored records, and against the records before it in the batch. Records
 * where an index's field is absent never conflict.
 *
 * @example
 * ```ts
 * const clashes = await uniqueClashesOfInserts(exec, dialect, table, records);
 * ```
 */
export async function uniqueClashesOfInserts(
  exec: SqlExecutor,
  dialect: SqlDialect,
  table: CollectionTable,
  records: readonly StoredRecord[],
): Promise<Map<number, string>> {
  const clashes = new Map<number, string>();
  for (const index of table.uniqueIndexes) {
    const values = records.map((record, i) => (clashes.has(i) ? undefined : uniqueValues(index, record)));
    const taken = new Set<string>();
    const wanted = values.filter((v): v is unknown[] => v !== undefined);
    for (let start = 0; start < wanted.length; start += chunkSize) {
      const chunk = wanted.slice(start, start + chunkSize);
      const columns = index.columns.map((c) => sqlText(`${dialect.quote(c.column)} AS c${index.columns.indexOf(c)}`));
      const { rows } = await exec.run(
        sql`SELECT ${sqlJoin(columns, ', ')} FROM ${sqlText(table.table)} WHERE ${sqlJoin(chunk.map((v) => matches(dialect, index, v)), ' OR ')}`,
      );
      for (const row of rows) taken.add(valueKey(index.columns.map((c, i) => normalize(c.kind, row[`c${i}`]))));
    }
    values.forEach((v, i) => {
      if (v === undefined) return;
      const key = valueKey(v);
      if (taken.has(key)) clashes.set(i, index.name);
      else taken.add(key);
    });
  }
  return clashes;
}

/**
 * The unique index an update of `record` would break against the other stored
 * records, if any.
 *
 * @example
 * ```ts
 * const index = await uniqueClashOfUpdate(exec, dialect, table, record);
 * ```
 */
export async function uniqueClashOfUpdate(exec: SqlExecutor, dialect: SqlDialect, table: CollectionTable, record: StoredRecord): Promise<string | undefined> {
  for (const index of table.uniqueIndexes) {
    const values = uniqueValues(index, record);
    if (values === undefined) continue;
    const { rows } = await exec.run(
      sql`SELECT ${sqlText(dialect.quote('id'))} AS id FROM ${sqlText(table.table)} WHERE ${matches(dialect, index, values)} AND ${sqlText(dialect.quote('id'))} <> ${sqlParam(encodeKey(record.id), 'bin')} LIMIT 1`,
    );
    if (rows.length > 0 && decodeKey(rows[0]!.id as Uint8Array) !== record.id) return index.name;
  }
  return undefined;
}

function normalize(kind: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (kind === 'number') return Number(value);
  if (typeof value === 'bigint' || (typeof value === 'string' && kind !== 'key' && kind !== 'ref' && kind !== 'short' && kind !== 'long')) return Number(value);
  return value;
}
