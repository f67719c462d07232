/** The two sort directions. */
export const sortDirections = ['asc', 'desc'] as const;

/** One of {@link sortDirections}. */
export type SortDirection = (typeof sortDirections)[number];

/**
 * One key of a sort. Absent values order before every present value in `asc`
 * and after them in `desc`.
 */
export interface SortKey {
  /** A dotted path to a scalar field. */
  readonly field: string;
  /** `asc` (the default) or `desc`. */
  readonly direction: SortDirection;
}
