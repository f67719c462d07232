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

/**
 * A reader for one dotted path, specialized once so that reading it from many
 * records is fast. Same answers as {@link readPath}.
 *
 * @example
 * ```ts
 * const amount = pathReader('purchase.amount');
 * amount({ purchase: { amount: 1299 } }); // 1299
 * ```
 */
export function pathReader(path: string): (record: object) => unknown {
  const steps = path.split('.');
  if (steps.length === 1) {
    return (record) => {
      const value = Object.hasOwn(record, path) ? (record as Record<string, unknown>)[path] : undefined;
      return value === null ? undefined : value;
    };
  }
  if (steps.length === 2) {
    const [outer, inner] = steps as [string, string];
    return (record) => {
      const parent = Object.hasOwn(record, outer) ? (record as Record<string, unknown>)[outer] : undefined;
      if (typeof parent !== 'object' || parent === null || !Object.hasOwn(parent, inner)) return undefined;
      const value = (parent as Record<string, unknown>)[inner];
      return value === null ? undefined : value;
    };
  }
  return (record) => readPath(record, path);
}
