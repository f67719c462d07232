import type { Filter } from '../../storage/filter.js';
import { readPath } from '../../storage/read-path.js';
import type { ModelService } from '../model-service.js';

/** Keys per query: an `in` list, or the `contains` conditions of one `or`. */
const keysPerQuery = 200;

/**
 * The records of a collection holding each of `keys` at `field`, by key:
 * one `in` query per 200 keys for a scalar field, one `or` of `contains`
 * conditions for a list field (`emails`: a key matches a record listing it).
 * Keys are compared as `normalize` makes them (the stored form: lower case
 * for emails).
 *
 * @internal
 * @example
 * ```ts
 * const byEmail = await recordsByKey(crm.customers, 'emails', ['ada@example.com'], (key) => key.toLowerCase());
 * ```
 */
export async function recordsByKey(
  service: ModelService<any, any>,
  field: string,
  keys: readonly string[],
  normalize: (key: string) => string,
): Promise<Map<string, Record<string, unknown>[]>> {
  const found = new Map<string, Record<string, unknown>[]>();
  const distinct = [...new Set(keys.map(normalize))];
  const isList = service.collectionSchema.fields[field]?.type === 'string[]';
  for (let start = 0; start < distinct.length; start += keysPerQuery) {
    const chunk = distinct.slice(start, start + keysPerQuery);
    const where: Filter = isList
      ? { or: chunk.map((key) => ({ field, op: 'contains' as const, value: key })) }
      : { field, op: 'in', value: chunk };
    const wanted = new Set(chunk);
    for await (const batch of service.scan({ where, batchSize: 1000 } as never)) {
      for (const record of batch as Record<string, unknown>[]) {
        const value = readPath(record, field);
        const values = Array.isArray(value) ? value : [value];
        for (const item of values) {
          if (typeof item !== 'string') continue;
          const key = normalize(item);
          if (!wanted.has(key)) continue;
          const list = found.get(key) ?? [];
          if (!list.some((other) => other.id === record.id)) list.push(record);
          found.set(key, list);
        }
      }
    }
  }
  return found;
}
