import type { ModelDefinition } from '../../schema/model-definition.js';
import { CrmError, UnsupportedError, ValidationError, type CrmIssue } from '../../storage/errors.js';
import { readPath } from '../../storage/read-path.js';
import { uniqueIndexOn } from '../../storage/unique-indexes.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import { sameValue } from '../customer-data/same-value.js';
import { csvRows } from './csv-rows.js';
import { ImportParseError } from './import-parse-error.js';
import { dataFormats, type ImportOptions } from './import-options.js';
import type { ImportIssue, ImportProgress, ImportReport, RejectedRow } from './import-report.js';
import { isImportSource, type ImportSource } from './import-source.js';
import { jsonRows, ndjsonRows } from './json-rows.js';
import { recordsByKey } from './record-lookup.js';
import { compileMapping, type CompiledMapping } from './row-mapping.js';
import type { SourceRow } from './source-row.js';

type Services = ServiceContext['services'];

/** A row ready to write: where it came from and the input it became. */
interface PendingRow {
  readonly row: number;
  readonly line: number | undefined;
  readonly input: Record<string, unknown>;
  readonly customerKey?: string;
  readonly key?: string;
}

/** How rows are written, from `upsertBy`. */
type WriteMode = { kind: 'create' } | { kind: 'upsert'; by: string } | { kind: 'lookup'; by: string };

/** Thrown inside a dry run's transaction to roll it back, carrying the result. */
class DryRunRollback {
  constructor(readonly value: unknown) {}
}

const maxBatchSize = 5000;
const emailKey = (key: string) => key.trim().toLowerCase();
const exactKey = (key: string) => key;

/**
 * `crm.imports`: CSV, JSON and NDJSON into any collection, streamed in
 * batches of bulk writes (memory holds one batch, never the file), each row
 * validated by the collection's service as `createMany` / `upsertMany` would,
 * bad rows reported with their row number and coded issues, the rest written.
 * See `docs/import-export.md`.
 *
 * @example
 * ```ts
 * const report = await crm.imports.customers(createReadStream('customers.csv'), {
 *   format: 'csv',
 *   mapping: { Email: 'emails', Name: 'name', Tags: { field: 'tags', parse: 'list' } },
 *   upsertBy: 'emails',
 * });
 * console.log(report.created, report.updated, report.rejectedRows);
 * ```
 */
