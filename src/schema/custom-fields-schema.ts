import * as z from 'zod';
import type { CrmIssue } from '../storage/errors.js';
import { reservedKeys } from './stored-value-limits.js';

interface ZodNode {
  readonly _zod: { readonly def: ZodNodeDef };
  clone(def: ZodNodeDef): ZodNode;
}

interface ZodNodeDef {
  readonly type: string;
  readonly innerType?: ZodNode;
  readonly element?: ZodNode;
  readonly valueType?: ZodNode;
  readonly shape?: Record<string, ZodNode>;
  readonly catchall?: ZodNode;
  readonly options?: readonly ZodNode[];
  readonly in?: ZodNode;
  readonly out?: ZodNode;
}

const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);
const reserved = new Set<string>(reservedKeys);

/**
 * The host's custom field schema as crmkit runs it: every `z.object` in it
 * (nested ones, in arrays, records, unions and optional fields included) made strict, so
 * an undeclared key is an `unrecognized_keys` validation issue instead of being
 * silently dropped. Objects the host made loose on purpose (`z.looseObject`,
 * `.catchall(…)`) keep their catch-all. Refinements and transforms are kept.
 *
 * @example
 * ```ts
 * const strict = strictCustomFields(z.object({ tier: z.string() }));
 * strict.safeParse({ tier: 'gold', tierr: 'typo' }).success; // false
 * ```
 */
export function strictCustomFields<T extends z.ZodType>(schema: T): T {
  return strictNode(schema as unknown as ZodNode) as unknown as T;
}

function strictNode(node: ZodNode): ZodNode {
  const def = node._zod.def;
  if (def.type === 'object') {
    const shape = Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, child]) => [key, strictNode(child)]));
    return node.clone({ ...def, shape, catchall: def.catchall ?? (z.never() as unknown as ZodNode) });
  }
  if (wrappers.has(def.type) && def.innerType !== undefined) return node.clone({ ...def, innerType: strictNode(def.innerType) });
  if (def.type === 'array' && def.element !== undefined) return node.clone({ ...def, element: strictNode(def.element) });
  if (def.type === 'record' && def.valueType !== undefined) return node.clone({ ...def, valueType: strictNode(def.valueType) });
  if (def.type === 'union' && def.options !== undefined) return node.clone({ ...def, options: def.options.map(strictNode) });
  if (def.type === 'pipe' && def.in !== undefined && def.out !== undefined) {
    return node.clone({ ...def, in: strictNode(def.in), out: strictNode(def.out) });
  }
  return node;
}

/**
 * The problems with a host's custom field schema that `createCrm` refuses: a
 * field named `__proto__`, `constructor` or `prototype` anywhere in it (a
 * value under such a name would be lost or reach a prototype), and a schema
 * that is not a zod object. Paths start at `['customFields', collection]`.
 *
 * @example
 * ```ts
 * customFieldsSchemaIssues('customers', z.object({ constructor: z.string() }));
 * // [{ code: 'reserved_key', path: ['customFields', 'customers', 'constructor'], … }]
 * ```
 */
export function customFieldsSchemaIssues(collection: string, schema: unknown): CrmIssue[] {
  const at = ['customFields', collection];
  const node = schema as Partial<ZodNode> | null | undefined;
  if (typeof node !== 'object' || node === null || node._zod?.def?.type !== 'object') {
    return [{ code: 'invalid_type', path: at, message: `custom fields of ${collection} must be a zod object schema (z.object({ … }))` }];
  }
  const issues: CrmIssue[] = [];
  collectReserved(node as ZodNode, at, issues, new Set());
  return issues;
}

function collectReserved(node: ZodNode, path: PropertyKey[], issues: CrmIssue[], seen: Set<ZodNode>): void {
  if (seen.has(node)) return;
  seen.add(node);
  const def = node._zod.def;
  if (def.type === 'object') {
    for (const [key, child] of Object.entries(def.shape ?? {})) {
      if (reserved.has(key)) {
        issues.push({ code: 'reserved_key', path: [...path, key], message: `${JSON.stringify(key)} cannot be a custom field name (${reservedKeys.join(', ')} are reserved)` });
      } else collectReserved(child, [...path, key], issues, seen);
    }
    return;
  }
  if (wrappers.has(def.type) && def.innerType !== undefined) return collectReserved(def.innerType, path, issues, seen);
  if (def.type === 'array' && def.element !== undefined) return collectReserved(def.element, path, issues, seen);
  if (def.type === 'record' && def.valueType !== undefined) return collectReserved(def.valueType, path, issues, seen);
  if (def.type === 'union') return def.options?.forEach((option) => collectReserved(option, path, issues, seen));
  if (def.type === 'pipe') {
    if (def.in !== undefined) collectReserved(def.in, path, issues, seen);
    if (def.out !== undefined) collectReserved(def.out, path, issues, seen);
  }
}
