/**
 * What an adapter can do beyond the required operations. The core reads these to
 * decide between pushdown and its own fallback; the conformance suite reads them
 * to decide what to test.
 */
export interface AdapterCapabilities {
  /** `transaction(fn)` is all or nothing. Without it, `crm.transaction` throws `unsupported`. */
  readonly transactions: boolean;
  /** `aggregate()` is implemented natively; otherwise the core streams and aggregates itself. */
  readonly aggregate: boolean;
  /** `scan()` is implemented natively; otherwise the core pages through `find()`. */
  readonly scan: boolean;
  /** Data outlives the process (SQL, IndexedDB) rather than living in memory. */
  readonly persistent: boolean;
  /**
   * Optional: `aggregate()` honours `AggregateQuery.timeZone`, bucketing dates
   * by the zone's calendar days and ISO weeks. Without it, the core aggregates
   * bucketed queries of a crm whose zone is not UTC itself, by streaming.
   */
  readonly timeZoneBuckets?: boolean;
  /**
   * Optional: `find()` and `scan()` honour `StorageQuery.after` (the keyset
   * position of a page). Without it, the core writes the position into the
   * filter as an `or` of comparisons, which every adapter answers.
   */
  readonly keysetAfter?: boolean;
  /**
   * Optional: `aggregate()` computes `month`, `quarter` and `year` buckets.
   * Without it, the core aggregates queries with those buckets itself, by streaming.
   */
  readonly calendarBuckets?: boolean;
  /**
   * Optional: `find()`, `count()`, `scan()` and `aggregate()` answer filters
   * holding related nodes (`{ related: { collection, via, where, having } }`,
   * see `RelatedFilter`) themselves, in the storage. Without it, the core
   * answers them by streaming: it measures the related records through
   * `aggregate()` (or its own streaming aggregate) and filters the records
   * itself, so the adapter never sees a related node.
   */
  readonly relatedFilters?: boolean;
}
