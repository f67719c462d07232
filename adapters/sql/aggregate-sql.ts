import type { AggregateMeasure, AggregateQuery, AggregateRow, FieldType } from '../../src/storage/index.js';
import type { CollectionTable, StoredField } from './collection-table.js';
import { compileSqlFilter } from './compile-sql-filter.js';
import { fieldExpression, lookupField } from './field-expression.js';
import { groupKeyExpression } from './group-key-sql.js';
import { exactSumColumns, fastSumColumns, fastSumIsExact, sumOf } from './exact-sum.js';
import { decodeKey } from './key-encoding.js';
import { listPresent } from './list-presence.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { sql, sqlJoin, sqlParam, sqlText, type SqlFragment } from './sql-fragment.js';

/** Groups per round trip when streaming a one-key aggregate. */
export const aggregateChunkSize = 50_000;

/**
 * Chunk sizes of {@link aggregateSql}: `groups` per round trip for one key,
 * `keyRows` stored rows per first-key range for several keys. Mutable for
 * tests only.
 *
 * @internal
 */
export const aggregateChunking = { groups: aggregateChunkSize, keyRows: 100_000 };

type KeyBound = { readonly op: '>' | '>=' | '<='; readonly value: unknown };

/**
 * Runs an aggregate in the database: `GROUP BY` with `COUNT` / `SUM` / `MIN` /
 * `MAX`, ordered by key with absent keys first. Date buckets are computed in
 * the database ({@link groupKeyExpression}). A one-key aggregate (per
 * customer, say) is streamed in chunks of {@link aggregateChunkSize} groups,
 * each chunk a keyset query (`key > last`) that an index on the key serves
 * without rereading earlier groups. With several keys (per customer and week,
 * say), one statement asks for up to `aggregateChunking.groups` + 1 groups;
 * when there are no more than that (a report by month and owner), that is
 * the answer, one pass like a hand-written `GROUP BY`. Otherwise the groups
 * before the last first key it saw are kept (absent first keys come first),
 * and the rest goes by ranges of the
 * first key holding about `aggregateChunking.keyRows` stored rows: one query
 * finds the range's end by reading that many keys in key order, without the
 * filter (an index-only walk when the key is an indexed column, as
 * `customerId` is), and a second groups the range `(previous end, end]`. So
 * a round trip brings at most that many groups, whatever the planner picks
 * for the filter: SQLite without statistics answers the second query from
 * the `(kind, occurredAt)` index, one pass over the purchases per range.
 *
 * @example
 * ```ts
 * for await (const row of aggregateSql(dialect, table, exec, { groupBy: ['customerId'], measures: [{ name: 'n', fn: 'count' }] })) use(row);
 * ```
 */