export class ImportsFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
  }

  /**
   * Imports customers (see {@link ImportOptions}).
   *
   * @example
   * ```ts
   * await crm.imports.customers('name,emails\nAda,ada@example.com\n', { format: 'csv', upsertBy: 'emails' });
   * ```
   */
  customers(source: ImportSource, options: ImportOptions): Promise<ImportReport> {
    return this.into('customers', source, options);
  }

  /**
   * Imports interactions, orders especially: each row's customer found by
   * `options.customer`, `upsertBy: 'purchase.orderId'` (declared unique) so an
   * order imported twice is one purchase.
   *
   * @example
   * ```ts
   * const crm = await createCrm({ adapter, unique: { interactions: ['purchase.orderId'] } });
   * await crm.imports.interactions(ordersCsv, {
   *   format: 'csv',
   *   mapping: { order: 'purchase.orderId', total: { field: 'purchase.amount', parse: 'money' }, currency: 'purchase.currency', placed: 'occurredAt' },
   *   defaults: { kind: 'purchase', channel: 'web' },
   *   customer: { column: 'email', by: 'emails' },
   *   upsertBy: 'purchase.orderId',
   * });
   * ```
   */
  interactions(source: ImportSource, options: ImportOptions): Promise<ImportReport> {
    return this.into('interactions', source, options);
  }

  /**
   * Imports into any collection of the crm (a host module's too). Bad options
   * (unknown collection, format, field or parser in the mapping, an `upsertBy`
   * field that identifies nothing) are a `ValidationError` before anything is
   * read; a source that cannot be parsed stops the import with an
   * {@link ImportParseError}; bad rows are reported, not thrown.
   *
   * @example
   * ```ts
   * await crm.imports.into('deals', dealsNdjson, { format: 'ndjson', upsertBy: 'custom.externalId' });
   * ```
   */
  async into(collection: string, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
    const services = this.#context.services;
    const service = Object.hasOwn(services, collection) ? services[collection] : undefined;
    const issues: CrmIssue[] = [];
    if (service === undefined) issues.push({ code: 'unknown_collection', path: ['collection'], message: `the crm has no collection ${JSON.stringify(collection)}` });
    if (!isImportSource(source)) issues.push({ code: 'invalid_type', path: ['source'], message: 'the source is a string, a stream or an (async) iterable of chunks' });
    if (typeof options !== 'object' || options === null) {
      issues.push({ code: 'invalid_type', path: ['options'], message: 'options are an object with a format' });
      throw optionsError(issues);
    }
    if (!(dataFormats as readonly string[]).includes(options.format)) {
      issues.push({ code: 'invalid_option', path: ['format'], message: `format is one of ${dataFormats.join(', ')}` });
    }
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxBatchSize) {
      issues.push({ code: 'invalid_option', path: ['batchSize'], message: `batchSize is an integer from 1 to ${maxBatchSize}` });
    }
    const maxRejected = options.maxRejectedRows ?? 1000;
    if (!Number.isInteger(maxRejected) || maxRejected < 0) issues.push({ code: 'invalid_option', path: ['maxRejectedRows'], message: 'maxRejectedRows is a non-negative integer' });
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') issues.push({ code: 'invalid_option', path: ['onProgress'], message: 'onProgress is a function' });
    if (service === undefined || issues.length > 0) throw optionsError(issues);

    const customer = options.customer;
    let customerNormalize = exactKey;
    if (customer !== undefined) {
      const customers = services.customers;
      if (typeof customer !== 'object' || customer === null || typeof customer.column !== 'string' || typeof customer.by !== 'string') {
        issues.push({ code: 'invalid_option', path: ['customer'], message: 'customer is { column, by }' });
      } else if (service.collectionSchema.fields.customerId === undefined || customers === undefined) {
        issues.push({ code: 'invalid_option', path: ['customer'], message: `${collection} has no customerId to resolve` });
      } else if (!isKeyField(customers, customer.by)) {
        issues.push({ code: 'unknown_key_field', path: ['customer', 'by'], message: `customers cannot be found by ${JSON.stringify(customer.by)}: use id, emails or a unique field` });
      } else if (customer.by === 'emails') customerNormalize = emailKey;
    }
    const mode = writeModeOf(service, options.upsertBy, issues);
    const mapping = compileMapping(
      service.collectionSchema,
      modelOf(service),
      options.mapping,
      options.defaults,
      options.format,
      customer === undefined ? [] : [customer.column],
    );
    issues.push(...mapping.issues);
    if (options.dryRun === true && !this.#context.adapter.capabilities.transactions) {
      throw new UnsupportedError(`a dry run rolls its writes back, and the ${this.#context.adapter.name} adapter has no transactions`);
    }
    if (options.dryRun === true && this.#context.inTransaction) {
      // Its batches would join the open transaction, and rolling one back would be the caller's whole transaction.
      issues.push({ code: 'invalid_option', path: ['dryRun'], message: 'a dry run cannot run inside crm.transaction' });
    }
    if (issues.length > 0) throw optionsError(issues);

    const counts = { collection, dryRun: options.dryRun === true, rowsRead: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
    const rejectedRows: RejectedRow[] = [];
    // A batch's rejections (some found while reading, some when writing) join the report in row order.
    let batchRejected: RejectedRow[] = [];
    const reject = (row: { row: number; line?: number | undefined }, rowIssues: readonly ImportIssue[]) => {
      counts.rejected += 1;
      if (rejectedRows.length + batchRejected.length < maxRejected || batchRejected.some((other) => other.row > row.row)) {
        batchRejected.push({ row: row.row, ...(row.line === undefined ? {} : { line: row.line }), issues: rowIssues });
      }
    };
    const run: Run = {
      collection,
      mode,
      mapping,
      dryRun: options.dryRun === true,
      counts,
      reject,
      customerBy: customer?.by,
      customerColumn: customer?.column,
      customerNormalize,
      customerIds: new Map(),
    };

    const rows = readRows(source, options);
    let batch: PendingRow[] = [];
    const keys = new Set<string>();
    const flush = async () => {
      if (batch.length > 0) await this.#writeBatch(run, batch);
      rejectedRows.push(...batchRejected.sort((a, b) => a.row - b.row).slice(0, Math.max(0, maxRejected - rejectedRows.length)));
      batchRejected = [];
      batch = [];
      keys.clear();
      options.onProgress?.({ ...counts });
    };
    for await (const sourceRow of rows) {
      counts.rowsRead += 1;
      const pending = prepareRow(sourceRow, run, customer?.column, reject);
      if (pending === undefined) continue;
      if (pending.key !== undefined) {
        // The same key twice in one batch: the second row is the same record again, written after the first.
        if (keys.has(pending.key)) await flush();
        keys.add(pending.key);
      }
      batch.push(pending);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0 || batchRejected.length > 0 || counts.rowsRead === 0) await flush();
    return { ...counts, rejectedRows };
  }

  async #writeBatch(run: Run, batch: PendingRow[]): Promise<void> {
    let rows = batch;
    if (run.customerBy !== undefined) rows = await this.#resolveCustomers(run, rows);
    if (rows.length === 0) return;
    const { mode } = run;
    if (mode.kind === 'create') {
      await this.#attempt(run, rows, async (services, inputs) => {
        await services[run.collection]!.createMany(inputs);
        return inputs.map(() => 'created' as const);
      });
      return;
    }
    if (mode.kind === 'upsert') {
      await this.#attempt(run, rows, async (services, inputs) => {
        const results = await services[run.collection]!.upsertMany(inputs, { by: mode.by });
        return results.map((result) => (result.ok ? result.outcome : result.error));
      });
      return;
    }
    // Found by id or email: update the record the key names, create the others.
    const found = await recordsByKey(this.#context.services[run.collection]!, mode.by, rows.map((row) => row.key!), mode.by === 'emails' ? emailKey : exactKey);
    const creates: PendingRow[] = [];
    const updates: { row: PendingRow; current: Record<string, unknown> }[] = [];
    for (const row of rows) {
      const matches = found.get(mode.by === 'emails' ? emailKey(row.key!) : row.key!) ?? [];
      if (matches.length > 1) {
        run.reject(row, [{ code: 'ambiguous_match', path: mode.by.split('.'), message: `${matches.length} stored records hold this ${mode.by}` }]);
      } else if (matches.length === 1) {
        const current = matches[0]!;
        if (sameAfterParse(this.#context.services[run.collection]!, current, row.input)) run.counts.unchanged += 1;
        else updates.push({ row, current });
      } else creates.push(row);
    }
    if (updates.length > 0) {
      const currents = new Map(updates.map(({ row, current }) => [row, current]));
      await this.#attempt(run, updates.map(({ row }) => row), async (services, inputs, pending) => {
        const items = pending.map((row, i) => {
          const current = currents.get(row)!;
          const given = inputs[i]!;
          return {
            id: current.id as string,
            expectedVersion: current.version as number,
            recipe: (draft: Record<string, unknown>) => {
              for (const [field, value] of Object.entries(given)) if (field !== 'id' && !sameValue(draft[field], value)) draft[field] = value;
            },
          };
        });
        const results = await services[run.collection]!.updateMany(items as never);
        return results.map((result, i) =>
          !result.ok ? result.error : (result.record as { version: number }).version === items[i]!.expectedVersion ? ('unchanged' as const) : ('updated' as const),
        );
      });
    }
    if (creates.length > 0) {
      await this.#attempt(run, creates, async (services, inputs) => {
        await services[run.collection]!.createMany(inputs);
        return inputs.map(() => 'created' as const);
      });
    }
  }

  /**
   * Writes the rows with `write`; a `ValidationError` naming items rejects
   * those rows and writes the rest again (each attempt is one bulk write, so
   * nothing of a failed attempt stays). A dry run writes in a transaction it
   * rolls back. A batch-wide conflict (a unique value or id taken) is retried
   * row by row so the report names the rows.
   */
  async #attempt(
    run: Run,
    rows: readonly PendingRow[],
    write: (services: Services, inputs: Record<string, unknown>[], rows: readonly PendingRow[]) => Promise<(Outcome | CrmError)[]>,
  ): Promise<void> {
    let remaining = rows;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      try {
        const outcomes = await this.#inScope(run, (services) => write(services, remaining.map((row) => row.input), remaining));
        outcomes.forEach((outcome, i) => {
          if (typeof outcome === 'string') run.counts[outcome] += 1;
          else run.reject(remaining[i]!, [errorIssue(outcome)]);
        });
        return;
      } catch (error) {
        if (!(error instanceof CrmError) || error instanceof ImportParseError) throw error;
        const byIndex = new Map<number, ImportIssue[]>();
        for (const issue of error.issues) {
          const [index, ...path] = issue.path;
          if (typeof index !== 'number' || index < 0 || index >= remaining.length) continue;
          const list = byIndex.get(index) ?? [];
          const column = run.mapping.columnOf(path);
          list.push({ code: issue.code, path, message: issue.message, ...(column === undefined ? {} : { column }) });
          byIndex.set(index, list);
        }
        if (byIndex.size === 0) {
          if (remaining.length === 1 || !(error.code === 'conflict' || error.code === 'validation')) {
            if (remaining.length === 1 && (error.code === 'conflict' || error.code === 'validation' || error.code === 'not_found')) {
              run.reject(remaining[0]!, [errorIssue(error)]);
              return;
            }
            throw error;
          }
          // A batch-wide error naming no item: find the rows row by row.
          for (const row of remaining) await this.#attempt(run, [row], write);
          return;
        }
        for (const [index, list] of byIndex) run.reject(remaining[index]!, list);
        remaining = remaining.filter((_, index) => !byIndex.has(index));
        if (attempt > 3) {
          for (const row of remaining) await this.#attempt(run, [row], write);
          return;
        }
      }
    }
  }

  /** Runs `fn` with the crm's services, or in a transaction rolled back afterwards for a dry run. */
  async #inScope<T>(run: Run, fn: (services: Services) => Promise<T>): Promise<T> {
    if (!run.dryRun) return fn(this.#context.services);
    try {
      await this.#context.transaction(async (services) => {
        throw new DryRunRollback(await fn(services));
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.value as T;
      throw error;
    }
    throw new Error('unreachable: a dry run always rolls back');
  }

  /**
   * Sets each row's `customerId` from its customer key; rows whose customer is missing or
   * ambiguous are rejected. Keys found are remembered for the rest of the import (up to
   * {@link customerCacheSize} of them), so a file of many orders per customer looks each customer
   * up about once; an id remembered for a customer deleted meanwhile fails the write's reference
   * check and rejects the row.
   */
  async #resolveCustomers(run: Run, rows: readonly PendingRow[]): Promise<PendingRow[]> {
    const by = run.customerBy!;
    const cache = run.customerIds;
    const missing = rows.filter((row) => !cache.has(run.customerNormalize(row.customerKey!))).map((row) => row.customerKey!);
    const found = missing.length === 0 ? new Map<string, Record<string, unknown>[]>() : await recordsByKey(this.#context.services.customers!, by, missing, run.customerNormalize);
    if (cache.size + found.size > customerCacheSize) cache.clear();
    for (const [key, matches] of found) if (matches.length === 1) cache.set(key, matches[0]!.id as string);
    const kept: PendingRow[] = [];
    for (const row of rows) {
      const key = run.customerNormalize(row.customerKey!);
      const id = cache.get(key);
      if (id !== undefined) {
        row.input.customerId = id;
        kept.push(row);
        continue;
      }
      const matches = found.get(key) ?? [];
      run.reject(row, [
        matches.length === 0
          ? { code: 'customer_not_found', path: ['customerId'], column: run.customerColumn, message: `no customer has ${by} ${JSON.stringify(row.customerKey)}` }
          : { code: 'ambiguous_customer', path: ['customerId'], column: run.customerColumn, message: `${matches.length} customers have ${by} ${JSON.stringify(row.customerKey)}` },
      ]);
    }
    return kept;
  }
}

