import { maskedValue } from './access-policy.js';

/**
 * True when `field` is one of `paths`, lies inside one, or holds one (a
 * filter on `custom` would reach a hidden `custom.notes`).
 *
 * @example
 * ```ts
 * coveredBy('custom.notes', ['custom']); // true
 * coveredBy('custom', ['custom.notes']); // true
 * coveredBy('name', ['custom.notes']);   // false
 * ```
 */
export function coveredBy(field: string, paths: readonly string[]): boolean {
  return paths.some((path) => field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`));
}

/** The value a masked field reads as: strings and string elements as `'***'`; any other value is left out. */
function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskedValue;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? maskedValue : undefined)).filter((item) => item !== undefined);
  return undefined;
}

/** A copy of `record` with `path` changed by `change` (left out when it gives `undefined`); `record` itself when the path is absent. */
function changePath(record: Record<string, unknown>, path: readonly string[], change: (value: unknown) => unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(record, head)) return record;
  const copy = { ...record };
  const value = record[head];
  if (rest.length === 0) {
    const next = change(value);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return record;
  copy[head] = changePath(value as Record<string, unknown>, rest, change);
  return copy;
}

/**
 * `record` as a role with these field rules reads it: every `hidden` path left
 * out, every `masked` path's strings shown as `'***'` (other values left out).
 * The record itself when there are no rules.
 *
 * @example
 * ```ts
 * maskRecord({ id: 'c1', emails: ['a@b.c'], notes: 'x' }, ['notes'], ['emails']); // { id: 'c1', emails: ['***'] }
 * ```
 */
export function maskRecord<T extends object>(record: T, hidden: readonly string[], masked: readonly string[]): T {
  let out = record as unknown as Record<string, unknown>;
  for (const path of hidden) out = changePath(out, path.split('.'), () => undefined);
  for (const path of masked) out = changePath(out, path.split('.'), maskValue);
  return out as unknown as T;
}

/**
 * The field changes of a history entry as the role reads them: changes of
 * hidden paths left out, values of masked ones shown masked.
 *
 * @example
 * ```ts
 * maskFieldChanges([{ path: 'emails', old: ['a@b.c'], new: [] }], [], ['emails']); // [{ path: 'emails', old: ['***'], new: [] }]
 * ```
 */
export function maskFieldChanges<C extends { readonly path: string; readonly old?: unknown; readonly new?: unknown }>(
  changes: readonly C[],
  hidden: readonly string[],
  masked: readonly string[],
): C[] {
  return changes
    .filter((change) => !coveredBy(change.path, hidden))
    .map((change) => {
      if (!coveredBy(change.path, masked)) return change;
      const out: Record<string, unknown> = { ...change };
      for (const key of ['old', 'new'] as const) {
        if (Object.hasOwn(change, key)) {
          const value = maskValue(change[key]);
          if (value === undefined) delete out[key];
          else out[key] = value;
        }
      }
      return out as C;
    });
}
