import type { CampaignMemberStatus } from '../../schema/campaign-member.js';
import type { CampaignRefusal } from './campaign-refusals.js';

/** The funnel's statuses, in the order a member moves through them. */
export const funnelStatuses = ['targeted', 'sent', 'delivered', 'opened', 'clicked', 'responded', 'converted'] as const satisfies readonly CampaignMemberStatus[];

/** The field that records when a member first reached a status (`targeted` is the membership's `createdAt`). */
export const statusTimeFields = {
  targeted: 'createdAt',
  sent: 'sentAt',
  delivered: 'deliveredAt',
  opened: 'openedAt',
  clicked: 'clickedAt',
  responded: 'respondedAt',
  converted: 'convertedAt',
  bounced: 'bouncedAt',
  unsubscribed: 'unsubscribedAt',
} as const satisfies Record<CampaignMemberStatus, string>;

/**
 * Whether a member at `from` may move to `to`: forward along the funnel
 * (skipping stages is fine: a click without a tracked open), `bounced` from
 * `targeted` or `sent` only, `unsubscribed` from any status but `bounced`;
 * nothing leaves `bounced` or `unsubscribed`. Returns `'same'` for a move to
 * the current status (a no-op), `'ok'`, or the refusal.
 *
 * @example
 * ```ts
 * memberMove('opened', 'clicked'); // 'ok'
 * memberMove('clicked', 'opened'); // 'status_backwards'
 * memberMove('unsubscribed', 'opened'); // 'member_closed'
 * ```
 */
export function memberMove(from: CampaignMemberStatus, to: CampaignMemberStatus): 'ok' | 'same' | CampaignRefusal {
  if (from === to) return 'same';
  if (from === 'bounced' || from === 'unsubscribed') return 'member_closed';
  if (to === 'unsubscribed') return 'ok';
  if (to === 'bounced') return from === 'targeted' || from === 'sent' ? 'ok' : 'status_backwards';
  const rank = (status: CampaignMemberStatus) => (funnelStatuses as readonly string[]).indexOf(status);
  return rank(to) > rank(from) ? 'ok' : 'status_backwards';
}