export async function* aggregateSql(
  dialect: SqlDialect,
  table: CollectionTable,
  exec: SqlExecutor,
  query: AggregateQuery,
): AsyncGenerator<AggregateRow> {
  const keys = query.groupBy.map((key) => groupKeyExpression(dialect, table, key));
  const as = (expression: SqlFragment, alias: string) => sql`${expression} AS ${sqlText(dialect.quote(alias))}`;
  const keyColumns: SqlFragment[] = keys.map((key, i) => as(key.expression, `g${i}`));
  // A number key is grouped and ordered by its value, and read back exactly (`e<i>`): MIN over a group of equal values.
  keys.forEach((key, i) => {
    if (key.field.type === 'number' && key.kind === 'num') keyColumns.push(as(dialect.exactNumber(sql`MIN(${key.expression})`), `e${i}`));
  });
  // Sums are read the fast way first (a plain SUM, exact when every value is an integer and
  // count × max |v| ≤ 2^53), and again the exact way only when a group needs it (see exact-sum.ts).
  const selectList = (mode: 'fast' | 'exact'): SqlFragment => {
    const selected = [...keyColumns];
    query.measures.forEach((measure, i) => {
      if (measure.fn === 'sum' && measure.field !== undefined) {
        const value = fieldExpression(dialect, lookupField(table, measure.field)).expression;
        const columns = mode === 'fast' ? fastSumColumns(dialect, value) : exactSumColumns(dialect, value);
        for (const [part, expression] of Object.entries(columns)) selected.push(as(expression, `m${i}_${part}`));
      } else selected.push(as(measureExpression(dialect, table, measure), `m${i}`));
    });
    selected.push(sql`COUNT(*) AS ${sqlText(dialect.quote('n'))}`);
    return sqlJoin(selected, ', ');
  };
  const sums = query.measures.flatMap((measure, i) => (measure.fn === 'sum' && measure.field !== undefined ? [i] : []));
  const fastList = selectList('fast');
  const exactList = sums.length === 0 ? fastList : selectList('exact');
  // The column names of each measure's sum parts, made once (rows are read by the thousand).
  const partColumns = new Map(sums.map((i) => [i, ['s', 'fr', 'i0', 'i1', 'f', 'a'].map((part) => [part, `m${i}_${part}`] as const)]));
  const partsOf = (row: Record<string, unknown>, i: number): Record<string, unknown> => {
    const parts: Record<string, unknown> = {};
    for (const [part, column] of partColumns.get(i)!) if (column in row) parts[part] = row[column];
    return parts;
  };
  /** Runs a statement (given its select list), again with exact sums when the fast ones are not exact for some group. */
  const run = async (make: (selected: SqlFragment) => SqlFragment): Promise<readonly Record<string, unknown>[]> => {
    const { rows } = await exec.run(make(fastList));
    if (!rows.some((row) => sums.some((i) => !fastSumIsExact(partsOf(row, i), Number(row.n))))) return rows;
    return (await exec.run(make(exactList))).rows;
  };
  const filter = query.filter === undefined ? undefined : compileSqlFilter(dialect, table, query.filter);
  const groupBy = keys.length === 0 ? '' : ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
  const orderBy =
    keys.length === 0 ? sqlText('') : sql` ORDER BY ${sqlJoin(keys.map((key, i) => dialect.orderTerm(sqlText(String(i + 1)), 'asc', true)), ', ')}`;
  const first = keys[0];
  const where = (bounds: readonly (KeyBound | 'null' | 'not null')[]): SqlFragment => {
    const conditions: SqlFragment[] = [];
    if (filter !== undefined) conditions.push(filter);
    for (const bound of bounds) {
      if (bound === 'null') conditions.push(sql`${first!.expression} IS NULL`);
      else if (bound === 'not null') conditions.push(sql`${first!.expression} IS NOT NULL`);
      else conditions.push(sql`${first!.expression} ${sqlText(bound.op)} ${sqlParam(bound.value, first!.kind)}`);
    }
    return conditions.length === 0 ? sqlText('') : sql` WHERE ${sqlJoin(conditions, ' AND ')}`;
  };
  const statement = (bounds: readonly (KeyBound | 'null' | 'not null')[], limit: number | undefined) => (selected: SqlFragment): SqlFragment =>
    sql`SELECT ${selected} FROM ${sqlText(table.table)} AS t${where(bounds)}${sqlText(groupBy)}${orderBy}${sqlText(limit === undefined ? '' : ` LIMIT ${limit}`)}`;
  // SQLite without statistics would answer a range with the filter's index, one pass over all
  // matching rows per range; a derived table with LIMIT -1 (not flattened into an aggregate) makes
  // it read just the range, through the index on the first key. It carries every column but `doc`
  // (no key, measure or filter reads the record's JSON text, and copying it out of every row
  // costs more than the grouping).
  const rangeColumns = table.rowColumns.filter((column) => column !== 'doc').map((column) => `t.${dialect.quote(column)}`).join(', ');
  const rangeStatement = (bounds: readonly KeyBound[]) => (selected: SqlFragment): SqlFragment => {
    const range = sqlJoin(bounds.map((b) => sql`${first!.expression} ${sqlText(b.op)} ${sqlParam(b.value, first!.kind)}`), ' AND ');
    const filtered = filter === undefined ? sqlText('') : sql` WHERE ${filter}`;
    return sql`SELECT ${selected} FROM (SELECT ${sqlText(rangeColumns)} FROM ${sqlText(table.table)} AS t WHERE ${range} LIMIT -1) AS t${filtered}${sqlText(groupBy)}${orderBy}`;
  };
  const keyValue = (row: Record<string, unknown>, i: number): unknown => (`e${i}` in row ? row[`e${i}`] : row[`g${i}`]);
  const measureValue = (row: Record<string, unknown>, measure: AggregateMeasure, i: number): number | Date | string | null => {
    if (measure.fn !== 'sum' || measure.field === undefined) return decodeMeasure(table, measure, row[`m${i}`]);
    return sumOf(partsOf(row, i), Number(row.n), measure.name);
  };
  const decode = (row: Record<string, unknown>): AggregateRow => ({
    key: keys.map((key, i) => decodeScalar(key.field.type, keyValue(row, i))),
    values: Object.fromEntries(query.measures.map((measure, i) => [measure.name, measureValue(row, measure, i)])),
  });
  const boundOf = (row: Record<string, unknown>): unknown => boundValue(keyValue(row, 0));
  if (first === undefined) {
    const rows = await run(statement([], undefined));
    for (const row of rows) if (Number(row.n) > 0) yield decode(row);
    return;
  }
  if (keys.length === 1) {
    let after: KeyBound[] = [];
    while (true) {
      const rows = await run(statement(after, aggregateChunking.groups));
      for (const row of rows) yield decode(row);
      if (rows.length < aggregateChunking.groups) return;
      after = [{ op: '>', value: boundOf(rows.at(-1)!) }];
    }
  }
  // Few groups (the usual report): one statement, the GROUP BY a person would write.
  const whole = await run(statement([], aggregateChunking.groups + 1));
  if (whole.length <= aggregateChunking.groups) {
    for (const row of whole) yield decode(row);
    return;
  }
  // Many groups: keep the groups before the last first key seen (complete, absent keys first), then go on
  // from that key by first-key ranges.
  const last = keyValue(whole.at(-1)!, 0);
  let after: KeyBound[] = [];
  if (last === null || last === undefined) {
    const absent = await run(statement(['null'], undefined));
    for (const row of absent) yield decode(row);
  } else {
    for (const row of whole) if (!sameKey(keyValue(row, 0), last)) yield decode(row);
    after = [{ op: '>=', value: boundValue(last) }];
  }
  const quotedKey = sqlText(dialect.quote('g0'));
  while (true) {
    const bounds = [sql`${first.expression} IS NOT NULL`, ...after.map((b) => sql`${first.expression} ${sqlText(b.op)} ${sqlParam(b.value, first.kind)}`)];
    const exactKey = first.field.type === 'number' && first.kind === 'num' ? sql`, ${as(dialect.exactNumber(first.expression), 'e0')}` : sqlText('');
    const range = sql`SELECT ${first.expression} AS ${quotedKey}${exactKey} FROM ${sqlText(table.table)} AS t WHERE ${sqlJoin(bounds, ' AND ')} ORDER BY 1 LIMIT 1 OFFSET ${sqlText(String(aggregateChunking.keyRows - 1))}`;
    const { rows: [end] } = await exec.run(range);
    const upTo: KeyBound[] = end === undefined ? [] : [{ op: '<=', value: boundOf(end) }];
    const rows = await run(upTo.length > 0 && dialect.name === 'sqlite' ? rangeStatement([...after, ...upTo]) : statement(['not null', ...after, ...upTo], undefined));
    for (const row of rows) yield decode(row);
    if (end === undefined) return;
    after = [{ op: '>', value: boundOf(end) }];
  }
}

