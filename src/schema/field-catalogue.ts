import type * as z from 'zod';
import type { FieldDefinition } from '../storage/collection-schema.js';
import type { FieldType } from '../storage/field-type.js';

interface ZodInternals {
  readonly _zod: { readonly def: ZodDef };
}

interface ZodDef {
  readonly type: string;
  readonly innerType?: ZodInternals;
  readonly in?: ZodInternals;
  readonly out?: ZodInternals;
  readonly element?: ZodInternals;
  readonly shape?: Record<string, ZodInternals>;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly maximum?: number; readonly length?: number } } }[];
}

/**
 * The filterable fields of a zod object schema, keyed by dotted path: every
 * string, enum, number, boolean and date leaf, arrays of strings, and the
 * leaves of nested objects (so a host's `custom` fields are filterable as
 * `custom.<name>`). Records, unions and arrays of objects are stored but not filterable.
 * A string leaf whose schema bounds its length (`.max(n)`, an enum) carries `maxLength`.
 *
 * @example
 * ```ts
 * fieldCatalogue(z.object({ name: z.string(), tags: z.array(z.string()), custom: z.object({ tier: z.string().optional() }) }));
 * // { name: { type: 'string', optional: false }, tags: { type: 'string[]', … }, 'custom.tier': { type: 'string', optional: true } }
fieldCatalogue(z.object({ stageId: z.string().max(128) })); // { stageId: { type: 'string', optional: false, maxLength: 128 } }
 * ```
 */
export function fieldCatalogue(schema: z.ZodType): Record<string, FieldDefinition> {
  const fields: Record<string, FieldDefinition> = {};
  walk(schema as unknown as ZodInternals, '', false, fields);
  return fields;
}

function walk(node: ZodInternals, path: string, optional: boolean, fields: Record<string, FieldDefinition>): void {
  const def = node._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return walk(def.innerType!, path, true, fields);
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return walk(def.innerType!, path, optional, fields);
    case 'pipe':
      return walk(def.out!._zod.def.type === 'transform' ? def.in! : def.out!, path, optional, fields);
    case 'object':
      for (const [key, child] of Object.entries(def.shape ?? {})) {
        if (key.includes('.')) continue; // a dotted key cannot be addressed by a dotted path
        walk(child, path === '' ? key : `${path}.${key}`, optional, fields);
      }
      return;
    default: {
      const type = leafType(node);
      if (type === undefined || path === '') return;
      const maxLength = type === 'string' ? maxLengthOf(node) : undefined;
      fields[path] = maxLength === undefined ? { type, optional } : { type, optional, maxLength };
    }
  }
}

function leafType(node: ZodInternals): FieldType | undefined {
  const def = node._zod.def;
  switch (def.type) {
    case 'string':
    case 'enum':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'literal': {
      const kinds = new Set((def.values ?? []).map((value) => typeof value));
      return kinds.size === 1 && kinds.has('string') ? 'string' : kinds.size === 1 && kinds.has('number') ? 'number' : undefined;
    }
    case 'array':
      return def.element !== undefined && leafType(unwrap(def.element)) === 'string' ? 'string[]' : undefined;
    case 'pipe':
      return leafType(def.out!._zod.def.type === 'transform' ? def.in! : def.out!);
    default:
      return undefined;
  }
}

/**
 * The most UTF-16 code units a string leaf's values have, when its schema bounds them: a
 * string's `.max()` / `.length()`, an enum's or a string literal's longest value.
 */
function maxLengthOf(node: ZodInternals): number | undefined {
  const def = node._zod.def;
  switch (def.type) {
    case 'string': {
      const bounds = (def.checks ?? []).flatMap(({ _zod: { def: check } }) =>
        check.check === 'max_length' ? [check.maximum!] : check.check === 'length_equals' ? [check.length!] : [],
      );
      return bounds.length === 0 ? undefined : Math.min(...bounds);
    }
    case 'enum':
      return longest(Object.values(def.entries ?? {}));
    case 'literal':
      return longest(def.values ?? []);
    case 'pipe':
      return maxLengthOf(def.out!._zod.def.type === 'transform' ? def.in! : def.out!);
    default:
      return undefined;
  }
}

function longest(values: readonly unknown[]): number | undefined {
  return values.every((value) => typeof value === 'string') && values.length > 0 ? Math.max(...values.map((value) => (value as string).length)) : undefined;
}

function unwrap(node: ZodInternals): ZodInternals {
  const def = node._zod.def;
  if (def.type === 'pipe') return unwrap(def.out!._zod.def.type === 'transform' ? def.in! : def.out!);
  if (def.innerType && ['default', 'prefault', 'catch', 'readonly'].includes(def.type)) return unwrap(def.innerType);
  return node;
}
