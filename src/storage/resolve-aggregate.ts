import type { AggregateGroupKey, AggregateMeasure, AggregateQuery } from './aggregate-query.js';
import { aggregateFunctions, dateBuckets } from './aggregate-query.js';
import type { CollectionSchema } from './collection-schema.js';
import { InvalidQueryError, type CrmIssue } from './errors.js';
import { isScalarFieldType } from './field-type.js';
import type { StorageFilter } from './filter.js';
import { canonicalTimeZone, isUtcTimeZone } from './time-zone.js';

/** What {@link checkAggregateQuery} and {@link resolveAggregate} read of a user's aggregate options. */
export interface AggregateQueryOptions {
  /** Scalar fields, or `{ field, bucket }` for a date field by calendar bucket. */
  readonly groupBy: readonly AggregateGroupKey[];
  /** What to compute per group. */
  readonly measures: readonly AggregateMeasure[];
  /** The IANA time zone of the buckets, for this query only. */
  readonly timeZone?: string;
}

/**
 * Checks a user's group keys and measures against a collection: keys are
 * scalar fields, buckets are known and on dates, measures are uniquely named
 * known functions over fields they can read, a given time zone exists. Throws
 * `InvalidQueryError` with every issue; the filter is checked by `resolveFilter`.
 *
 * @example
 * ```ts
 * checkAggregateQuery({ groupBy: ['kind'], measures: [{ name: 'n', fn: 'count' }] }, crm.schema.collections.interactions!);
 * ```
 */
export function checkAggregateQuery(options: AggregateQueryOptions, collection: CollectionSchema): void {
  const issues: CrmIssue[] = [];
  const fields = collection.fields;
  if (!Array.isArray(options?.groupBy) || !Array.isArray(options?.measures)) {
    throw new InvalidQueryError('aggregate takes { groupBy: (string | { field, bucket })[], measures: [...] }');
  }
  if (options.timeZone !== undefined && canonicalTimeZone(options.timeZone) === undefined) {
    issues.push({ code: 'invalid_time_zone', path: ['timeZone'], message: `unknown time zone ${JSON.stringify(options.timeZone)} (an IANA name such as 'Europe/Berlin')` });
  }
  options.groupBy.forEach((key: unknown, i) => {
    const bucketed = typeof key === 'object' && key !== null;
    const field = bucketed ? (key as { field?: unknown }).field : key;
    const definition = typeof field === 'string' && Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (definition === undefined || !isScalarFieldType(definition.type)) {
      const path = bucketed ? ['groupBy', i, 'field'] : ['groupBy', i];
      issues.push({ code: 'unknown_field', path, message: `cannot group by ${JSON.stringify(field)}` });
      return;
    }
    if (!bucketed) return;
    const { bucket } = key as { bucket?: unknown };
    if (!(dateBuckets as readonly unknown[]).includes(bucket)) {
      issues.push({ code: 'invalid_bucket', path: ['groupBy', i, 'bucket'], message: `unknown date bucket ${JSON.stringify(bucket)} (${dateBuckets.join(', ')})` });
    } else if (definition.type !== 'date') {
      issues.push({ code: 'invalid_bucket', path: ['groupBy', i, 'bucket'], message: `${JSON.stringify(field)} is not a date: only dates have ${bucket} buckets` });
    }
  });
  const names = new Set<string>();
  options.measures.forEach((measure, i) => {
    const at = ['measures', i];
    if (typeof measure?.name !== 'string' || measure.name === '' || names.has(measure.name)) {
      issues.push({ code: 'invalid_measure', path: [...at, 'name'], message: 'measure names are unique non-empty strings' });
    }
    names.add(measure?.name);
    if (!(aggregateFunctions as readonly unknown[]).includes(measure?.fn)) {
      issues.push({ code: 'unknown_operator', path: [...at, 'fn'], message: `unknown aggregate function ${JSON.stringify(measure?.fn)}` });
      return;
    }
    if (measure.field === undefined) {
      if (measure.fn !== 'count') issues.push({ code: 'invalid_measure', path: [...at, 'field'], message: `${measure.fn} needs a field` });
      return;
    }
    const definition = Object.hasOwn(fields, measure.field) ? fields[measure.field] : undefined;
    const allowed = measure.fn === 'sum' ? ['number'] : measure.fn === 'count' ? undefined : ['number', 'date', 'string'];
    if (definition === undefined || (allowed !== undefined && !allowed.includes(definition.type))) {
      issues.push({ code: 'invalid_measure', path: [...at, 'field'], message: `${measure.fn} cannot read ${JSON.stringify(measure.field)}` });
    }
  });
  if (issues.length > 0) throw new InvalidQueryError(`Invalid aggregate on ${collection.name}: ${issues.map((i) => i.message).join('; ')}`, issues);
}

/**
 * The storage's aggregate query for checked options and a resolved filter:
 * group keys copied plain, and the time zone (the query's, else `crmTimeZone`)
 * attached only when a key is bucketed and the zone is not UTC (`zoned`).
 *
 * @example
 * ```ts
 * const { query, zoned } = resolveAggregate({ groupBy: [{ field: 'occurredAt', bucket: 'day' }], measures }, filter, 'Europe/Berlin');
 * ```
 */
export function resolveAggregate(
  options: AggregateQueryOptions,
  filter: StorageFilter | undefined,
  crmTimeZone: string,
): { readonly query: AggregateQuery; readonly zoned: boolean } {
  const groupBy = options.groupBy.map((key) => (typeof key === 'string' ? key : { field: key.field, bucket: key.bucket }));
  const timeZone = canonicalTimeZone(options.timeZone ?? crmTimeZone)!;
  // The zone matters only to bucketed keys; adapters see it only then, and only when it is not UTC.
  const zoned = !isUtcTimeZone(timeZone) && groupBy.some((key) => typeof key !== 'string');
  const query: AggregateQuery = zoned ? { filter, groupBy, measures: options.measures, timeZone } : { filter, groupBy, measures: options.measures };
  return { query, zoned };
}
