/**
 * The issue codes `crm.segments` refuses input with (inside a `ValidationError`).
 *
 * @example
 * ```ts
 * segmentIssueCodes.includes('segment_cycle'); // true
 * ```
 */
export const segmentIssueCodes = ['segment_cycle', 'unknown_segment', 'invalid_segment'] as const;

/** One of {@link segmentIssueCodes}. */
export type SegmentIssueCode = (typeof segmentIssueCodes)[number];
