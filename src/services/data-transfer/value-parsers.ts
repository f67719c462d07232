/**
 * The named value parsers a column mapping may name: `string` (trimmed
 * text), `number`, `integer`, `boolean` (`true`/`false`, `yes`/`no`, `1`/`0`),
 * `date` (ISO 8601 text, or epoch milliseconds), `money` (a decimal amount,
 * `49.99`, to integer minor units: `4999`; `decimals` 2 unless given), `list`
 * (text split on `separator`, `|` unless given, each item trimmed, empty
 * items dropped) and `json` (JSON text, for nested fields such as addresses
 * or line items).
 *
 * @example
 * ```ts
 * const mapping = { total: { field: 'purchase.amount', parse: 'money' }, placed: { field: 'occurredAt', parse: 'date' } };
 * ```
 */
export const valueParserNames = ['string', 'number', 'integer', 'boolean', 'date', 'money', 'list', 'json'] as const;

/**
 * One of {@link valueParserNames}.
 *
 * @example
 * ```ts
 * const parse: ValueParserName = 'money';
 * ```
 */
export type ValueParserName = (typeof valueParserNames)[number];

/**
 * The issue codes a value parser reports for a cell it cannot read.
 *
 * @example
 * ```ts
 * report.rejectedRows[0]?.issues[0]?.code; // 'invalid_money'
 * ```
 */
export const valueIssueCodes = ['invalid_number', 'invalid_integer', 'invalid_boolean', 'invalid_date', 'invalid_money', 'invalid_json', 'parser_failed'] as const;

/**
 * One of {@link valueIssueCodes}.
 *
 * @example
 * ```ts
 * const code: ValueIssueCode = 'invalid_date';
 * ```
 */
export type ValueIssueCode = (typeof valueIssueCodes)[number];

/**
 * A host's own parser: takes the cell (text for CSV, any JSON value for JSON
 * and NDJSON) and returns the field's value, `undefined` to leave the field
 * out, or throws to reject the row (issue `parser_failed`).
 *
 * @example
 * ```ts
 * const cents: ValueParserFunction = (cell) => Math.round(Number(String(cell).replace(',', '.')) * 100);
 * ```
 */
export type ValueParserFunction = (value: unknown) => unknown;

/** The outcome of a parser: the value, or the code of what was wrong. @internal */
export type ParsedValue = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: ValueIssueCode };

/**
 * Options of the `money` and `list` parsers.
 *
 * @example
 * ```ts
 * const yen: ValueParserOptions = { decimals: 0 };
 * const tags: ValueParserOptions = { separator: ';' };
 * ```
 */
export interface ValueParserOptions {
  /** `money`: digits after the decimal point of the currency's minor unit (2 for EUR, 0 for JPY). */
  readonly decimals?: number;
  /** `list`: the separator between items. */
  readonly separator?: string;
}

const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const decimal = /^([+-])?(\d+)(?:\.(\d*))?$/;

/**
 * Runs a named parser on one value. Text is trimmed first; JSON values that
 * already have the parser's type pass through.
 *
 * @internal
 * @example
 * ```ts
 * parseValue('money', '49.99', {}); // { ok: true, value: 4999 }
 * ```
 */
export function parseValue(name: ValueParserName, value: unknown, options: ValueParserOptions): ParsedValue {
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (name) {
    case 'string':
      return { ok: true, value: text ?? value };
    case 'number': {
      if (typeof value === 'number') return { ok: true, value };
      const n = text === undefined || text === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, code: 'invalid_number' };
    }
    case 'integer': {
      const n = typeof value === 'number' ? value : text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, code: 'invalid_integer' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const lower = text?.toLowerCase();
      if (lower === 'true' || lower === 'yes' || lower === '1') return { ok: true, value: true };
      if (lower === 'false' || lower === 'no' || lower === '0') return { ok: true, value: false };
      return { ok: false, code: 'invalid_boolean' };
    }
    case 'date': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? { ok: false, code: 'invalid_date' } : { ok: true, value };
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: new Date(value) };
      if (text === undefined || !isoDate.test(text)) return { ok: false, code: 'invalid_date' };
      const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
      return Number.isNaN(date.getTime()) ? { ok: false, code: 'invalid_date' } : { ok: true, value: date };
    }
    case 'money': {
      const decimals = options.decimals ?? 2;
      const source = typeof value === 'number' ? String(value) : text;
      const match = source === undefined ? null : decimal.exec(source);
      const fraction = match?.[3] ?? '';
      if (match === null || fraction.length > decimals) return { ok: false, code: 'invalid_money' };
      const minor = Number(`${match[2]}${fraction.padEnd(decimals, '0')}`);
      if (!Number.isSafeInteger(minor)) return { ok: false, code: 'invalid_money' };
      return { ok: true, value: match[1] === '-' ? -minor : minor };
    }
    case 'list': {
      if (Array.isArray(value)) return { ok: true, value };
      if (text === undefined) return { ok: true, value };
      return { ok: true, value: text.split(options.separator ?? '|').map((item) => item.trim()).filter((item) => item.length > 0) };
    }
    case 'json': {
      if (text === undefined) return { ok: true, value };
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, code: 'invalid_json' };
      }
    }
  }
}
