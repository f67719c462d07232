/**
 * The issue codes the campaigns module adds to validation errors:
 * `missing_audience` (a launch of a campaign whose audience names no segment,
 * list or tags), `unknown_segment` (the audience or a suppression names a
 * segment that does not exist), `invalid_send` (dispatch was not given a
 * function), `invalid_weights` (a host attribution function returned weights
 * that are not finite, non-negative and of the touches' number).
 *
 * @example
 * ```ts
 * error.issues.some((issue) => issue.code === 'unknown_segment');
 * ```
 */
export const campaignIssueCodes = ['missing_audience', 'unknown_segment', 'invalid_send', 'invalid_weights'] as const;

/**
 * One of {@link campaignIssueCodes}.
 *
 * @example
 * ```ts
 * const code: CampaignIssueCode = 'missing_audience';
 * ```
 */
export type CampaignIssueCode = (typeof campaignIssueCodes)[number];
