/**
 * Reads a dotted path (`custom.loyaltyTier`) from a record. Returns `undefined`
 * when any step is missing or null, which the filter language calls "absent".
 * Only own properties are read, so a path never reaches into a prototype.
 *
 * @example
 * ```ts
 * readPath({ purchase: { amount: 1299 } }, 'purchase.amount'); // 1299
 * readPath({ purchase: null }, 'purchase.amount'); // undefined
 * ```
 */
export function readPath(record: object, path: string): unknown {
  let current: unknown = record;
  let start = 0;
  while (true) {
    if (typeof current !== 'object' || current === null) return undefined;
    const dot = path.indexOf('.', start);
    const step = dot === -1 ? path.slice(start) : path.slice(start, dot);
    current = Object.hasOwn(current, step) ? (current as Record<string, unknown>)[step] : undefined;
    if (dot === -1) return current === null ? undefined : current;
    start = dot + 1;
  }
}
