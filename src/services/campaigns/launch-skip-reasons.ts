/**
 * Why `crm.campaigns.launch` left a customer of the audience out:
 *
 * - `not_found`: a listed customer id names no customer;
 * - `erased`: the person's data was erased;
 * - `no_consent`: no decision on the campaign's channel and purpose is recorded (and the purpose needs one);
 * - `consent_denied` / `consent_expired`: the latest decision refused, or its grant expired;
 * - `unsubscribed`: the latest decision withdrew consent (an unsubscribe, a STOP reply);
 * - `bounced`: a message on the campaign's channel bounced for this customer before;
 * - `frequency_cap`: the customer has the cap's number of touches in its window already;
 * - `suppressed`: the customer is in one of the suppression segments.
 *
 * Customers already members are not skipped: they are counted in `alreadyMembers`.
 *
 * @example
 * ```ts
 * const { skipped } = await crm.campaigns.launch(id);
 * skipped.filter((skip) => skip.reason === 'unsubscribed');
 * ```
 */
export const launchSkipReasons = ['not_found', 'erased', 'no_consent', 'consent_denied', 'consent_expired', 'unsubscribed', 'bounced', 'frequency_cap', 'suppressed'] as const;

/**
 * One of {@link launchSkipReasons}.
 *
 * @example
 * ```ts
 * const reason: LaunchSkipReason = 'frequency_cap';
 * ```
 */
export type LaunchSkipReason = (typeof launchSkipReasons)[number];
