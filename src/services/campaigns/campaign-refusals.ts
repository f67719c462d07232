/**
 * Why a campaign call was refused, the `reason` of its `InvalidTransitionError`
 * (code `invalid_transition`):
 *
 * - `campaign_closed`: the campaign is `completed` or `cancelled`;
 * - `campaign_paused`: `launch` or `dispatch` of a paused campaign (`resume` it first);
 * - `campaign_not_running`: `dispatch`, `pause` or `complete` of a campaign that was never launched;
 * - `campaign_running`: `schedule` of a campaign that already runs;
 * - `not_paused`: `resume` of a campaign that is not paused;
 * - `status_backwards`: a member's status moved to one it already passed (a click after a conversion);
 * - `member_closed`: a member that bounced or unsubscribed moved to anything else.
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'invalid_transition') && error.reason === 'campaign_closed') showArchived();
 * ```
 */
export const campaignRefusals = [
  'campaign_closed',
  'campaign_paused',
  'campaign_not_running',
  'campaign_running',
  'not_paused',
  'status_backwards',
  'member_closed',
] as const;

/**
 * One of {@link campaignRefusals}.
 *
 * @example
 * ```ts
 * const reason: CampaignRefusal = 'status_backwards';
 * ```
 */
export type CampaignRefusal = (typeof campaignRefusals)[number];
