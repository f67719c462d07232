import type { Draft } from 'immer';
import type { CampaignMember, CampaignMemberInput, CampaignMemberStatus } from '../../schema/campaign-member.js';
import { campaignMemberStatuses } from '../../schema/campaign-member.js';
import { InvalidTransitionError, ValidationError } from '../../storage/errors.js';
import { ModelService, type WriteOptions } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { memberMove, statusTimeFields } from './member-status-order.js';

/**
 * Options of {@link CampaignMemberService.setStatus}.
 *
 * @example
 * ```ts
 * await crm.campaignMembers.setStatus(id, 'delivered', { at: webhook.deliveredAt });
 * ```
 */
export interface SetMemberStatusOptions extends WriteOptions {
  /** When it happened (default now). */
  readonly at?: Date;
}

/**
 * Campaign memberships (`crm.campaignMembers`). A member's `status` is
 * managed: it moves forward only (see `memberMove`), through
 * {@link CampaignMemberService.setStatus}, a dispatch, or a tracked
 * interaction (an `open`, a `click`, an inbound reply or a purchase carrying
 * the campaign's id or code). Each status's first time is kept (`sentAt`,
 * `openedAt`, …). Setting `unsubscribed` also withdraws the customer's
 * marketing consent for the campaign's channel, in the same write.
 *
 * @example
 * ```ts
 * await crm.campaignMembers.setStatus(member.id, 'opened');
 * await crm.campaignMembers.setStatus(member.id, 'sent'); // InvalidTransitionError, reason 'status_backwards'
 * ```
 */
export class CampaignMemberService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<CampaignMember<C>>, CampaignMemberInput<C>> {
  /** @internal */
  protected override managedDefaults(_candidate: Record<string, unknown>, now: Date): Record<string, unknown> {
    return { status: 'targeted', statusChangedAt: now, failedAttempts: 0 };
  }

  /**
   * Moves a member to `status`, forward only; setting the status it has is a
   * no-op that returns the member. A backwards move, or any move of a bounced
   * or unsubscribed member, throws `InvalidTransitionError` (reasons
   * `status_backwards`, `member_closed`) and changes nothing.
   *
   * @example
   * ```ts
   * await crm.campaignMembers.setStatus(member.id, 'bounced', { at: bounce.at });
   * ```
   */
  async setStatus(id: string, status: CampaignMemberStatus, options: SetMemberStatusOptions = {}): Promise<ReadonlyRecord<CampaignMember<C>>> {
    if (!(campaignMemberStatuses as readonly unknown[]).includes(status)) {
      throw new ValidationError(`${String(status)} is not a campaign member status`, [
        { code: 'invalid_value', path: ['status'], message: `one of ${campaignMemberStatuses.join(', ')}` },
      ]);
    }
    if (options.at !== undefined && !(options.at instanceof Date && Number.isFinite(options.at.getTime()))) {
      throw new ValidationError('at is a valid Date', [{ code: 'invalid_type', path: ['at'], message: 'a valid Date' }]);
    }
    return this.updateManaged(
      id,
      ((draft: Draft<CampaignMember>) => {
        const move = memberMove(draft.status, status);
        if (move === 'same') return;
        if (move !== 'ok') {
          throw new InvalidTransitionError(`a member ${draft.status} cannot become ${status}`, { reason: move });
        }
        applyStatus(draft, status, options.at ?? this.context.clock.now());
      }) as never,
      options,
    );
  }

  /**
   * Claims members for a dispatch until `until`: a compare-and-set on each
   * member's version, so of two dispatches at once each member goes to one.
   * Returns the members claimed.
   *
   * @internal
   */
  async claimForDispatch(members: readonly ReadonlyRecord<CampaignMember<C>>[], until: Date): Promise<ReadonlyRecord<CampaignMember<C>>[]> {
    const results = await this.updateManyManaged(
      members.map((member) => ({
        id: member.id,
        expectedVersion: member.version,
        recipe: (draft: Draft<CampaignMember>) => void (draft.claimedUntil = until),
      })) as never,
    );
    return results.flatMap((result) => (result.ok ? [result.record] : []));
  }

  /**
   * Records a send's outcome on a claimed member: `sent` on success; on
   * failure the attempt, the error and the retry time, or `failedAt` after
   * the last allowed attempt. The claim is released either way.
   *
   * @internal
   */
  async recordSend(
    member: ReadonlyRecord<CampaignMember<C>>,
    outcome: { readonly ok: true; readonly at: Date } | { readonly ok: false; readonly at: Date; readonly error: string; readonly retryAt: Date | undefined },
  ): Promise<ReadonlyRecord<CampaignMember<C>>> {
    return this.updateManaged(
      member.id,
      ((draft: Draft<CampaignMember>) => {
        delete draft.claimedUntil;
        if (outcome.ok) {
          delete draft.nextAttemptAt;
          if (memberMove(draft.status, 'sent') === 'ok') applyStatus(draft, 'sent', outcome.at);
          return;
        }
        draft.failedAttempts += 1;
        draft.lastError = outcome.error.slice(0, 2000);
        if (outcome.retryAt === undefined) {
          delete draft.nextAttemptAt;
          draft.failedAt = outcome.at;
        } else draft.nextAttemptAt = outcome.retryAt;
      }) as never,
      { expectedVersion: member.version },
    );
  }
}

/**
 * Writes a forward move into a member: the status, when it changed, and the
 * status's first time. Shared by `setStatus`, dispatch and the tracking hook.
 *
 * @internal
 */
export function applyStatus(member: { status: CampaignMemberStatus; statusChangedAt: Date } & Record<string, unknown>, status: CampaignMemberStatus, at: Date): void {
  member.status = status;
  member.statusChangedAt = at;
  const field = statusTimeFields[status];
  if (field !== 'createdAt') member[field] ??= at;
}
