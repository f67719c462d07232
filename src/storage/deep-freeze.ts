/**
 * Freezes `value` and every object and array inside it, in place, and returns
 * it. Frozen objects are not walked again, so a record an adapter already
 * froze (the memory adapter keeps its records frozen with it) costs one check. `Date`s
 * are left as they are (freezing one does not stop `setTime`), and so are
 * typed arrays, which cannot be frozen.
 *
 * @example
 * ```ts
 * const record = deepFreeze({ id: 'c1', tags: ['vip'] });
 * Object.isFrozen(record.tags); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Date || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) for (const item of value) deepFreeze(item);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
