import type { SqlDialect } from './sql-dialect.js';
import { objectName, qualifiedName, valuesTableName, type TableNaming } from './table-names.js';
import type { ColumnLayout, IndexLayout, StorageLayout, TableLayout } from './table-layout.js';

/** Options that change the tables a migration creates. */
export interface SchemaOptions extends TableNaming {
  /** Declare foreign keys (ON DELETE RESTRICT) where the layout has them. */
  readonly foreignKeys: boolean;
}

/**
 * The name of crmkit's table recording the applied layout, one row per
 * migration: `name` (the Kysely migration's name), `layout` (the whole
 * {@link StorageLayout} after it, as JSON) and `steps` (what it did, as JSON).
 *
 * @example
 * ```ts
 * layoutTableName; // 'layout', so crm_layout with the default prefix
 * ```
 */
export const layoutTableName = 'layout';

/**
 * The statement creating crmkit's layout record (idempotent).
 *
 * @example
 * ```ts
 * layoutTableStatement(sqliteDialect, { prefix: 'crm_', foreignKeys: true });
 * ```
 */
export function layoutTableStatement(dialect: SqlDialect, options: TableNaming): string {
  const q = (name: string) => dialect.quote(name);
  const text = dialect.name === 'mysql' ? 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : 'TEXT';
  const key = dialect.name === 'mysql' ? 'VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin' : 'TEXT';
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(dialect, options, layoutTableName)} (${q('name')} ${key} NOT NULL PRIMARY KEY, ${q('layout')} ${text} NOT NULL, ${q('steps')} ${text} NOT NULL)${dialect.tableSuffix}`;
}

/**
 * The DDL creating one collection's table and its `string[]` side table, with
 * its indexes and (when `options.foreignKeys`) the foreign keys to tables in
 * `existing`, as idempotent statements (`IF NOT EXISTS`).
 *
 * @example
 * ```ts
 * createTableStatements(sqliteDialect, { prefix: 'crm_', foreignKeys: true }, layout, layoutSoFar);
 * ```
 */
export function createTableStatements(dialect: SqlDialect, options: SchemaOptions, layout: TableLayout, existing: StorageLayout): string[] {
  const q = (name: string) => dialect.quote(name);
  const table = qualifiedName(dialect, options, layout.table);
  const lines = [
    `${q('id')} ${dialect.type('id')} NOT NULL PRIMARY KEY`,
    `${q('version')} ${dialect.type('version')} NOT NULL`,
    `${q('doc')} ${dialect.type('doc')} NOT NULL`,
    `${q('ext')} ${dialect.type('ext')}`,
    ...layout.columns.map((column) => `${q(column.column)} ${dialect.type(column.kind)}`),
  ];
  const indexName = (name: string) => objectName(options, `${layout.table}_${name}`);
  if (options.foreignKeys) {
    for (const fk of layout.foreignKeys) {
      const target = existing.tables.find((t) => t.collection === fk.collection);
      if (target === undefined) continue;
      lines.push(
        `CONSTRAINT ${q(indexName(`${fk.column}_fk`))} FOREIGN KEY (${q(fk.column)}) REFERENCES ${qualifiedName(dialect, options, target.table)} (${q('id')}) ON DELETE RESTRICT`,
      );
    }
  }
  if (dialect.inlineIndexes) {
    for (const index of layout.indexes) {
      lines.push(`${index.unique ? 'UNIQUE ' : ''}INDEX ${q(indexObjectName(options, layout, index))} (${index.columns.map(q).join(', ')})`);
    }
  }
  const statements = [`CREATE TABLE IF NOT EXISTS ${table} (\n  ${lines.join(',\n  ')}\n)${dialect.tableSuffix}`];
  if (!dialect.inlineIndexes) for (const index of layout.indexes) statements.push(createIndexStatement(dialect, options, layout, index));
  const values = qualifiedName(dialect, options, valuesTableName(layout));
  const valueLines = [
    `${q('owner')} ${dialect.type('id')} NOT NULL`,
    `${q('field')} ${dialect.type('field')} NOT NULL`,
    `${q('value')} ${dialect.type('value')} NOT NULL`,
    `PRIMARY KEY (${q('owner')}, ${q('field')}, ${q('value')})`,
    `CONSTRAINT ${q(indexName('values_owner_fk'))} FOREIGN KEY (${q('owner')}) REFERENCES ${table} (${q('id')}) ON DELETE CASCADE`,
  ];
  if (dialect.inlineIndexes) valueLines.push(`INDEX ${q(indexName('values_lookup'))} (${q('field')}, ${q('value')})`);
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${values} (\n  ${valueLines.join(',\n  ')}\n)${dialect.name === 'sqlite' ? ' WITHOUT ROWID' : dialect.tableSuffix}`,
  );
  if (!dialect.inlineIndexes) {
    statements.push(`CREATE INDEX IF NOT EXISTS ${q(indexName('values_lookup'))} ON ${values} (${q('field')}, ${q('value')})`);
  }
  return statements;
}

