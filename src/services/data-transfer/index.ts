import { defineModule, facadeFactory } from '../define-module.js';
import { ExportsFacade } from './exports-facade.js';
import { ImportsFacade } from './imports-facade.js';

export { ImportsFacade } from './imports-facade.js';
export { ExportsFacade, type ExportOptions } from './exports-facade.js';
export { dataFormats, type DataFormat, type ImportOptions, type CustomerKey } from './import-options.js';
export type { ImportIssue, ImportProgress, ImportReport, RejectedRow } from './import-report.js';
export { ImportParseError, importParseReasons, type ImportParseReason } from './import-parse-error.js';
export type { ImportSource } from './import-source.js';
export { defaultMaxRecordBytes, type CsvReadOptions } from './csv-rows.js';
export type { ColumnMapping, ImportMapping } from './row-mapping.js';
export {
  valueParserNames,
  valueIssueCodes,
  type ValueParserName,
  type ValueIssueCode,
  type ValueParserFunction,
  type ValueParserOptions,
} from './value-parsers.js';
export { csvCell } from './csv-cell.js';
export { escapeFormula, formulaTriggers, unescapeFormula } from './spreadsheet-formula.js';

/**
 * Import and export (`crm.imports`, `crm.exports`): CSV, JSON and NDJSON in
 * and out of any collection, streamed. A module of facades only; it adds no
 * collection. See `docs/import-export.md`.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter }); // dataTransferModule is built in
 * await crm.imports.customers(file, { format: 'csv', upsertBy: 'emails' });
 * ```
 */
export const dataTransferModule = defineModule({
  name: 'data-transfer',
  models: {},
  facades: {
    imports: facadeFactory((context) => new ImportsFacade(context)),
    exports: facadeFactory((context) => new ExportsFacade(context)),
  },
});
