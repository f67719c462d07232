import type { ModelDefinition } from '../../schema/model-definition.js';
import { writePath } from '../../storage/write-path.js';
import type { CollectionSchema } from '../../storage/collection-schema.js';
import type { CrmIssue } from '../../storage/errors.js';
import { readPath } from '../../storage/read-path.js';
import { knownFields } from './known-fields.js';
import { parseValue, valueParserNames, type ValueParserFunction, type ValueParserName, type ValueParserOptions } from './value-parsers.js';

/**
 * Where one source column goes: the field's dotted path (`purchase.amount`,
 * `custom.shopifyId`) and how the cell becomes its value (a named parser, or
 * the host's function). Without `parse` the field's type decides: dates by
 * `date`, numbers by `number`, booleans by `boolean`, lists from JSON text
 * (`["a","b"]`) or `|`-separated text, nested objects from JSON text.
 *
 * @example
 * ```ts
 * const total: ColumnMapping = { field: 'purchase.amount', parse: 'money', decimals: 2 };
 * ```
 */
export interface ColumnMapping extends ValueParserOptions {
  /** The field's dotted path. */
  readonly field: string;
  /** How the cell is read (see {@link valueParserNames}). */
  readonly parse?: ValueParserName | ValueParserFunction;
}

/**
 * Source column (CSV header, or a JSON object's key or dotted path) → field
 * path, or the full {@link ColumnMapping}. Columns not listed are ignored.
 * Without a mapping every column is read as the field of its own name, and
 * the base and managed fields (`createdAt`, `version`, `searchKeys`, …) a file
 * exported from a crm carries are skipped.
 *
 * @example
 * ```ts
 * const mapping: ImportMapping = { 'E-mail': 'emails', Name: 'name', Tags: { field: 'tags', parse: 'list', separator: ';' } };
 * ```
 */
export type ImportMapping = Readonly<Record<string, string | ColumnMapping>>;

interface Column {
  readonly column: string;
  readonly field: string;
  readonly read: (value: unknown) => { ok: true; value: unknown } | { ok: false; code: string };
}

/**
 * A mapping checked against a collection, turning source rows into create
 * inputs. `issues` are the mapping's own problems (unknown or read-only
 * fields, unknown parsers), reported by the facade as a `ValidationError`.
 *
 * @internal
 */
export interface CompiledMapping {
  readonly issues: readonly CrmIssue[];
  /** The input for one row, or the row's issues (paths are field paths; `column` names the source column). */
  apply(values: Readonly<Record<string, unknown>>): { input?: Record<string, unknown>; issues: (CrmIssue & { column?: string })[] };
  /** The source column a field path came from, for issue reports. */
  columnOf(path: readonly PropertyKey[]): string | undefined;
}

/**
 * Checks a mapping against a collection's fields and compiles it (see
 * {@link ImportMapping}). `fixed` are constant field values applied to every
 * row before the columns; `skipColumns` are read by the facade itself (the
 * customer key of an interactions import).
 *
 * @internal
 * @example
 * ```ts
 * const compiled = compileMapping(collectionSchema, model, { email: 'emails' }, { kind: 'person' }, 'csv', []);
 * ```
 */
