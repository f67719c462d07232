import type { ModelDefinition } from '../../schema/model-definition.js';
import { ValidationError, type CrmIssue } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import { readPath } from '../../storage/read-path.js';
import type { ServiceContext } from '../service-context.js';
import { csvCell } from './csv-cell.js';
import { dataFormats, type DataFormat } from './import-options.js';
import { knownFields } from './known-fields.js';

/**
 * Options of `crm.exports.stream`.
 *
 * @example
 * ```ts
 * const options: ExportOptions = { format: 'csv', where: where('kind', 'eq', 'purchase'), fields: ['id', 'customerId', 'purchase.orderId', 'purchase.amount', 'occurredAt'] };
 * ```
 */
export interface ExportOptions {
  /** The format written (see {@link dataFormats}). */
  readonly format: DataFormat;
  /** Which records (the filter language of `find`); every record by default. */
  readonly where?: Filter;
  /** Sort keys (as `find` takes them); by id by default. Paging is by keyset cursor either way. */
  readonly sort?: readonly { readonly field: string; readonly direction?: 'asc' | 'desc' }[];
  /**
   * The fields written, by dotted path (`purchase.amount`), in this order: the
   * CSV columns, or the keys of each JSON object. By default every top-level
   * field, nested objects and lists as JSON text in CSV cells.
   */
  readonly fields?: readonly string[];
  /** Records read per page (1,000 by default). */
  readonly batchSize?: number;
  /** The CSV delimiter, `,` by default. */
  readonly delimiter?: string;
  /**
   * CSV only: escape string cells a spreadsheet would run as a formula (those
   * beginning with `=`, `+`, `-`, `@`, tab or CR get a leading `'`; see
   * `escapeFormula`). On by default; `crm.imports` takes the escape off again,
   * so an export reads back exactly. `false` writes strings as they are.
   */
  readonly spreadsheetSafe?: boolean;
}

/**
 * `crm.exports`: any collection as CSV, JSON (one array) or NDJSON, streamed:
 * records are read a page at a time with the keyset cursor (`scan`) and
 * written as text chunks, so memory holds one page whatever the collection's
 * size. Dates are ISO 8601 text. What it writes, `crm.imports` reads back.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * Readable.from(crm.exports.stream('customers', { format: 'csv', fields: ['id', 'name', 'emails'] })).pipe(createWriteStream('customers.csv'));
 * ```
 */
export class ExportsFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
  }

  /**
   * The collection's matching records as text chunks (one per page). Bad
   * options (unknown collection, format or field; a bad filter) are a
   * `ValidationError` / `InvalidQueryError` on the first read.
   *
   * @example
   * ```ts
   * let csv = '';
   * for await (const chunk of crm.exports.stream('interactions', { format: 'csv', where: where('kind', 'eq', 'purchase') })) csv += chunk;
   * ```
   */
  async *stream(collection: string, options: ExportOptions): AsyncGenerator<string> {
    const services = this.#context.services;
    const service = Object.hasOwn(services, collection) ? services[collection] : undefined;
    const issues: CrmIssue[] = [];
    if (service === undefined) issues.push({ code: 'unknown_collection', path: ['collection'], message: `the crm has no collection ${JSON.stringify(collection)}` });
    if (typeof options !== 'object' || options === null || !(dataFormats as readonly string[]).includes(options.format)) {
      issues.push({ code: 'invalid_option', path: ['format'], message: `format is one of ${dataFormats.join(', ')}` });
    }
    if (service === undefined || issues.length > 0) throw new ValidationError(`Invalid export options: ${issues.map((issue) => issue.message).join('; ')}`, issues);
    const known = knownFields(service.collectionSchema, (service as unknown as { model?: ModelDefinition }).model);
    const fields = options.fields ?? known.topLevel;
    if (!Array.isArray(fields) || fields.length === 0) issues.push({ code: 'invalid_option', path: ['fields'], message: 'fields is a non-empty list of field paths' });
    else {
      fields.forEach((field, i) => {
        if (!known.isKnown(field)) issues.push({ code: 'unknown_field', path: ['fields', i], message: `${collection} has no field ${JSON.stringify(field)}` });
      });
    }
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      issues.push({ code: 'invalid_option', path: ['delimiter'], message: 'delimiter is one character other than a quote or a line break' });
    }
    const spreadsheetSafe = options.spreadsheetSafe ?? true;
    if (typeof spreadsheetSafe !== 'boolean') issues.push({ code: 'invalid_option', path: ['spreadsheetSafe'], message: 'spreadsheetSafe is true or false' });
    if (issues.length > 0) throw new ValidationError(`Invalid export options: ${issues.map((issue) => issue.message).join('; ')}`, issues);
    const { format } = options;
    const project = (record: object): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const field of fields) {
        const value = readPath(record, field);
        if (value !== undefined) out[field] = value;
      }
      return out;
    };
    if (format === 'csv') yield `${fields.map((field) => csvCell(field, delimiter, spreadsheetSafe)).join(delimiter)}\r\n`;
    if (format === 'json') yield '[';
    let first = true;
    const scan = service.scan({
      batchSize: options.batchSize ?? 1000,
      ...(options.where === undefined ? {} : { where: options.where }),
      ...(options.sort === undefined ? {} : { sort: options.sort }),
    } as never);
    for await (const batch of scan) {
      let chunk = '';
      for (const record of batch as object[]) {
        if (format === 'csv') chunk += `${fields.map((field) => csvCell(readPath(record, field), delimiter, spreadsheetSafe)).join(delimiter)}\r\n`;
        else if (format === 'ndjson') chunk += `${JSON.stringify(project(record))}\n`;
        else {
          chunk += `${first ? '\n' : ',\n'}${JSON.stringify(project(record))}`;
          first = false;
        }
      }
      if (chunk.length > 0) yield chunk;
    }
    if (format === 'json') yield first ? ']\n' : '\n]\n';
  }

  /**
   * {@link stream} as a web `ReadableStream` of text (pull-based: a page is
   * read when the consumer asks), for `Response` bodies and browsers.
   *
   * @example
   * ```ts
   * return new Response(crm.exports.readableStream('customers', { format: 'ndjson' }), { headers: { 'content-type': 'application/x-ndjson' } });
   * ```
   */
  readableStream(collection: string, options: ExportOptions): ReadableStream<string> {
    const chunks = this.stream(collection, options);
    return new ReadableStream<string>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
  }
}
