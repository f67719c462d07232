import { CompiledQuery, type Kysely } from 'kysely';
import { MigrationError, readPath } from '../../src/storage/index.js';
import { columnValue } from './collection-table.js';
import { decodeRecord } from './record-codec.js';
import { describeStep, planLayout, type LayoutPlan, type LayoutStep } from './layout-plan.js';
import {
  addColumnStatement,
  createIndexStatement,
  createTableStatements,
  layoutTableName,
  layoutTableStatement,
  type SchemaOptions,
} from './migration-statements.js';
import { numberPlaceholders, paramKindOf, type SqlDialect } from './sql-dialect.js';
import { qualifiedName } from './table-names.js';
import { indexedStringCapacity, type ColumnKind, type ColumnLayout, type StorageLayout, type TableLayout } from './table-layout.js';

type Db = Pick<Kysely<unknown>, 'executeQuery'>;

async function run(db: Db, text: string, parameters: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.executeQuery(CompiledQuery.raw(text, [...parameters]))).rows as Record<string, unknown>[];
}

/** The column names of one of crmkit's tables (name without prefix), or undefined when it does not exist. */
async function tableColumns(db: Db, dialect: SqlDialect, options: SchemaOptions, table: string): Promise<ReadonlySet<string> | undefined> {
  const name = options.prefix + table;
  const compiled = dialect.compile(
    dialect.name === 'sqlite'
      ? { text: 'SELECT name AS name FROM pragma_table_info(?)', params: [{ value: name, kind: 'text' }] }
      : dialect.name === 'postgres'
        ? {
            text: 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ?',
            params: [{ value: options.schema ?? null, kind: 'text' }, { value: name, kind: 'text' }],
          }
        : { text: 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?', params: [{ value: name, kind: 'text' }] },
  );
  const rows = await run(db, compiled.sql, compiled.parameters);
  return rows.length === 0 ? undefined : new Set(rows.map((row) => String(row.name ?? row.NAME)));
}

/**
 * The layout a database has: the last one recorded in `<prefix>layout`, or for
 * a database written before that record existed (crmkit's first layout, or a
 * fresh database), what its tables show: each wanted table that exists, with
 * the wanted columns it already has.
 *
 * @example
 * ```ts
 * const recorded = await readRecordedLayout(db, dialect, options, wanted);
 * ```
 */
export async function readRecordedLayout(
  db: Db,
  dialect: SqlDialect,
  options: SchemaOptions,
  wanted: StorageLayout,
): Promise<{ layout: StorageLayout; recorded: boolean }> {
  if ((await tableColumns(db, dialect, options, layoutTableName)) !== undefined) {
    const q = dialect.quote;
    const rows = await run(db, `SELECT ${q('layout')} AS layout FROM ${qualifiedName(dialect, options, layoutTableName)} ORDER BY ${q('name')} DESC`);
    if (rows.length > 0) return { layout: JSON.parse(rows[0]!.layout as string) as StorageLayout, recorded: true };
  }
  const legacy: TableLayout[] = [];
  for (const want of wanted.tables) {
    const columns = await tableColumns(db, dialect, options, want.table);
    if (columns === undefined) continue;
    legacy.push({ ...want, columns: want.columns.filter((c) => columns.has(c.column)), indexes: [], foreignKeys: [] });
  }
  return { layout: { tables: legacy }, recorded: false };
}

/**
 * What migrating would do to this database, planned without changing it.
 *
 * @example
 * ```ts
 * const plan = await planMigration(db, dialect, options, deriveStorageLayout(schema));
 * ```
 */
export async function planMigration(db: Db, dialect: SqlDialect, options: SchemaOptions, wanted: StorageLayout): Promise<LayoutPlan & { recorded: boolean }> {
  const { layout, recorded } = await readRecordedLayout(db, dialect, options, wanted);
  return { ...planLayout(layout, wanted), recorded };
}

/**
 * The SQL of a plan's steps (a backfill shows as a comment: crmkit runs it in
 * batches, reading each stored document).
 *
 * @example
 * ```ts
 * console.log(planStatements(dialect, options, plan).join(';\n'));
 * ```
 */
export function planStatements(dialect: SqlDialect, options: SchemaOptions, plan: LayoutPlan): string[] {
  const statements: string[] = [];
  if (options.schema !== undefined) statements.push(`CREATE SCHEMA IF NOT EXISTS ${dialect.quote(options.schema)}`);
  statements.push(layoutTableStatement(dialect, options));
  for (const step of plan.steps) statements.push(...stepStatements(dialect, options, plan, step));
  return statements;
}

function stepStatements(dialect: SqlDialect, options: SchemaOptions, plan: LayoutPlan, step: LayoutStep): string[] {
  const table = (collection: string) => plan.layout.tables.find((t) => t.collection === collection)!;
  switch (step.kind) {
    case 'create_table': {
      const created = plan.steps.filter((s) => s.kind === 'create_table').map((s) => s.table.collection);
      const before = plan.layout.tables.filter((t) => !created.includes(t.collection) || created.indexOf(t.collection) < created.indexOf(step.table.collection));
      return createTableStatements(dialect, options, step.table, { tables: before });
    }
    case 'add_column':
      return [addColumnStatement(dialect, options, table(step.collection), step.column)];
    case 'create_index':
      return [createIndexStatement(dialect, options, table(step.collection), step.index)];
    case 'backfill':
      return [`-- ${describeStep(step)} (crmkit reads each stored document)`];
    case 'bound_column':
      // Only MariaDB's types differ (LONGBLOB, which an index cannot hold whole, to VARBINARY); elsewhere the capacity check alone changes.
      return dialect.name === 'mysql'
        ? [`ALTER TABLE ${qualifiedName(dialect, options, table(step.collection).table)} MODIFY COLUMN ${dialect.quote(step.column.column)} ${dialect.type('key')}`]
        : [`-- ${describeStep(step)}: from now on at most ${indexedStringCapacity.key} bytes`];
  }
}

/**
 * Runs a migration on `db` (the Kysely migration's connection or transaction):
 * plans from the recorded layout, refuses a unique index over values stored
 * records already share before changing anything, creates tables, adds and
 * backfills columns, creates indexes, and records the new layout under `name`.
 * Steps already done by an interrupted run (MySQL and SQLite keep DDL outside
 * transactions) are skipped.
 *
 * @example
 * ```ts
 * await runLayoutMigration(trx, dialect, options, wanted, '0002_layout_ab12cd34');
 * ```
 */
export async function runLayoutMigration(db: Db, dialect: SqlDialect, options: SchemaOptions, wanted: StorageLayout, name: string): Promise<void> {
  if (options.schema !== undefined) await run(db, `CREATE SCHEMA IF NOT EXISTS ${dialect.quote(options.schema)}`);
  await run(db, layoutTableStatement(dialect, options));
  const plan = await planMigration(db, dialect, options, wanted);
  const tableOf = (collection: string) => plan.layout.tables.find((t) => t.collection === collection)!;
  for (const step of plan.steps) {
    if (step.kind === 'create_index' && step.index.unique) await refuseDuplicates(db, dialect, options, tableOf(step.collection), step.index.columns, step.index.name);
    if (step.kind === 'bound_column') await refuseLongValues(db, dialect, options, tableOf(step.collection), step.column);
  }
  for (const step of plan.steps) {
    if (step.kind === 'backfill') await backfill(db, dialect, options, tableOf(step.collection), step.columns.map((c) => c.column));
    else if (step.kind === 'add_column' && (await tableColumns(db, dialect, options, tableOf(step.collection).table))?.has(step.column.column)) continue;
    else for (const statement of stepStatements(dialect, options, plan, step)) if (!statement.startsWith('--')) await run(db, statement);
  }
  const record = dialect.compile({
    text: `INSERT INTO ${qualifiedName(dialect, options, layoutTableName)} VALUES (?, ?, ?)`,
    params: [name, JSON.stringify(plan.layout), JSON.stringify(plan.steps.map(describeStep))].map((value) => ({ value, kind: 'text' as const })),
  });
  await run(db, record.sql, record.parameters);
}

async function readDocs(db: Db, dialect: SqlDialect, options: SchemaOptions, layout: TableLayout, each: (id: unknown, doc: Record<string, unknown>) => Promise<void> | void) {
  const q = dialect.quote;
  const table = qualifiedName(dialect, options, layout.table);
  let after: unknown;
  for (;;) {
    const where = after === undefined ? '' : ` WHERE ${q('id')} > ${dialect.compile({ text: '?', params: [{ value: null, kind: 'bin' }] }).sql}`;
    const rows = await run(db, `SELECT ${q('id')} AS id, ${q('doc')} AS doc FROM ${table}${where} ORDER BY ${q('id')} LIMIT 1000`, after === undefined ? [] : [after]);
    for (const row of rows) await each(row.id, decodeRecord(row.doc as string));
    if (rows.length < 1000) return;
    after = rows.at(-1)!.id;
  }
}

async function refuseDuplicates(db: Db, dialect: SqlDialect, options: SchemaOptions, layout: TableLayout, columns: readonly string[], index: string) {
  const specs = columns.map((name) => layout.columns.find((c) => c.column === name)!);
  const seen = new Set<string>();
  let duplicate: string | undefined;
  await readDocs(db, dialect, options, layout, (_id, doc) => {
    if (duplicate !== undefined) return;
    const values = specs.map((c) => columnValue(c.kind, readPath(doc, c.path)));
    if (values.some((v) => v === null)) return;
    const key = JSON.stringify(values.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    if (seen.has(key)) duplicate = specs.map((c) => `${c.path} = ${JSON.stringify(readPath(doc, c.path))}`).join(', ');
    seen.add(key);
  });
  if (duplicate !== undefined) {
    throw new MigrationError(
      'unique_over_duplicates',
      `${layout.collection}: the unique index ${index} cannot be created, stored records share ${duplicate}: make the values distinct (or clear them) first, then open again`,
    );
  }
}

async function refuseLongValues(db: Db, dialect: SqlDialect, options: SchemaOptions, layout: TableLayout, column: ColumnLayout) {
  let longest: string | undefined;
  await readDocs(db, dialect, options, layout, (id, doc) => {
    const value = columnValue('key', readPath(doc, column.path));
    if (longest === undefined && Buffer.isBuffer(value) && value.length > indexedStringCapacity.key) longest = String(doc.id);
  });
  if (longest !== undefined) {
    throw new MigrationError(
      'value_too_long',
      `${layout.collection}: an index on ${column.path} needs values of at most ${indexedStringCapacity.key} bytes of UTF-8, and record ${JSON.stringify(longest)} holds more: shorten such values, or index another field`,
    );
  }
}

async function backfill(db: Db, dialect: SqlDialect, options: SchemaOptions, layout: TableLayout, names: readonly string[]) {
  const q = dialect.quote;
  const specs = names.map((name) => layout.columns.find((c) => c.column === name)!);
  const kinds = [...specs.map((c) => paramKindOf[c.kind as ColumnKind]), 'bin' as const];
  const text = `UPDATE ${qualifiedName(dialect, options, layout.table)} SET ${specs.map((c) => `${q(c.column)} = ?`).join(', ')} WHERE ${q('id')} = ?`;
  const compiled = numberPlaceholders({ text, params: kinds.map((kind) => ({ value: null, kind })) }, (i, kind) =>
    dialect.compile({ text: '?', params: [{ value: null, kind }] }).sql.replace('$1', `$${i + 1}`),
  ).sql;
  await readDocs(db, dialect, options, layout, async (id, doc) => {
    const values = specs.map((c) => columnValue(c.kind, readPath(doc, c.path)));
    if (values.every((v) => v === null)) return;
    await run(db, compiled, [...values, id]);
  });
}
