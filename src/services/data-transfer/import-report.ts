import type { CrmIssue } from '../../storage/errors.js';

/**
 * One problem with one row: crmkit's or zod's issue `code` and the field
 * `path` (as the services report them: `['purchase', 'amount']`), the source
 * `column` it came from where known, and a `message` for people (branch on
 * `code` and `path`, never on `message`).
 *
 * @example
 * ```ts
 * const issue: ImportIssue = { code: 'invalid_money', path: ['purchase', 'amount'], column: 'total', message: '…' };
 * ```
 */
export interface ImportIssue extends CrmIssue {
  readonly column?: string;
}

/**
 * A row the import left out, with its 1-based number among the data rows (a
 * CSV header not counted), its source line where known, and why.
 *
 * @example
 * ```ts
 * for (const { row, issues } of report.rejectedRows) console.log(row, issues.map((issue) => issue.code));
 * ```
 */
export interface RejectedRow {
  readonly row: number;
  readonly line?: number;
  readonly issues: readonly ImportIssue[];
}

/**
 * Where an import stands, as `onProgress` hears it after every batch: rows
 * read so far and what became of them.
 *
 * @example
 * ```ts
 * const onProgress = (p: ImportProgress) => console.log(`${p.rowsRead} rows, ${p.rejected} rejected`);
 * ```
 */
export interface ImportProgress {
  /** The collection written to. */
  readonly collection: string;
  /** True for a dry run: the counts say what the import would do; nothing was written. */
  readonly dryRun: boolean;
  /** Data rows read (a CSV header not counted). */
  readonly rowsRead: number;
  /** Records created. */
  readonly created: number;
  /** Stored records (found by `upsertBy`) changed by their row. */
  readonly updated: number;
  /** Stored records their row left as they were (a re-run of the same file). */
  readonly unchanged: number;
  /** Rows left out (see {@link ImportReport.rejectedRows}). */
  readonly rejected: number;
}

/**
 * What an import did: the counts of {@link ImportProgress} and the rejected
 * rows with their reasons (the first `maxRejectedRows`, 1,000 by default, so
 * a broken file of any size keeps memory bounded; `rejected` counts them all).
 *
 * @example
 * ```ts
 * const report = await crm.imports.customers(file, { format: 'csv', upsertBy: 'emails' });
 * report.created; report.rejectedRows[0]?.issues[0]?.code;
 * ```
 */
export interface ImportReport extends ImportProgress {
  readonly rejectedRows: readonly RejectedRow[];
}