/**
 * The name of an index's SQL object: prefix, table and the index's declared name.
 *
 * @example
 * ```ts
 * indexObjectName({ prefix: 'crm_' }, layout, { name: 'customers_email', columns: ['email'], unique: true }); // 'crm_customers_customers_email'
 * ```
 */
export function indexObjectName(options: TableNaming, layout: Pick<TableLayout, 'table'>, index: Pick<IndexLayout, 'name'>): string {
  const name = /^[A-Za-z0-9_]{1,40}$/.test(index.name) ? index.name : `i${Buffer.from(index.name, 'utf8').toString('hex').slice(0, 30)}`;
  return objectName(options, `${layout.table}_${name}`);
}

/**
 * `CREATE [UNIQUE] INDEX IF NOT EXISTS` for an index added to an existing table
 * (MariaDB and PostgreSQL and SQLite take `IF NOT EXISTS`; MySQL 8 does not).
 *
 * @example
 * ```ts
 * createIndexStatement(postgresDialect, options, layout, index);
 * ```
 */
export function createIndexStatement(dialect: SqlDialect, options: TableNaming, layout: TableLayout, index: IndexLayout): string {
  const q = (name: string) => dialect.quote(name);
  const table = qualifiedName(dialect, options, layout.table);
  const name = indexObjectName(options, layout, index);
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${q(name)} ON ${table} (${index.columns.map(q).join(', ')})`;
}

/**
 * `ALTER TABLE … ADD COLUMN` for a field that gained a column (NULL until backfilled).
 *
 * @example
 * ```ts
 * addColumnStatement(sqliteDialect, options, layout, { path: 'custom.tier', column: 'custom_tier', kind: 'long' });
 * ```
 */
export function addColumnStatement(dialect: SqlDialect, options: TableNaming, layout: TableLayout, column: ColumnLayout): string {
  return `ALTER TABLE ${qualifiedName(dialect, options, layout.table)} ADD COLUMN ${dialect.quote(column.column)} ${dialect.type(column.kind)}`;
}

/**
 * Statements dropping every table of a layout (for tests and teardown),
 * children first, then crmkit's bookkeeping tables.
 *
 * @example
 * ```ts
 * dropSchemaStatements(postgresDialect, { prefix: 't1_' }, layout);
 * ```
 */
export function dropSchemaStatements(dialect: SqlDialect, naming: TableNaming, layout: StorageLayout): string[] {
  const tables = [...layout.tables].reverse().flatMap((table) => [valuesTableName(table), table.table]);
  return [
    ...tables.map((name) => `DROP TABLE IF EXISTS ${qualifiedName(dialect, naming, name)}`),
    ...[layoutTableName, 'migrations', 'migrations_lock'].map((name) => `DROP TABLE IF EXISTS ${qualifiedName(dialect, naming, name)}`),
  ];
}
