import { MigrationError } from '../../src/storage/index.js';
import { columnFieldType, type ColumnLayout, type IndexLayout, type StorageLayout, type TableLayout } from './table-layout.js';

/**
 * One named step of a migration. `backfill` fills added columns from the stored documents.
 *
 * @example
 * ```ts
 * const step: LayoutStep = { kind: 'add_column', collection: 'customers', column: { path: 'custom.tier', column: 'custom_tier', kind: 'long' } };
 * ```
 */
export type LayoutStep =
  | { readonly kind: 'create_table'; readonly table: TableLayout }
  | { readonly kind: 'add_column'; readonly collection: string; readonly column: ColumnLayout }
  | { readonly kind: 'backfill'; readonly collection: string; readonly columns: readonly ColumnLayout[] }
  | { readonly kind: 'bound_column'; readonly collection: string; readonly column: ColumnLayout }
  | { readonly kind: 'create_index'; readonly collection: string; readonly index: IndexLayout };

/**
 * What it takes to bring a recorded layout to a wanted one: the steps, and the layout after them.
 *
 * @example
 * ```ts
 * const { steps, layout } = planLayout(recorded, wanted);
 * ```
 */
export interface LayoutPlan {
  /** Append-only steps, in the order they run: tables, columns, backfills, indexes. */
  readonly steps: readonly LayoutStep[];
  /** The recorded layout with the steps applied (nothing is ever dropped). */
  readonly layout: StorageLayout;
}

/**
 * Plans the append-only difference between the layout a database has and the
 * one a schema asks for: new tables, new columns (then a backfill from the
 * stored documents), new indexes (an unbounded string column an index now
 * names becomes a bounded one first). Nothing is dropped: a column or index the
 * schema no longer names stays. A column whose field changed type, or an index
 * whose name now means other columns, is refused with {@link MigrationError}.
 *
 * @example
 * ```ts
 * const { steps } = planLayout(recorded, deriveStorageLayout(schema));
 * ```
 */
export function planLayout(recorded: StorageLayout, wanted: StorageLayout): LayoutPlan {
  const steps: LayoutStep[] = [];
  const tables = [...recorded.tables];
  const backfills: LayoutStep[] = [];
  const indexes: LayoutStep[] = [];
  for (const want of wanted.tables) {
    const position = tables.findIndex((t) => t.collection === want.collection);
    if (position === -1) {
      tables.push(want);
      steps.push({ kind: 'create_table', table: want });
      continue;
    }
    const have = tables[position]!;
    const added: ColumnLayout[] = [];
    for (const column of want.columns) {
      const existing = have.columns.find((c) => c.path === column.path);
      if (existing === undefined) {
        const name = have.columns.some((c) => c.column === column.column) ? `${column.column}_${have.columns.length}` : column.column;
        added.push({ ...column, column: name });
        continue;
      }
      if (columnFieldType(existing.kind) !== columnFieldType(column.kind)) {
        throw new MigrationError(
          'column_type_changed',
          `${want.collection}.${column.path} is stored as ${columnFieldType(existing.kind)} (column ${existing.column}) and is now declared ${columnFieldType(column.kind)}: ` +
            `declare the new type under a new field name and copy the values over, or keep the old type`,
        );
      }
    }
    const columns = [...have.columns, ...added];
    const columnOf = (path: string) => columns.find((c) => c.path === path)?.column;
    const newIndexes: IndexLayout[] = [];
    for (const index of want.indexes) {
      // The wanted index's columns, renamed to the columns this table really has.
      const paths = index.columns.map((name) => want.columns.find((c) => c.column === name)!.path);
      const resolved: IndexLayout = { ...index, columns: paths.map((p) => columnOf(p)!) };
      const existing = have.indexes.find((i) => i.name === index.name);
      if (existing === undefined) newIndexes.push(resolved);
      else if (existing.unique !== resolved.unique || existing.columns.join() !== resolved.columns.join()) {
        throw new MigrationError(
          'index_changed',
          `${want.collection}: the index ${index.name} exists over (${existing.columns.join(', ')})${existing.unique ? ', unique' : ''} and is now declared otherwise: give the new index a new name`,
        );
      }
    }
    for (const column of added) steps.push({ kind: 'add_column', collection: want.collection, column });
    if (added.length > 0) backfills.push({ kind: 'backfill', collection: want.collection, columns: added });
    // An unbounded string column a new index names becomes a bounded `key` column first.
    const indexed = new Set(newIndexes.flatMap((index) => index.columns));
    const bounded = columns.map((c) => (c.kind === 'long' && indexed.has(c.column) ? { ...c, kind: 'key' as const } : c));
    for (const column of bounded) if (column.kind === 'key' && columns.find((c) => c.column === column.column)!.kind === 'long') {
      indexes.push({ kind: 'bound_column', collection: want.collection, column });
    }
    for (const index of newIndexes) indexes.push({ kind: 'create_index', collection: want.collection, index });
    tables[position] = { ...have, columns: bounded, indexes: [...have.indexes, ...newIndexes] };
  }
  return { steps: [...steps, ...backfills, ...indexes], layout: { tables } };
}

/**
 * A step as one line for a migration's record and for people reading it.
 *
 * @example
 * ```ts
 * describeStep({ kind: 'add_column', collection: 'customers', column }); // 'add column customers.custom_tier'
 * ```
 */
export function describeStep(step: LayoutStep): string {
  switch (step.kind) {
    case 'create_table':
      return `create table ${step.table.table}`;
    case 'add_column':
      return `add column ${step.collection}.${step.column.column}`;
    case 'backfill':
      return `backfill ${step.collection}.${step.columns.map((c) => c.column).join(', ')} from doc`;
    case 'bound_column':
      return `bound column ${step.collection}.${step.column.column} for an index`;
    case 'create_index':
      return `create ${step.index.unique ? 'unique ' : ''}index ${step.collection}.${step.index.name}`;
  }
}
