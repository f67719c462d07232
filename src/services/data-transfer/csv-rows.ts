import type { CrmIssue } from '../../storage/errors.js';
import { ImportParseError } from './import-parse-error.js';
import { textChunks, type ImportSource } from './import-source.js';
import type { SourceRow } from './source-row.js';
import { unescapeFormula } from './spreadsheet-formula.js';

/**
 * Options of the CSV reader.
 *
 * @example
 * ```ts
 * const csv: CsvReadOptions = { delimiter: ';', maxRecordBytes: 1 << 20 };
 * ```
 */
export interface CsvReadOptions {
  /** The field delimiter, `,` by default. */
  readonly delimiter?: string;
  /** The quote character, `"` by default. */
  readonly quote?: string;
  /**
   * The largest record the reader holds, in bytes (8 MiB by default): a
   * longer one (an unclosed quote swallowing the file, say) stops the import
   * with an {@link ImportParseError}, so memory stays bounded.
   */
  readonly maxRecordBytes?: number;
  /**
   * Take off the escape `crm.exports` puts on cells a spreadsheet would run
   * as a formula (a leading `'` before `=`, `+`, `-`, `@`, tab or CR; see
   * `unescapeFormula`). On by default; `false` keeps every cell as written.
   */
  readonly spreadsheetSafe?: boolean;
}

/**
 * The default of {@link CsvReadOptions.maxRecordBytes}: 8 MiB.
 *
 * @example
 * ```ts
 * await crm.imports.customers(file, { format: 'csv', csv: { maxRecordBytes: 4 * defaultMaxRecordBytes } });
 * ```
 */
export const defaultMaxRecordBytes = 8 * 1024 * 1024;

/**
 * The rows of a CSV source, streamed through `csv-parse` (RFC 4180: quoted
 * fields with embedded delimiters, quotes and newlines; CRLF or LF; a byte
 * order mark dropped). The first record is the header; blank lines are
 * skipped; a row with more or fewer cells than the header comes back with a
 * `column_count` issue instead of values. Broken syntax is an
 * {@link ImportParseError} with the row and line. `csv-parse` is loaded on
 * first use (its Node build in Node, its browser build in bundlers), so a crm
 * that never reads CSV does not load it.
 *
 * @example
 * ```ts
 * for await (const row of csvRows('email,name\nada@example.com,Ada\n')) row.values; // { email: 'ada@example.com', name: 'Ada' }
 * ```
 */
export async function* csvRows(source: ImportSource, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  const { parse } = await import('#csv-parse');
  // Records are taken from `on_record`, synchronously inside each write, rather than from the
  // stream's readable side: a parse error destroys the stream and would drop the records before it.
  let parsed: { record: string[]; lines: number }[] = [];
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    max_record_size: options.maxRecordBytes ?? defaultMaxRecordBytes,
    on_record: (record: string[], context: { lines: number }) => {
      parsed.push({ record, lines: context.lines });
      return null;
    },
  });
  parser.resume();
  // A parse error reaches the write's callback and the 'error' event; listening keeps it from being uncaught.
  let streamError: unknown;
  parser.on('error', (error: unknown) => void (streamError ??= error));
  const write = (text: string | undefined) =>
    new Promise<unknown>((resolve) => {
      const done = (error?: unknown) => resolve(error ?? streamError);
      if (text === undefined) parser.end(done);
      else parser.write(text, done);
    });
  const unescape = options.spreadsheetSafe === false ? (cell: string) => cell : unescapeFormula;
  let header: string[] | undefined;
  let row = 0;
  let lastLine = 0;
  function* drain(): Generator<SourceRow> {
    const records = parsed;
    parsed = [];
    for (const { record, lines } of records) {
      lastLine = lines;
      if (header === undefined) {
        header = record.map((name) => name.trim());
        continue;
      }
      row += 1;
      if (record.length !== header.length) {
        const issue: CrmIssue = { code: 'column_count', path: [], message: `the row has ${record.length} cells, the header ${header.length}` };
        yield { row, line: lines, issues: [issue] };
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = unescape(record[i]!);
      yield { row, line: lines, values };
    }
  }
  const failed = (error: unknown): ImportParseError => {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines : lastLine + 1;
    return new ImportParseError('malformed_csv', row + 1, line, (error as Error).message, error);
  };
  try {
    for await (const text of textChunks(source)) {
      const error = await write(text);
      yield* drain();
      if (error !== undefined) throw failed(error);
    }
    const error = await write(undefined);
    yield* drain();
    if (error !== undefined) throw failed(error);
  } finally {
    parser.destroy();
  }
}