/** Whether two first-key values as the driver read them are the same key. */
function sameKey(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b || (a !== null && b !== null && Number(a) === Number(b));
}

function boundValue(raw: unknown): unknown {
  return raw instanceof Uint8Array ? Buffer.from(raw) : Number(raw);
}

function measureExpression(dialect: SqlDialect, table: CollectionTable, measure: AggregateMeasure): SqlFragment {
  if (measure.field === undefined) return sqlText('COUNT(*)');
  const field = lookupField(table, measure.field);
  if (field.storage.kind === 'values') return sql`SUM(CASE WHEN ${listPresent(dialect, field)} THEN 1 ELSE 0 END)`;
  const { expression, kind } = fieldExpression(dialect, field);
  switch (measure.fn) {
    case 'count':
      return sql`COUNT(${expression})`;
    case 'sum':
      throw new Error('sums have their own columns (sumColumns)');
    case 'min':
    case 'max': {
      const fn = measure.fn === 'min' ? 'MIN' : 'MAX';
      return kind === 'bin' ? dialect.extremeOfBinary(fn, expression) : dialect.exactNumber(sql`${sqlText(fn)}(${expression})`);
    }
  }
}

function decodeMeasure(table: CollectionTable, measure: AggregateMeasure, value: unknown): number | Date | string | null {
  if (measure.fn === 'count') return Number(value ?? 0);
  const field: StoredField = lookupField(table, measure.field!);
  return decodeScalar(field.type, value) as number | Date | string | null;
}

function decodeScalar(type: FieldType, value: unknown): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return decodeKey(value as Uint8Array);
    case 'date':
      return new Date(Number(value));
    case 'boolean':
      return Number(value) === 1;
    default:
      return Number(value);
  }
}
