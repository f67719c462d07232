import { escapeFormula } from './spreadsheet-formula.js';

/**
 * One value as an RFC 4180 CSV cell: absent values empty, dates as ISO 8601,
 * lists and objects as JSON text, and a cell holding the delimiter, a quote,
 * a line break or edge whitespace quoted with its quotes doubled. With
 * `spreadsheetSafe`, a string that a spreadsheet would run as a formula is
 * escaped first ({@link escapeFormula}); numbers, dates and JSON never are. (Written by
 * hand rather than with `csv-stringify`: quoting is this one rule, and the
 * dependency would add a stream polyfill to browser bundles.)
 *
 * @example
 * ```ts
 * csvCell('say "hi"', ','); // '"say ""hi"""'
 * csvCell(['a', 'b'], ',');  // '"[""a"",""b""]"'
 * csvCell('=cmd()', ',', true); // "'=cmd()"
 * ```
 */
export function csvCell(value: unknown, delimiter: string, spreadsheetSafe = false): string {
  if (value === undefined || value === null) return '';
  const text =
    typeof value === 'string'
      ? spreadsheetSafe
        ? escapeFormula(value)
        : value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  const needsQuotes =
    text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') || text !== text.trim();
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}
