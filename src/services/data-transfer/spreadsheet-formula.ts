/**
 * The characters that make a spreadsheet read a CSV cell as a formula when a
 * cell begins with one (`=`, `+`, `-`, `@`, tab, carriage return): a customer
 * named `=HYPERLINK("https://evil.example", "click")` would run in the
 * spreadsheet of whoever opens the export (CSV injection, OWASP).
 *
 * @example
 * ```ts
 * formulaTriggers.includes('='); // true
 * ```
 */
export const formulaTriggers = ['=', '+', '-', '@', '\t', '\r'] as const;

const triggers: ReadonlySet<string> = new Set(formulaTriggers);

/** True when `text` begins with a formula trigger after any number of `'` (escapes written before). */
function needsEscape(text: string): boolean {
  let i = 0;
  while (text.charAt(i) === "'") i++;
  return triggers.has(text.charAt(i));
}

/**
 * A string value made safe to open in a spreadsheet: one that begins with a
 * {@link formulaTriggers} character gets a leading `'` (which spreadsheets
 * show as text and hide); so does one that already begins with `'`s and a
 * trigger, so that {@link unescapeFormula} gives every value back exactly.
 *
 * @example
 * ```ts
 * escapeFormula('=1+1');  // "'=1+1"
 * escapeFormula('Ada');   // 'Ada'
 * escapeFormula("'=x");   // "''=x"
 * ```
 */
export function escapeFormula(text: string): string {
  return needsEscape(text) ? `'${text}` : text;
}

/**
 * The inverse of {@link escapeFormula}: a cell that begins with `'` followed
 * by a trigger (after any further `'`s) loses that one leading `'`.
 *
 * @example
 * ```ts
 * unescapeFormula("'=1+1"); // '=1+1'
 * unescapeFormula("''=x");  // "'=x"
 * unescapeFormula("'tis");  // "'tis"
 * ```
 */
export function unescapeFormula(cell: string): string {
  return cell.charAt(0) === "'" && needsEscape(cell.slice(1)) ? cell.slice(1) : cell;
}
