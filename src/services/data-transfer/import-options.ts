import type { CsvReadOptions } from './csv-rows.js';
import type { ImportProgress } from './import-report.js';
import type { ImportMapping } from './row-mapping.js';

/**
 * The formats imports read and exports write: `csv` (RFC 4180, a header row),
 * `json` (one array of objects) and `ndjson` (one JSON object per line).
 *
 * @example
 * ```ts
 * await crm.imports.customers(file, { format: 'ndjson' });
 * ```
 */
export const dataFormats = ['csv', 'json', 'ndjson'] as const;

/**
 * One of {@link dataFormats}.
 *
 * @example
 * ```ts
 * const format: DataFormat = 'csv';
 * ```
 */
export type DataFormat = (typeof dataFormats)[number];

/**
 * How an interactions import (or any collection with a `customerId`) finds
 * each row's customer: the source `column` holding the customer's key, and
 * the customer field it is (`emails`, `id`, or a unique field such as
 * `custom.shopifyId`). A row whose customer is not stored is rejected
 * (`customer_not_found`), one whose key two customers share too
 * (`ambiguous_customer`).
 *
 * @example
 * ```ts
 * const customer: CustomerKey = { column: 'email', by: 'emails' };
 * ```
 */
export interface CustomerKey {
  readonly column: string;
  readonly by: string;
}

/**
 * Options of `crm.imports.customers`, `.interactions` and `.into`.
 *
 * @example
 * ```ts
 * const options: ImportOptions = {
 *   format: 'csv',
 *   mapping: { order: 'purchase.orderId', total: { field: 'purchase.amount', parse: 'money' }, placed: 'occurredAt' },
 *   defaults: { kind: 'purchase', channel: 'web', purchase: { currency: 'EUR' } },
 *   customer: { column: 'email', by: 'emails' },
 *   upsertBy: 'purchase.orderId',
 * };
 * ```
 */
export interface ImportOptions {
  /** The source's format (see {@link dataFormats}). */
  readonly format: DataFormat;
  /** Source column → field (see {@link ImportMapping}); without it, columns are read as the fields they are named after. */
  readonly mapping?: ImportMapping;
  /** Field values every row starts from (`{ kind: 'purchase', channel: 'web' }`); the row's columns win. */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /**
   * Makes re-runs idempotent: the field that identifies a record, so a row
   * whose key is stored updates that record (or leaves it `unchanged`) rather
   * than creating another. A field with a unique index (`createCrm({ unique:
   * { interactions: ['purchase.orderId'] } })`, via `upsertMany`, safe
   * against concurrent writers), `id`, or `emails` (customers: the row's first
   * email finds the customer listing it). Another field is a `ValidationError`.
   * A key repeated within the file is the same record again (a repeated order
   * id is not a second purchase). The row's mapped top-level fields replace the
   * stored ones; the others are kept.
   */
  readonly upsertBy?: string;
  /** How each row's customer is found (interactions; see {@link CustomerKey}). */
  readonly customer?: CustomerKey;
  /** Rows per bulk write (1,000 by default, 1 to 5,000); each batch is atomic on adapters with transactions. */
  readonly batchSize?: number;
  /**
   * Validates and reports without writing: every batch is written in a
   * transaction that is rolled back, so the counts and rejected rows are what
   * the import would give (keys repeated across batches aside). Needs an
   * adapter with transactions (`UnsupportedError` otherwise).
   */
  readonly dryRun?: boolean;
  /** Called after every batch. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** The CSV dialect and record size limit (see {@link CsvReadOptions}). */
  readonly csv?: CsvReadOptions;
  /** How many rejected rows the report keeps (1,000 by default); `rejected` counts all. */
  readonly maxRejectedRows?: number;
}
