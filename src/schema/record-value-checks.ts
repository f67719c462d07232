import type * as z from 'zod';
import { readPath } from '../storage/read-path.js';
import { isWellFormedString, utf8ByteLength } from '../storage/well-formed-string.js';
import {
  maxListElementBytes,
  maxListElements,
  maxRecordDepth,
  reservedKeys,
  storedDateRange,
  type StoredValueIssueCode,
} from './stored-value-limits.js';

const reserved = new Set<string>(reservedKeys);

/** Where a value sits, as a linked list from the leaf up, so that walking allocates no arrays. */
interface PathNode {
  readonly parent: PathNode | undefined;
  readonly key: string | number;
  readonly depth: number;
}

function step(parent: PathNode | undefined, key: string | number): PathNode {
  return { parent, key, depth: parent === undefined ? 1 : parent.depth + 1 };
}

function toArray(path: PathNode | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let node = path; node !== undefined; node = node.parent) keys.push(node.key);
  return keys.reverse();
}

function report(ctx: z.RefinementCtx, code: StoredValueIssueCode, path: PathNode | (string | number)[] | undefined, message: string): void {
  ctx.addIssue({ code: 'custom', path: Array.isArray(path) ? path : toArray(path), message, params: { code } });
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Runs before a record's schema: copies the candidate's plain objects and
 * arrays (so nothing the schema keeps is the caller's object), turns `-0` into
 * `0`, and reports strings and keys that are not well-formed UTF-16
 * (`malformed_string`), reserved keys (`reserved_key`) and nesting beyond
 * {@link maxRecordDepth} (`too_deep`) anywhere, custom free JSON included.
 *
 * @example
 * ```ts
 * const schema = z.preprocess(prepareRecordInput, z.object({ n: z.number() }));
 * Object.is(schema.parse({ n: -0 }).n, 0); // true
 * ```
 */
export function prepareRecordInput(input: unknown, ctx: z.RefinementCtx): unknown {
  return prepare(input, undefined, ctx);
}

function prepare(value: unknown, path: PathNode | undefined, ctx: z.RefinementCtx): unknown {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (typeof value === 'string') {
    if (!isWellFormedString(value)) report(ctx, 'malformed_string', path, 'a string must be well-formed UTF-16 (it holds a lone surrogate)');
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return value; // a Date, or something the schema refuses
  if ((path?.depth ?? 0) >= maxRecordDepth) {
    report(ctx, 'too_deep', path, `objects and arrays nest at most ${maxRecordDepth} levels in a record`);
    return value;
  }
  if (isArray) return value.map((item, i) => prepare(item, step(path, i), ctx));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (reserved.has(key)) {
      report(ctx, 'reserved_key', step(path, key), `${JSON.stringify(key)} cannot be a field name (${reservedKeys.join(', ')} are reserved)`);
      continue;
    }
    if (!isWellFormedString(key)) {
      report(ctx, 'malformed_string', step(path, key), 'a field name must be well-formed UTF-16 (it holds a lone surrogate)');
      continue;
    }
    copy[key] = prepare((value as Record<string, unknown>)[key], step(path, key), ctx);
  }
  return copy;
}

/**
 * Runs after a record's schema, on what would be stored: dates within
 * {@link storedDateRange} (`date_out_of_range`), strings well-formed and `-0`
 * made `0` also where the schema's own transforms produced them, and the
 * filterable string lists at `listFields` within {@link maxListElements}
 * elements (`list_too_long`) of at most {@link maxListElementBytes} UTF-8 bytes
 * each (`list_element_too_long`). Returns the record, normalized in place.
 *
 * @example
 * ```ts
 * const schema = z.object({ tags: z.array(z.string()) }).transform((r, ctx) => checkStoredRecord(r, ['tags'], ctx));
 * schema.safeParse({ tags: ['x'.repeat(2000)] }).success; // false
 * ```
 */
export function checkStoredRecord<T>(record: T, listFields: readonly string[], ctx: z.RefinementCtx): T {
  const normalized = check(record, undefined, ctx) as T;
  if (typeof normalized !== 'object' || normalized === null) return normalized;
  for (const field of listFields) {
    const list = readPath(normalized, field);
    if (!Array.isArray(list)) continue;
    const at = field.split('.');
    if (list.length > maxListElements) {
      report(ctx, 'list_too_long', at, `a list holds at most ${maxListElements} elements; got ${list.length}`);
    }
    list.forEach((element, i) => {
      if (typeof element === 'string' && utf8ByteLength(element) > maxListElementBytes) {
        report(ctx, 'list_element_too_long', [...at, i], `a list element takes at most ${maxListElementBytes} bytes in UTF-8; got ${utf8ByteLength(element)}`);
      }
    });
  }
  return normalized;
}

function check(value: unknown, path: PathNode | undefined, ctx: z.RefinementCtx): unknown {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (typeof value === 'string') {
    if (!isWellFormedString(value)) report(ctx, 'malformed_string', path, 'a string must be well-formed UTF-16 (it holds a lone surrogate)');
    return value;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    if (!(time >= storedDateRange.min && time <= storedDateRange.max)) {
      report(ctx, 'date_out_of_range', path, 'a stored date lies between 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z');
    }
    return value;
  }
  if (typeof value !== 'object' || value === null || (path?.depth ?? 0) > maxRecordDepth) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const next = check(value[i], step(path, i), ctx);
      if (!Object.is(next, value[i])) value[i] = next;
    }
    return value;
  }
  if (!isPlainObject(value)) return value;
  for (const key of Object.keys(value)) {
    const next = check(value[key], step(path, key), ctx);
    if (!Object.is(next, value[key])) value[key] = next;
  }
  return value;
}
