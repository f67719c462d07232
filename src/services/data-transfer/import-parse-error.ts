import { ValidationError } from '../../storage/errors.js';

/**
 * Why an import stopped: the file is not well-formed `csv` (an unclosed quote,
 * a record over the size limit, …), `json` (not an array of objects, broken
 * syntax) or `ndjson` (a line that is not a JSON object).
 *
 * @example
 * ```ts
 * if (error instanceof ImportParseError && error.reason === 'malformed_csv') showLine(error.line);
 * ```
 */
export const importParseReasons = ['malformed_csv', 'malformed_json', 'malformed_ndjson'] as const;

/**
 * One of {@link importParseReasons}.
 *
 * @example
 * ```ts
 * const reason: ImportParseReason = 'malformed_csv';
 * ```
 */
export type ImportParseReason = (typeof importParseReasons)[number];

/**
 * The source could not be read past `row` (the data row being read, 1-based,
 * a CSV header not counted) at `line` (1-based, where known). A fatal error:
 * the rows before were imported (each batch is atomic), the rest were not.
 * `code` is `validation`; the parser's own error is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await crm.imports.customers(file, { format: 'csv' });
 * } catch (error) {
 *   if (error instanceof ImportParseError) console.log(error.reason, error.row, error.line);
 * }
 * ```
 */
export class ImportParseError extends ValidationError {
  /** What was wrong (see {@link importParseReasons}). */
  readonly reason: ImportParseReason;
  /** The data row being read, 1-based. */
  readonly row: number;
  /** The source line, 1-based, where the parser knows it. */
  readonly line: number | undefined;

  /** @internal Thrown by the import readers. */
  constructor(reason: ImportParseReason, row: number, line: number | undefined, detail: string, cause?: unknown) {
    super(`Import stopped at row ${row}${line === undefined ? '' : ` (line ${line})`}: ${detail}`, [
      { code: reason, path: [], message: detail },
    ], cause === undefined ? {} : { cause });
    this.name = 'ImportParseError';
    this.reason = reason;
    this.row = row;
    this.line = line;
  }
}
