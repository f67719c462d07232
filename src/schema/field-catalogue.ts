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
}

/**
 * The filterable fields of a zod object schema, keyed by dotted path: every
 * string, enum, number, boolean and date leaf, arrays of strings, and the
 * leaves of nested objects (so a host's `custom` fields are filterable as
 * `custom.<name>`). Records, unions and arrays of objects are stored but not filterable.
 *
 * @example
 * ```ts
 * fieldCatalogue(z.object({ name: z.string(), tags: z.array(z.string()), custom: z.object({ tier: z.string().optional() }) }));
 * // { name: { type: 'string', optional: false }, tags: { type: 'string[]', … }, 'custom.tier': { type: 'string', optional: true } }
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
      if (type !== undefined && path !== '') fields[path] = { type, optional };
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

function unwrap(node: ZodInternals): ZodInternals {
  const def = node._zod.def;
  if (def.type === 'pipe') return unwrap(def.out!._zod.def.type === 'transform' ? def.in! : def.out!);
  if (def.innerType && ['default', 'prefault', 'catch', 'readonly'].includes(def.type)) return unwrap(def.innerType);
  return node;
}
