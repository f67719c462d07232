import type { ConsentRecord } from './consent-record.js';
import type { ContactPermission } from './consent-facade.js';

/**
 * What the latest ledger decision about a channel and purpose means at `now`
 * (the rule of `crm.consent.canContact`, for callers that read the ledger in
 * bulk, like a campaign launch): no decision allows only `transactional`
 * messages; `withdrawn` and `denied` refuse; a grant past its `expiresAt`
 * refuses as `consent_expired`. Erasure is the caller's check.
 *
 * @example
 * ```ts
 * contactPermission(latestDecision, 'marketing', now); // { allowed: true, reason: 'consent_granted', decision }
 * ```
 */
export function contactPermission(decision: ConsentRecord | undefined, purpose: string, now: Date): ContactPermission {
  if (decision === undefined) return purpose === 'transactional' ? { allowed: true, reason: 'transactional' } : { allowed: false, reason: 'no_consent_recorded' };
  if (decision.status === 'withdrawn') return { allowed: false, reason: 'consent_withdrawn', decision };
  if (decision.status === 'denied') return { allowed: false, reason: 'consent_denied', decision };
  if (decision.expiresAt !== undefined && decision.expiresAt.getTime() <= now.getTime()) return { allowed: false, reason: 'consent_expired', decision };
  return { allowed: true, reason: 'consent_granted', decision };
}
