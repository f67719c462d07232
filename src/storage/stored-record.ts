/**
 * The shape every stored record has. Beyond these four fields a record is plain
 * data: strings, finite numbers, booleans, `Date`s, arrays and plain objects.
 * Adapters must give back exactly what they were given, `Date`s as `Date`s.
 */
export interface StoredRecord {
  /** Time-sortable unique id assigned by the core. */
  readonly id: string;
  /** When the record was created. */
  readonly createdAt: Date;
  /** When the record was last written. */
  readonly updatedAt: Date;
  /** Starts at 1, incremented by every update; the basis of optimistic concurrency. */
  readonly version: number;
  readonly [field: string]: unknown;
}
