import type { CrmIssue } from '../../storage/errors.js';

/**
 * One row as a reader gives it: its 1-based number among the data rows (a CSV
 * header not counted), the source line where known, and its values by column
 * (CSV cells as text) or key (a JSON object), or the issues that make the row
 * unreadable (a CSV row with more or fewer cells than the header).
 *
 * @example
 * ```ts
 * const row: SourceRow = { row: 1, line: 2, values: { email: 'ada@example.com' } };
 * ```
 */
export interface SourceRow {
  readonly row: number;
  readonly line?: number;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly issues?: readonly CrmIssue[];
}
