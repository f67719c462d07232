import type { SqlDialect } from './sql-dialect.js';
import { objectName, qualifiedName, valuesTableName, type TableNaming } from './table-names.js';
import { tableLayouts, type TableLayout } from './table-layout.js';

/** Options that change the tables a migration creates. */
export interface SchemaOptions extends TableNaming {
  /** Declare foreign keys (ON DELETE RESTRICT) where the layout has them. */
  readonly foreignKeys: boolean;
}

/**
 * The DDL of migration 1: every collection's table, its `string[]` side table,
 * indexes and foreign keys, as idempotent statements (`IF NOT EXISTS`).
 *
 * @example
 * ```ts
 * for (const statement of initialSchemaStatements(sqliteDialect, { prefix: 'crm_', foreignKeys: true })) console.log(statement);
 * ```
 */
export function initialSchemaStatements(dialect: SqlDialect, options: SchemaOptions): string[] {
  const statements: string[] = [];
  if (options.schema !== undefined) statements.push(`CREATE SCHEMA IF NOT EXISTS ${dialect.quote(options.schema)}`);
  for (const layout of tableLayouts) statements.push(...tableStatements(dialect, options, layout));
  return statements;
}

function tableStatements(dialect: SqlDialect, options: SchemaOptions, layout: TableLayout): string[] {
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
      const target = tableLayouts.find((t) => t.collection === fk.collection)!;
      lines.push(
        `CONSTRAINT ${q(indexName(`${fk.column}_fk`))} FOREIGN KEY (${q(fk.column)}) REFERENCES ${qualifiedName(dialect, options, target.table)} (${q('id')}) ON DELETE RESTRICT`,
      );
    }
  }
  if (dialect.inlineIndexes) {
    for (const index of layout.indexes) lines.push(`INDEX ${q(indexName(index.name))} (${index.columns.map(q).join(', ')})`);
  }
  const statements = [`CREATE TABLE IF NOT EXISTS ${table} (\n  ${lines.join(',\n  ')}\n)${dialect.tableSuffix}`];
  if (!dialect.inlineIndexes) {
    for (const index of layout.indexes) {
      statements.push(`CREATE INDEX IF NOT EXISTS ${q(indexName(index.name))} ON ${table} (${index.columns.map(q).join(', ')})`);
    }
  }
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
 * Statements dropping every table crmkit created under these names (for tests
 * and teardown), children first.
 *
 * @example
 * ```ts
 * dropSchemaStatements(postgresDialect, { prefix: 't1_', foreignKeys: true });
 * ```
 */
export function dropSchemaStatements(dialect: SqlDialect, naming: TableNaming): string[] {
  const tables = [...tableLayouts].reverse().flatMap((layout) => [valuesTableName(layout), layout.table]);
  return [
    ...tables.map((name) => `DROP TABLE IF EXISTS ${qualifiedName(dialect, naming, name)}`),
    `DROP TABLE IF EXISTS ${qualifiedName(dialect, naming, 'migrations')}`,
    `DROP TABLE IF EXISTS ${qualifiedName(dialect, naming, 'migrations_lock')}`,
  ];
}