/** How many customer keys an import remembers (see `#resolveCustomers`). */
const customerCacheSize = 100_000;

type Outcome = 'created' | 'updated' | 'unchanged';

interface Run {
  readonly collection: string;
  readonly mode: WriteMode;
  readonly mapping: CompiledMapping;
  readonly dryRun: boolean;
  readonly counts: { -readonly [K in keyof ImportProgress]: ImportProgress[K] };
  readonly reject: (row: { row: number; line?: number | undefined }, issues: readonly ImportIssue[]) => void;
  readonly customerBy: string | undefined;
  readonly customerColumn?: string;
  readonly customerNormalize: (key: string) => string;
  /** Customer key → id, found earlier in this import. */
  readonly customerIds: Map<string, string>;
}

function readRows(source: ImportSource, options: ImportOptions): AsyncGenerator<SourceRow> {
  if (options.format === 'csv') return csvRows(source, options.csv ?? {});
  return options.format === 'json' ? jsonRows(source) : ndjsonRows(source);
}

/** Maps one source row; a row that cannot be written is rejected here and `undefined` comes back. */
function prepareRow(
  sourceRow: SourceRow,
  run: Run,
  customerColumn: string | undefined,
  reject: Run['reject'],
): PendingRow | undefined {
  if (sourceRow.issues !== undefined || sourceRow.values === undefined) {
    reject(sourceRow, sourceRow.issues ?? [{ code: 'invalid_type', path: [], message: 'the row is not an object' }]);
    return undefined;
  }
  if (typeof sourceRow.values !== 'object' || sourceRow.values === null || Array.isArray(sourceRow.values)) {
    reject(sourceRow, [{ code: 'invalid_type', path: [], message: 'the row is not an object' }]);
    return undefined;
  }
  const mapped = run.mapping.apply(sourceRow.values);
  if (mapped.input === undefined) {
    reject(sourceRow, mapped.issues);
    return undefined;
  }
  let customerKey: string | undefined;
  if (customerColumn !== undefined) {
    const raw = sourceRow.values[customerColumn];
    customerKey = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;
    if (customerKey === undefined || customerKey === '') {
      reject(sourceRow, [{ code: 'missing_customer_key', path: ['customerId'], column: customerColumn, message: `the row has no ${customerColumn}` }]);
      return undefined;
    }
  }
  let key: string | undefined;
  const { mode } = run;
  if (mode.kind !== 'create') {
    const value = readPath(mapped.input, mode.by);
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first === null || first === '' || (typeof first === 'object' && !(first instanceof Date))) {
      reject(sourceRow, [{ code: 'missing_key', path: mode.by.split('.'), message: `the row has no ${mode.by} to upsert by` }]);
      return undefined;
    }
    if (mode.kind === 'lookup') key = mode.by === 'emails' ? emailKey(String(first)) : String(first);
    else key = first instanceof Date ? `d${first.getTime()}` : `${typeof first}:${String(first)}`;
  }
  return {
    row: sourceRow.row,
    line: sourceRow.line,
    input: mapped.input,
    ...(customerKey === undefined ? {} : { customerKey }),
    ...(key === undefined ? {} : { key }),
  };
}

