import { recordBaseFields } from '../../schema/record-base.js';
import type { WriteChange } from '../write-hook.js';
import type { FieldChange } from './history-entry.js';

const baseFields = new Set<string>(recordBaseFields);

/**
 * The fields a write changed, with their values before and after, as a history
 * entry keeps them. A create lists every field it set and a delete every field
 * the record had (base fields left out: the entry has the version and time).
 * An update lists the paths its immer patches touched (sorted), down to nested fields
 * and cut at lists (a list is one field: `tags` before and after, not
 * `tags.2`); a path whose values end up equal is left out. Paths in `excluded`
 * (and under them) are kept with `redacted: true` and no values; an excluded
 * path inside a listed one is removed from its values.
 *
 * @example
 * ```ts
 * fieldChanges(writeChange('customers', 'update', id, next, previous, patches), ['custom.passwordHash']);
 * // [{ path: 'tags', old: [], new: ['vip'] }, { path: 'custom.passwordHash', redacted: true }]
 * ```
 */
export function fieldChanges(change: WriteChange, excluded: readonly string[]): FieldChange[] {
  const { record, previous } = change;
  switch (change.operation) {
    case 'create':
      return topLevelFields(record).map((path) => describe(path, undefined, value(record, path), excluded));
    case 'delete':
      return topLevelFields(previous).map((path) => describe(path, value(previous, path), undefined, excluded));
    case 'update':
      return updatedPaths(change).map(({ path, old, next }) => describe(path, old, next, excluded));
  }
}

/**
 * The dotted paths a write changed, as the change feed lists them: every field
 * a create set, none for a delete, and for an update the paths of
 * {@link fieldChanges} (nested fields, lists whole, equal values left out).
 *
 * @example
 * ```ts
 * changedPaths(writeChange('customers', 'update', id, next, previous, patches)); // ['tags', 'address.city']
 * ```
 */
export function changedPaths(change: WriteChange): string[] {
  switch (change.operation) {
    case 'create':
      return topLevelFields(change.record);
    case 'delete':
      return [];
    case 'update':
      return updatedPaths(change).map(({ path }) => path);
  }
}

/** The paths an update's patches touched, cut at lists, outermost only, with their values before and after. */
function updatedPaths(change: WriteChange): { path: string; old: unknown; next: unknown }[] {
  const { record, previous } = change;
  const paths: string[] = [];
  for (const patch of change.patches) {
    const path = cutAtList(patch.path, previous, record);
    if (path.length === 0 || baseFields.has(String(path[0]))) continue;
    const dotted = path.join('.');
    if (!paths.includes(dotted)) paths.push(dotted);
  }
  const changed: { path: string; old: unknown; next: unknown }[] = [];
  // Sorted, so an entry does not depend on the order immer walked the draft in.
  for (const path of paths.sort()) {
    if (paths.some((other) => path.startsWith(`${other}.`))) continue;
    const old = value(previous, path);
    const next = value(record, path);
    if (!sameValue(old, next)) changed.push({ path, old, next });
  }
  return changed;
}

/** The names of a record's fields that carry a value, base fields left out. */
function topLevelFields(record: object | undefined): string[] {
  if (record === undefined) return [];
  return Object.keys(record).filter((key) => !baseFields.has(key) && (record as Record<string, unknown>)[key] !== undefined);
}

/** The change of `path`, redacted where the host excluded it. */
function describe(path: string, old: unknown, next: unknown, excluded: readonly string[]): FieldChange {
  if (excluded.some((field) => path === field || path.startsWith(`${field}.`))) return { path, redacted: true };
  const inside = excluded.filter((field) => field.startsWith(`${path}.`)).map((field) => field.slice(path.length + 1).split('.'));
  const clean = (v: unknown) => inside.reduce<unknown>((acc, segments) => withoutPath(acc, segments), v);
  return { path, ...(old === undefined ? {} : { old: clean(old) }), ...(next === undefined ? {} : { new: clean(next) }) };
}

/** `path` up to (not into) the first list it passes through in either record. */
function cutAtList(path: readonly (string | number)[], previous: object | undefined, record: object | undefined): (string | number)[] {
  const cut: (string | number)[] = [];
  let before: unknown = previous;
  let after: unknown = record;
  for (const segment of path) {
    if (Array.isArray(before) || Array.isArray(after)) break;
    cut.push(segment);
    before = child(before, segment);
    after = child(after, segment);
  }
  return cut;
}

function child(value: unknown, key: string | number): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[key] : undefined;
}

function value(record: object | undefined, path: string): unknown {
  return path.split('.').reduce<unknown>((acc, key) => child(acc, key), record);
}

/** `value` without the field at `segments` (copied along the way; the original untouched). */
function withoutPath(value: unknown, segments: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date || segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (!Object.hasOwn(value, head)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutPath(copy[head], rest);
  return copy;
}

/** Deep equality of stored values (dates by instant). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
