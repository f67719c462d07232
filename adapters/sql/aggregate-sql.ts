import type { AggregateMeasure, AggregateQuery, AggregateRow, FieldType } from '../../src/storage/index.js';
import type { CollectionTable, StoredField } from './collection-table.js';
import { compileSqlFilter } from './compile-sql-filter.js';
import { fieldExpression, lookupField } from './field-expression.js';
import { decodeKey } from './key-encoding.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { sql, sqlJoin, sqlParam, sqlText, type SqlFragment } from './sql-fragment.js';

/** Groups per round trip when streaming a one-key aggregate. */
export const aggregateChunkSize = 50_000;

/**
 * Runs an aggregate in the database: `GROUP BY` with `COUNT` / `SUM` / `MIN` /
 * `MAX`, ordered by key with absent keys first. A one-key aggregate (per
 * customer, say) is streamed in chunks of {@link aggregateChunkSize} groups,
 * each chunk a keyset query (`key > last`) that an index on the key serves
 * without rereading earlier groups, so the rows are never all in memory.
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
  const keys = query.groupBy.map((path) => fieldExpression(dialect, lookupField(table, path)));
  const selected: SqlFragment[] = keys.map((key, i) => sql`${key.expression} AS ${sqlText(dialect.quote(`g${i}`))}`);
  query.measures.forEach((measure, i) => selected.push(sql`${measureExpression(dialect, table, measure)} AS ${sqlText(dialect.quote(`m${i}`))}`));
  selected.push(sql`COUNT(*) AS ${sqlText(dialect.quote('n'))}`);
  const filter = query.filter === undefined ? undefined : compileSqlFilter(dialect, table, query.filter);
  const groupBy = keys.length === 0 ? '' : ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
  const orderBy =
    keys.length === 0 ? sqlText('') : sql` ORDER BY ${sqlJoin(keys.map((key, i) => dialect.orderTerm(sqlText(String(i + 1)), 'asc', true)), ', ')}`;
  const statement = (after: unknown, limit: number | undefined): SqlFragment => {
    const conditions: SqlFragment[] = [];
    if (filter !== undefined) conditions.push(filter);
    if (after !== undefined) conditions.push(sql`${keys[0]!.expression} > ${sqlParam(after, keys[0]!.kind)}`);
    const where = conditions.length === 0 ? sqlText('') : sql` WHERE ${sqlJoin(conditions, ' AND ')}`;
    return sql`SELECT ${sqlJoin(selected, ', ')} FROM ${sqlText(table.table)} AS t${where}${sqlText(groupBy)}${orderBy}${sqlText(limit === undefined ? '' : ` LIMIT ${limit}`)}`;
  };
  const decode = (row: Record<string, unknown>): AggregateRow => ({
    key: keys.map((key, i) => decodeScalar(key.field.type, row[`g${i}`])),
    values: Object.fromEntries(query.measures.map((measure, i) => [measure.name, decodeMeasure(table, measure, row[`m${i}`])])),
  });
  if (keys.length !== 1) {
    const { rows } = await exec.run(statement(undefined, undefined));
    for (const row of rows) if (Number(row.n) > 0) yield decode(row);
    return;
  }
  let after: unknown;
  while (true) {
    const { rows } = await exec.run(statement(after, aggregateChunkSize));
    for (const row of rows) yield decode(row);
    if (rows.length < aggregateChunkSize) return;
    const last = rows.at(-1)!.g0;
    after = last instanceof Uint8Array ? Buffer.from(last) : Number(last);
  }
}

function measureExpression(dialect: SqlDialect, table: CollectionTable, measure: AggregateMeasure): SqlFragment {
  if (measure.field === undefined) return sqlText('COUNT(*)');
  const field = lookupField(table, measure.field);
  if (field.storage.kind === 'values') {
    if (!field.optional) return sqlText('COUNT(*)');
    return sql`SUM(CASE WHEN ${dialect.extPresent(`t.${dialect.quote('ext')}`, field.storage.key)} THEN 1 ELSE 0 END)`;
  }
  const { expression, kind } = fieldExpression(dialect, field);
  switch (measure.fn) {
    case 'count':
      return sql`COUNT(${expression})`;
    case 'sum':
      return sql`COALESCE(SUM(${expression}), 0)`;
    case 'min':
    case 'max': {
      const fn = measure.fn === 'min' ? 'MIN' : 'MAX';
      return kind === 'bin' ? dialect.extremeOfBinary(fn, expression) : sql`${sqlText(fn)}(${expression})`;
    }
  }
}

function decodeMeasure(table: CollectionTable, measure: AggregateMeasure, value: unknown): number | Date | string | null {
  if (measure.fn === 'count' || measure.fn === 'sum') return Number(value ?? 0);
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
