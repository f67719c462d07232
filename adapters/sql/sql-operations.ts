import {
  AdapterError,
  readPath,
  type ScalarValue,
  type SortKey,
  type StorageFilter,
  type StorageOperations,
  type StorageQuery,
  type StoredRecord,
  type VersionedDelete,
  type VersionedWrite,
  type WriteOutcome,
} from '../../src/storage/index.js';
import { aggregateSql } from './aggregate-sql.js';
import type { CollectionTable } from './collection-table.js';
import { compileSqlFilter } from './compile-sql-filter.js';
import { compileSqlKeyset } from './compile-sql-keyset.js';
import { compileSqlSort } from './compile-sql-sort.js';
import { decodeKey, encodeKey } from './key-encoding.js';
import { uniqueClashesOfInserts, uniqueClashOfUpdate } from './unique-checks.js';
import { absenceSplit } from './absence-split.js';
import { presentFields } from './present-fields.js';
import { decodeRecord } from './record-codec.js';
import { numberPlaceholders, paramKindOf, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { sql, sqlJoin, sqlParam, sqlText, type ParamKind, type SqlFragment } from './sql-fragment.js';

/** What the operations run on: the dialect, the opened tables and an executor. */
export interface OperationsContext {
  /** The dialect. */
  readonly dialect: SqlDialect;
  /** The opened table of a collection (throws for an unknown one). */
  table(collection: string): CollectionTable;
  /** Runs statements. */
  readonly exec: SqlExecutor;
  /** Runs `fn` atomically: in a new transaction, or directly when already in one. */
  atomic<T>(fn: (exec: SqlExecutor) => Promise<T>): Promise<T>;
}

const maxRowsPerStatement = 1000;
const idTaken: WriteOutcome = { ok: false, code: 'conflict', reason: 'id_taken' };
const staleVersion: WriteOutcome = { ok: false, code: 'conflict', reason: 'stale_version' };
const idChunk = 1000;

/**
 * The storage operations in SQL: multi-row inserts that skip taken ids, one
 * conditional UPDATE per compare-and-set, filters and sorts compiled with
 * bound parameters, scans in keyset-continued batches, and aggregates grouped
 * by the database.
 *
 * @example
 * ```ts
 * const ops = sqlOperations({ dialect, table, exec, atomic });
 * await ops.find('customers', { sort: [{ field: 'id', direction: 'asc' }], limit: 10 });
 * ```
 */
export function sqlOperations(context: OperationsContext): StorageOperations {
  const { dialect } = context;
  const q = dialect.quote;
  const insertCache = new Map<string, string>();

  const insertStatement = (table: CollectionTable, rows: number, returning: boolean): string => {
    const cacheKey = `${table.table}|${rows}|${returning}`;
    let text = insertCache.get(cacheKey);
    if (text === undefined) {
      const kinds = table.rowKinds.map(rowParamKind);
      const tuple = `(${kinds.map(() => '?').join(', ')})`;
      const params = Array.from({ length: rows }, () => kinds.map((kind) => ({ value: null, kind }))).flat();
      const head = `INSERT INTO ${table.table} (${table.rowColumns.map(q).join(', ')}) VALUES `;
      const tail = returning ? ` ON CONFLICT (${q('id')}) DO NOTHING RETURNING ${q('id')}` : '';
      text = numberPlaceholders({ text: head + Array(rows).fill(tuple).join(', ') + tail, params }, placeholderOf(dialect)).sql;
      insertCache.set(cacheKey, text);
    }
    return text;
  };

  const updateCache = new Map<string, string>();
  /** `UPDATE … SET (every column but id) WHERE id = ? AND version = ?`, compiled. */
  const singleUpdateStatement = (table: CollectionTable): string => {
    const cacheKey = `${table.table}|single`;
    let text = updateCache.get(cacheKey);
    if (text === undefined) {
      const setList = table.rowColumns.slice(1).map((column) => `${q(column)} = ?`).join(', ');
      const kinds = [...table.rowKinds.slice(1).map(rowParamKind), 'bin' as const, 'int' as const];
      const update = `UPDATE ${table.table} SET ${setList} WHERE ${q('id')} = ? AND ${q('version')} = ?`;
      text = numberPlaceholders({ text: update, params: kinds.map((kind) => ({ value: null, kind })) }, placeholderOf(dialect)).sql;
      updateCache.set(cacheKey, text);
    }
    return text;
  };
  /** The dialect's multi-row UPDATE of `rows` tuples, compiled. */
  const tupleUpdateStatement = (table: CollectionTable, set: readonly string[], kinds: readonly ParamKind[], rows: number): string => {
    const cacheKey = `${table.table}|${rows}`;
    let text = updateCache.get(cacheKey);
    if (text === undefined) {
      const params = Array.from({ length: rows }, () => kinds.map((kind) => ({ value: null, kind }))).flat();
      text = numberPlaceholders({ text: dialect.updateFromTuples!(table.table, set, rows), params }, placeholderOf(dialect)).sql;
      updateCache.set(cacheKey, text);
    }
    return text;
  };

  const insertValues = async (exec: SqlExecutor, table: CollectionTable, rows: readonly unknown[][]): Promise<void> => {
    if (rows.length === 0) return;
    const text = `INSERT INTO ${table.valuesTable} (${q('owner')}, ${q('field')}, ${q('value')}) VALUES `;
    const perStatement = Math.min(maxRowsPerStatement, Math.floor(dialect.maxParameters / 3));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const fragment = { text: text + chunk.map(() => '(?, ?, ?)').join(', '), params: chunk.flat().map((value) => ({ value, kind: 'bin' as const })) };
      await exec.runCompiled(dialect.compile(fragment));
    }
  };

  const existingIds = async (exec: SqlExecutor, table: CollectionTable, ids: readonly string[]): Promise<Set<string>> => {
    const found = new Set<string>();
    for (let start = 0; start < ids.length; start += idChunk) {
      const chunk = ids.slice(start, start + idChunk);
      const { rows } = await exec.run(
        sql`SELECT ${sqlText(q('id'))} AS id FROM ${sqlText(table.table)} WHERE ${sqlText(q('id'))} IN (${idList(chunk)})`,
      );
      for (const row of rows) found.add(decodeKey(row.id as Uint8Array));
    }
    return found;
  };

  const selectRecords = async (exec: SqlExecutor, fragment: SqlFragment): Promise<StoredRecord[]> => {
    const { rows } = await exec.run(fragment);
    return rows.map((row) => decodeRecord<StoredRecord>(row.doc as string));
  };

  const whereClause = (table: CollectionTable, filter: StorageFilter | undefined): SqlFragment =>
    filter === undefined ? sqlText('') : sql` WHERE ${compileSqlFilter(dialect, table, filter)}`;

  return {
    async insertMany(collection, records) {
      const table = context.table(collection);
      if (records.length === 0) return [];
      const outcomes: WriteOutcome[] = new Array(records.length);
      const seen = new Set<string>();
      const candidates: number[] = [];
      records.forEach((record, i) => {
        if (seen.has(record.id)) outcomes[i] = idTaken;
        else {
          seen.add(record.id);
          candidates.push(i);
        }
      });
      await context.atomic(async (exec) => {
        let pending = candidates;
        const unique = table.uniqueIndexes.length > 0;
        if (!dialect.insertReturning || unique) {
          const taken = await existingIds(exec, table, candidates.map((i) => records[i]!.id));
          pending = candidates.filter((i) => !taken.has(records[i]!.id));
        }
        if (unique) {
          const clashes = await uniqueClashesOfInserts(exec, dialect, table, pending.map((i) => records[i]!));
          pending.forEach((i, j) => {
            if (clashes.has(j)) outcomes[i] = { ok: false, code: 'conflict', reason: 'unique', index: clashes.get(j)! };
          });
          pending = pending.filter((_, j) => !clashes.has(j));
        }
        const perStatement = Math.min(maxRowsPerStatement, Math.floor(dialect.maxParameters / table.rowColumns.length));
        const inserted = new Set<string>();
        const valueRows: unknown[][] = [];
        for (let start = 0; start < pending.length; start += perStatement) {
          const chunk = pending.slice(start, start + perStatement);
          const parameters: unknown[] = [];
          const owners: Buffer[] = [];
          for (const i of chunk) {
            const row = table.row(records[i]!);
            owners.push(row[0] as Buffer);
            for (const value of row) parameters.push(value);
          }
          const { rows } = await exec.runCompiled({ sql: insertStatement(table, chunk.length, dialect.insertReturning), parameters });
          const insertedNow = dialect.insertReturning ? new Set(rows.map((row) => decodeKey(row.id as Uint8Array))) : undefined;
          chunk.forEach((i, j) => {
            const record = records[i]!;
            if (insertedNow !== undefined && !insertedNow.has(record.id)) return;
            inserted.add(record.id);
            if (table.hasValues) for (const row of table.valueRows(record, owners[j]!)) valueRows.push(row);
          });
        }
        await insertValues(exec, table, valueRows);
        for (const i of candidates) outcomes[i] ??= inserted.has(records[i]!.id) ? { ok: true } : idTaken;
      });
      return outcomes;
    },

    async getMany(collection, ids, options) {
      const table = context.table(collection);
      const lock = sqlText(options?.forUpdate === true ? dialect.lockingRead : '');
      const byId = new Map<string, StoredRecord>();
      const unique = [...new Set(ids)];
      for (let start = 0; start < unique.length; start += idChunk) {
        const chunk = unique.slice(start, start + idChunk);
        const records = await selectRecords(
          context.exec,
          sql`SELECT ${sqlText(q('doc'))} AS doc FROM ${sqlText(table.table)} WHERE ${sqlText(q('id'))} IN (${idList(chunk)})${lock}`,
        );
        for (const record of records) byId.set(record.id, record);
      }
      // An id asked for twice gets a copy the second time: never the same object twice.
      const given = new Set<string>();
      return ids.map((id) => {
        const record = byId.get(id);
        if (record === undefined) return undefined;
        if (given.has(id)) return structuredClone(record);
        given.add(id);
        return record;
      });
    },

    async updateMany(collection, writes: readonly VersionedWrite[]) {
      const table = context.table(collection);
      if (writes.length === 0) return [];
      // A table with unique indexes checks each write against the ones before it; an id written twice sees its first write.
      const oneByOne = table.uniqueIndexes.length > 0 || writes.length === 1 || new Set(writes.map((w) => w.record.id)).size < writes.length;
      return context.atomic((exec) => (oneByOne ? updateOneByOne(exec, table, writes) : updateBatched(exec, table, writes)));
    },

    async deleteMany(collection, deletes: readonly VersionedDelete[]) {
      const table = context.table(collection);
      if (deletes.length === 0) return [];
      return context.atomic(async (exec) => {
        const outcomes: WriteOutcome[] = [];
        for (const { id, expectedVersion } of deletes) {
          const key = sqlParam(encodeKey(id), 'bin');
          const version = expectedVersion === undefined ? sqlText('') : sql` AND ${sqlText(q('version'))} = ${sqlParam(expectedVersion, 'int')}`;
          const { affected } = await exec.run(sql`DELETE FROM ${sqlText(table.table)} WHERE ${sqlText(q('id'))} = ${key}${version}`);
          if (affected === 0) {
            outcomes.push((await missingOrConflict(exec, table, id)) ?? staleVersion);
            continue;
          }
          if (table.hasValues) await exec.run(sql`DELETE FROM ${sqlText(table.valuesTable)} WHERE ${sqlText(q('owner'))} = ${key}`);
          outcomes.push({ ok: true });
        }
        return outcomes;
      });
    },

    async find(collection, query: StorageQuery) {
      const table = context.table(collection);
      const split = absenceSplit(table, query);
      if (split === undefined) return findPart(table, query, query.sort);
      const records: StoredRecord[] = [];
      for (const part of split) {
        const remaining = query.limit === undefined ? undefined : query.limit - records.length;
        if (remaining !== undefined && remaining <= 0) break;
        records.push(...(await findPart(table, remaining === undefined ? part : { ...part, limit: remaining }, query.sort)));
      }
      return records;
    },

    async *scan(collection, query: StorageQuery, batchSize: number) {
      const table = context.table(collection);
      if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new AdapterError(`invalid batch size ${batchSize}`);
      for (const part of absenceSplit(table, query) ?? [query]) yield* scanPart(table, part, batchSize, query.sort);
    },

    async count(collection, filter) {
      const table = context.table(collection);
      const { rows } = await context.exec.run(sql`SELECT COUNT(*) AS n FROM ${sqlText(table.table)} AS t${whereClause(table, filter)}`);
      return Number(rows[0]?.n ?? 0);
    },

    aggregate(collection, query) {
      return aggregateSql(dialect, context.table(collection), context.exec, query);
    },
  };

  /**
   * The condition of `query.after` (records after that position in `sort`, the
   * whole query's order even for a part of an {@link absenceSplit}), as an index range.
   */
  function afterCondition(table: CollectionTable, query: StorageQuery, sort: readonly SortKey[]): SqlFragment | undefined {
    if (query.after === undefined) return undefined;
    if (query.after.length !== sort.length) throw new AdapterError(`after holds ${query.after.length} values for ${sort.length} sort keys`);
    const position = { sort, after: query.after.map((value) => value ?? undefined) };
    return compileSqlKeyset(dialect, table, position, (condition) => compileSqlFilter(dialect, table, condition), presentFields(query.filter));
  }

  function whereOf(table: CollectionTable, query: StorageQuery, sort: readonly SortKey[]): SqlFragment {
    const conditions = [query.filter === undefined ? undefined : compileSqlFilter(dialect, table, query.filter), afterCondition(table, query, sort)];
    const present = conditions.filter((part): part is SqlFragment => part !== undefined);
    return present.length === 0 ? sqlText('') : sql` WHERE ${sqlJoin(present, ' AND ')}`;
  }

  /** One query of a {@link absenceSplit} (or the whole query when there is none). */
  async function findPart(table: CollectionTable, query: StorageQuery, keysetSort: readonly SortKey[]): Promise<StoredRecord[]> {
    let limit = '';
    if (query.limit !== undefined) {
      if (!Number.isSafeInteger(query.limit) || query.limit < 0) throw new AdapterError(`invalid limit ${query.limit}`);
      limit = ` LIMIT ${query.limit}`;
    }
    const order = query.sort.length === 0 ? sqlText('') : sql` ORDER BY ${compileSqlSort(dialect, table, query.sort, presentFields(query.filter))}`;
    return selectRecords(
      context.exec,
      sql`SELECT t.${sqlText(q('doc'))} AS doc FROM ${sqlText(table.table)} AS t${whereOf(table, query, keysetSort)}${order}${sqlText(limit)}`,
    );
  }

  /** Scans one query of a {@link absenceSplit}: batches continued through the keyset range after the last row. */
  async function* scanPart(table: CollectionTable, query: StorageQuery, batchSize: number, keysetSort: readonly SortKey[]): AsyncGenerator<StoredRecord[]> {
    const end = query.sort.findIndex((key) => key.field === 'id');
    // The order ends with id (the core sees to it); id is unique, so later keys never decide.
    const sort: readonly SortKey[] = end === -1 ? [...query.sort, { field: 'id', direction: query.sort.at(-1)?.direction ?? 'asc' }] : query.sort.slice(0, end + 1);
    const filter = query.filter === undefined ? undefined : compileSqlFilter(dialect, table, query.filter);
    const present = presentFields(query.filter);
    const order = sql` ORDER BY ${compileSqlSort(dialect, table, sort, present)}`;
    let after: SqlFragment | undefined = afterCondition(table, query, keysetSort);
    while (true) {
      const conditions = [filter, after].filter((part): part is SqlFragment => part !== undefined);
      const where = conditions.length === 0 ? sqlText('') : sql` WHERE ${sqlJoin(conditions, ' AND ')}`;
      const batch = await selectRecords(
        context.exec,
        sql`SELECT t.${sqlText(q('doc'))} AS doc FROM ${sqlText(table.table)} AS t${where}${order}${sqlText(` LIMIT ${batchSize}`)}`,
      );
      if (batch.length > 0) yield batch;
      if (batch.length < batchSize) return;
      const last = batch.at(-1)!;
      const position = { sort, after: sort.map(({ field }) => readPath(last, field) as ScalarValue | undefined) };
      after = compileSqlKeyset(dialect, table, position, (condition) => compileSqlFilter(dialect, table, condition), present);
    }
  }

  /** Each write its own compare-and-set UPDATE (and its list rows), checked against the unique indexes first. */
  async function updateOneByOne(exec: SqlExecutor, table: CollectionTable, writes: readonly VersionedWrite[]): Promise<WriteOutcome[]> {
    const compiledText = singleUpdateStatement(table);
    const outcomes: WriteOutcome[] = [];
    for (const { record, expectedVersion } of writes) {
      const row = table.row(record);
      const clash = table.uniqueIndexes.length === 0 ? undefined : await uniqueClashOfUpdate(exec, dialect, table, record);
      if (clash !== undefined) {
        const other = await missingOrConflict(exec, table, record.id, expectedVersion);
        outcomes.push(other ?? { ok: false, code: 'conflict', reason: 'unique', index: clash });
        continue;
      }
      const { affected } = await exec.runCompiled({ sql: compiledText, parameters: [...row.slice(1), row[0], expectedVersion] });
      if (affected === 0) {
        outcomes.push((await missingOrConflict(exec, table, record.id)) ?? staleVersion);
        continue;
      }
      if (table.hasValues) {
        await exec.run(sql`DELETE FROM ${sqlText(table.valuesTable)} WHERE ${sqlText(q('owner'))} = ${sqlParam(row[0], 'bin')}`);
        await insertValues(exec, table, table.valueRows(record, row[0] as Buffer));
      }
      outcomes.push({ ok: true });
    }
    return outcomes;
  }

  /**
   * Writes with distinct ids in a few statements: the rows' versions read and
   * held (`lockingRead`; SQLite's write transaction holds the whole file), the
   * writes whose version matches sent as multi-row UPDATEs where the dialect
   * has them (the version still checked per row), then their list rows
   * replaced in bulk. Each write's outcome is what it would be alone:
   * `not_found`, `stale_version` or ok.
   */
  async function updateBatched(exec: SqlExecutor, table: CollectionTable, writes: readonly VersionedWrite[]): Promise<WriteOutcome[]> {
    const versions = new Map<string, number>();
    const lock = sqlText(dialect.lockingRead);
    for (let start = 0; start < writes.length; start += idChunk) {
      const chunk = writes.slice(start, start + idChunk).map((write) => write.record.id);
      const { rows } = await exec.run(
        sql`SELECT ${sqlText(q('id'))} AS id, ${sqlText(q('version'))} AS version FROM ${sqlText(table.table)} WHERE ${sqlText(q('id'))} IN (${idList(chunk)})${lock}`,
      );
      for (const row of rows) versions.set(decodeKey(row.id as Uint8Array), Number(row.version));
    }
    const outcomes: WriteOutcome[] = writes.map(({ record, expectedVersion }) => {
      const stored = versions.get(record.id);
      if (stored === undefined) return { ok: false, code: 'not_found' };
      return stored === expectedVersion ? { ok: true } : staleVersion;
    });
    const applied = writes.filter((_, i) => outcomes[i]!.ok);
    const owners: Buffer[] = [];
    const valueRows: unknown[][] = [];
    const rowOf = (record: StoredRecord): unknown[] => {
      const row = table.row(record);
      if (table.hasValues) {
        owners.push(row[0] as Buffer);
        for (const valueRow of table.valueRows(record, row[0] as Buffer)) valueRows.push(valueRow);
      }
      return row;
    };
    const expectChanged = (affected: number, rows: number): void => {
      // Every row held at its version changes (its version goes up), on MySQL too.
      if (affected !== rows) throw new AdapterError(`${dialect.name}: an update changed ${affected} rows of ${rows} held at their versions`);
    };
    if (dialect.updateFromTuples === undefined) {
      const text = singleUpdateStatement(table);
      for (const { record, expectedVersion } of applied) {
        const row = rowOf(record);
        expectChanged((await exec.runCompiled({ sql: text, parameters: [...row.slice(1), row[0], expectedVersion] })).affected, 1);
      }
    } else {
      const set = table.rowColumns.slice(1);
      const tupleKinds = ['bin' as const, 'int' as const, ...table.rowKinds.slice(1).map(rowParamKind)];
      const perStatement = Math.min(maxRowsPerStatement, Math.floor(dialect.maxParameters / tupleKinds.length));
      for (let start = 0; start < applied.length; start += perStatement) {
        const chunk = applied.slice(start, start + perStatement);
        const parameters: unknown[] = [];
        for (const { record, expectedVersion } of chunk) {
          const row = rowOf(record);
          parameters.push(row[0], expectedVersion);
          for (let i = 1; i < row.length; i++) parameters.push(row[i]);
        }
        const { affected } = await exec.runCompiled({ sql: tupleUpdateStatement(table, set, tupleKinds, chunk.length), parameters });
        expectChanged(affected, chunk.length);
      }
    }
    for (let start = 0; start < owners.length; start += idChunk) {
      const chunk = owners.slice(start, start + idChunk);
      await exec.run(
        sql`DELETE FROM ${sqlText(table.valuesTable)} WHERE ${sqlText(q('owner'))} IN (${sqlJoin(chunk.map((owner) => sqlParam(owner, 'bin')), ', ')})`,
      );
    }
    await insertValues(exec, table, valueRows);
    return outcomes;
  }

  /** `not_found` or `stale_version` for a write that changed nothing; undefined when the record is there at `expectedVersion`. */
  async function missingOrConflict(exec: SqlExecutor, table: CollectionTable, id: string, expectedVersion?: number): Promise<WriteOutcome | undefined> {
    const { rows } = await exec.run(
      sql`SELECT ${sqlText(q('version'))} AS version FROM ${sqlText(table.table)} WHERE ${sqlText(q('id'))} = ${sqlParam(encodeKey(id), 'bin')}`,
    );
    if (rows.length === 0) return { ok: false, code: 'not_found' };
    if (expectedVersion !== undefined && Number(rows[0]!.version) === expectedVersion) return undefined;
    return staleVersion;
  }
}

function idList(ids: readonly string[]): SqlFragment {
  return sqlJoin(ids.map((id) => sqlParam(encodeKey(id), 'bin')), ', ');
}

function rowParamKind(kind: CollectionTable['rowKinds'][number]): ParamKind {
  switch (kind) {
    case 'id':
      return 'bin';
    case 'version':
      return 'int';
    case 'doc':
      return 'text';
    case 'ext':
      return 'json';
    default:
      return paramKindOf[kind];
  }
}

function placeholderOf(dialect: SqlDialect): (index: number, kind: ParamKind) => string {
  const sample = (kind: ParamKind): string => dialect.compile({ text: '?', params: [{ value: null, kind }] }).sql;
  const casts = new Map<ParamKind, string>();
  return (index, kind) => {
    let placeholder = casts.get(kind);
    if (placeholder === undefined) casts.set(kind, (placeholder = sample(kind)));
    return placeholder.replace('$1', `$${index + 1}`);
  };
}
