/**
 * Sets a dotted path (`custom.loyaltyTier`) in a plain object, making the
 * objects on the way (replacing a non-object, or an array, found there). The
 * counterpart of `readPath`.
 *
 * @example
 * ```ts
 * const record = {};
 * writePath(record, 'purchase.amount', 1299); // record is { purchase: { amount: 1299 } }
 * ```
 */
export function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}