export function compileMapping(
  collection: CollectionSchema,
  model: Pick<ModelDefinition, 'shape' | 'managedShape'> | undefined,
  mapping: ImportMapping | undefined,
  fixed: Readonly<Record<string, unknown>> | undefined,
  format: 'csv' | 'json' | 'ndjson',
  skipColumns: readonly string[],
): CompiledMapping {
  const issues: CrmIssue[] = [];
  const fields = collection.fields;
  const { isKnown, isReadonly } = knownFields(collection, model);
  const fixedEntries = Object.entries(fixed ?? {});
  for (const [field] of fixedEntries) {
    if (!isKnown(field)) issues.push({ code: 'unknown_field', path: ['defaults', field], message: `${collection.name} has no field ${JSON.stringify(field)}` });
    else if (isReadonly(field)) issues.push({ code: 'readonly_field', path: ['defaults', field], message: `${field} is maintained by crmkit` });
  }
  const defaultReader = (field: string): Column['read'] => {
    const type = fields[field]?.type;
    if (type === 'date') return (value) => parseValue('date', value, {});
    if (type === 'number') return (value) => parseValue('number', value, {});
    if (type === 'boolean') return (value) => parseValue('boolean', value, {});
    if (format !== 'csv') return (value) => ({ ok: true, value });
    if (type === 'string') return (value) => ({ ok: true, value });
    if (type === 'string[]') return (value) => (String(value).trimStart().startsWith('[') ? parseValue('json', value, {}) : parseValue('list', value, {}));
    return (value) => (jsonText.test(String(value)) ? parseValue('json', value, {}) : { ok: true, value });
  };
  const columns: Column[] = [];
  if (mapping !== undefined) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
      issues.push({ code: 'invalid_type', path: ['mapping'], message: 'mapping is an object: source column → field path or { field, parse }' });
    } else {
      for (const [column, target] of Object.entries(mapping)) {
        const spec: Partial<ColumnMapping> = typeof target === 'string' ? { field: target } : typeof target === 'object' && target !== null ? target : {};
        const path = ['mapping', column];
        if (typeof spec.field !== 'string') {
          issues.push({ code: 'invalid_type', path, message: `the mapping of column ${JSON.stringify(column)} names no field` });
          continue;
        }
        if (!isKnown(spec.field)) {
          issues.push({ code: 'unknown_field', path, message: `${collection.name} has no field ${JSON.stringify(spec.field)}` });
          continue;
        }
        if (isReadonly(spec.field)) {
          issues.push({ code: 'readonly_field', path, message: `${spec.field} is maintained by crmkit` });
          continue;
        }
        const parse = spec.parse;
        let read: Column['read'];
        if (parse === undefined) read = defaultReader(spec.field);
        else if (typeof parse === 'function') {
          read = (value) => {
            try {
              return { ok: true, value: parse(value) };
            } catch {
              return { ok: false, code: 'parser_failed' };
            }
          };
        } else if ((valueParserNames as readonly string[]).includes(parse)) {
          const options: ValueParserOptions = { ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }), ...(spec.separator === undefined ? {} : { separator: spec.separator }) };
          read = (value) => parseValue(parse, value, options);
        } else {
          issues.push({ code: 'unknown_parser', path: [...path, 'parse'], message: `unknown parser ${JSON.stringify(parse)}; one of ${valueParserNames.join(', ')}` });
          continue;
        }
        columns.push({ column, field: spec.field, read });
      }
    }
  }
  const skip = new Set(skipColumns);
  const byField = new Map(columns.map((column) => [column.field, column.column]));

  const apply: CompiledMapping['apply'] = (values) => {
    const rowIssues: (CrmIssue & { column?: string })[] = [];
    const input: Record<string, unknown> = {};
    // A copy per row: a column writing inside a default object (`purchase.amount` into `purchase`) must not change the next row's.
    for (const [field, value] of fixedEntries) writePath(input, field, typeof value === 'object' && value !== null ? structuredClone(value) : value);
    const put = (column: string, field: string, read: Column['read'], raw: unknown) => {
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '' && format === 'csv')) return;
      const parsed = read(raw);
      if (parsed.ok) {
        if (parsed.value !== undefined) writePath(input, field, parsed.value);
      } else rowIssues.push({ code: parsed.code, path: field.split('.'), column, message: `column ${JSON.stringify(column)} could not be read (${parsed.code})` });
    };
    if (mapping !== undefined) {
      for (const { column, field, read } of columns) {
        const raw = Object.hasOwn(values, column) ? values[column] : column.includes('.') ? readPath(values, column) : undefined;
        put(column, field, read, raw);
      }
    } else if (format === 'csv') {
      for (const [column, raw] of Object.entries(values)) {
        if (skip.has(column) || isReadonly(column) || column === '') continue;
        put(column, column, defaultReader(column), raw);
      }
    } else {
      for (const [key, raw] of Object.entries(values)) {
        if (skip.has(key) || isReadonly(key)) continue;
        input[key] = raw;
      }
    }
    {
      // Dates travel as ISO text in JSON (and in JSON cells): read the date fields the catalogue knows.
      for (const [path, definition] of Object.entries(fields)) {
        if (definition.type !== 'date' || isReadonly(path)) continue;
        const raw = readPath(input, path);
        if (typeof raw !== 'string') continue;
        const parsed = parseValue('date', raw, {});
        if (parsed.ok) writePath(input, path, parsed.value);
        else rowIssues.push({ code: parsed.code, path: path.split('.'), column: path, message: `${path} is not an ISO 8601 date` });
      }
    }
    return rowIssues.length > 0 ? { issues: rowIssues } : { input, issues: rowIssues };
  };
  const columnOf = (path: readonly PropertyKey[]): string | undefined => {
    for (let length = path.length; length > 0; length--) {
      const field = path.slice(0, length).join('.');
      const column = byField.get(field);
      if (column !== undefined) return column;
      if (mapping === undefined && length === path.length) return field;
    }
    return undefined;
  };
  return { issues, apply, columnOf };
}

/** Text that reads as a JSON array or object. */
const jsonText = /^\s*[[{]/;