function writeModeOf(service: ModelService<any, any>, upsertBy: unknown, issues: CrmIssue[]): WriteMode {
  if (upsertBy === undefined) return { kind: 'create' };
  if (typeof upsertBy === 'string' && uniqueIndexOn(service.collectionSchema.indexes, upsertBy) !== undefined) return { kind: 'upsert', by: upsertBy };
  if (upsertBy === 'id' || (upsertBy === 'emails' && service.collectionSchema.fields.emails?.type === 'string[]')) return { kind: 'lookup', by: upsertBy };
  issues.push({
    code: 'unknown_upsert_field',
    path: ['upsertBy'],
    message: `${service.collection} cannot be upserted by ${JSON.stringify(upsertBy)}: use id, emails (customers) or a field with a unique index (createCrm({ unique }))`,
  });
  return { kind: 'create' };
}

function isKeyField(customers: ModelService<any, any>, field: string): boolean {
  return field === 'id' || field === 'emails' || uniqueIndexOn(customers.collectionSchema.indexes, field) !== undefined;
}

/** The model behind a service, for the mapping's field checks (top-level and managed fields). */
function modelOf(service: ModelService<any, any>): Pick<ModelDefinition, 'shape' | 'managedShape'> | undefined {
  return (service as unknown as { model?: ModelDefinition }).model;
}

/**
 * True when the row would leave the stored record as it is: the record with the row's top-level
 * fields, parsed by the collection's schema (so `ADA@example.com` is the stored `ada@example.com`),
 * equals the stored record. A row that does not parse is not the same (the update reports why).
 */
function sameAfterParse(service: ModelService<any, any>, current: Record<string, unknown>, input: Record<string, unknown>): boolean {
  const schema = (service as unknown as { schema?: { safeParse(value: unknown): { success: boolean; data?: unknown } } }).schema;
  if (schema === undefined) return false;
  const { id: _id, ...fields } = input;
  const parsed = schema.safeParse({ ...current, ...fields });
  return parsed.success && sameValue(parsed.data, current);
}

function errorIssue(error: CrmError): ImportIssue {
  const reason = (error as { reason?: unknown }).reason;
  return { code: typeof reason === 'string' ? reason : error.code, path: [], message: error.message };
}

function optionsError(issues: readonly CrmIssue[]): ValidationError {
  return new ValidationError(`Invalid import options: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
