import type { Campaign } from '../../schema/campaign.js';
import type { CampaignMember } from '../../schema/campaign-member.js';
import type { Customer } from '../../schema/customer.js';
import type { StorageFilter } from '../../storage/filter.js';
import { ValidationError } from '../../storage/errors.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { ServiceContext } from '../service-context.js';
import type { CampaignMemberService } from './campaign-member-service.js';

/**
 * What the host's send function gets for one member.
 *
 * @example
 * ```ts
 * const send: SendFunction = async ({ customer, campaign, variant, idempotencyKey, attempt }) => {
 *   await mailer.send({ to: customer.emails[0], subject: campaign.name, template: variant, idempotencyKey });
 * };
 * ```
 */
export interface SendRequest {
  readonly campaign: ReadonlyRecord<Campaign>;
  readonly member: ReadonlyRecord<CampaignMember>;
  readonly customer: ReadonlyRecord<Customer>;
  /** The member's A/B variant, if the campaign has variants. */
  readonly variant: string | undefined;
  /** The same for every attempt at this member: `<campaignId>:<memberId>`. */
  readonly idempotencyKey: string;
  /** 1 for the first attempt, 2 for the first retry, …. */
  readonly attempt: number;
}

/**
 * The host's send: resolve when the message is handed over, throw when it
 * was not (the member is retried later).
 *
 * @example
 * ```ts
 * const send: SendFunction = async (request) => void (await provider.post(request));
 * ```
 */
export type SendFunction = (request: SendRequest) => Promise<unknown> | unknown;

/**
 * Options of `crm.campaigns.dispatch`.
 *
 * @example
 * ```ts
 * await crm.campaigns.dispatch(id, send, { maxAttempts: 3, retryDelayMs: 60_000, concurrency: 4 });
 * ```
 */
export interface DispatchOptions {
  /** Attempts per member before it is given up on (`failedAt`). Default 5. */
  readonly maxAttempts?: number;
  /** The wait before the first retry; each further retry waits twice as long. Default one minute. */
  readonly retryDelayMs?: number;
  /** The longest wait between retries. Default one day. */
  readonly maxRetryDelayMs?: number;
  /** Sends in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Members claimed per round. Default 200. */
  readonly batchSize?: number;
  /** How long a claim holds a member against other dispatches (a crashed dispatch's members are due again after it). Default 5 minutes. */
  readonly claimMs?: number;
  /** Send to at most this many members in this call. */
  readonly limit?: number;
}

/**
 * What a dispatch did.
 *
 * @example
 * ```ts
 * const { sent, failed, gaveUp } = await crm.campaigns.dispatch(id, send);
 * ```
 */
export interface DispatchResult {
  /** Members whose send resolved (now `sent`). */
  readonly sent: number;
  /** Sends that threw (retried later, or given up on). */
  readonly failed: number;
  /** Of the failures, members given up on after their last attempt. */
  readonly gaveUp: number;
  /** Members due that another dispatch held. */
  readonly heldElsewhere: number;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(`${name} is an integer from 1 to ${max}`, [{ code: 'invalid_option', path: [name], message: `an integer from 1 to ${max}` }]);
  }
  return value;
}

/** @internal The dispatch loop (see `CampaignService.dispatch`). */
export async function dispatchCampaign(
  context: ServiceContext,
  campaign: ReadonlyRecord<Campaign<any>>,
  send: SendFunction,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const maxAttempts = positiveInteger(options.maxAttempts, 5, 'maxAttempts', 100);
  const retryDelayMs = positiveInteger(options.retryDelayMs, 60_000, 'retryDelayMs', 2 ** 31);
  const maxRetryDelayMs = positiveInteger(options.maxRetryDelayMs, 86_400_000, 'maxRetryDelayMs', 2 ** 40);
  const concurrency = positiveInteger(options.concurrency, 8, 'concurrency', 256);
  const batchSize = positiveInteger(options.batchSize, 200, 'batchSize', 1000);
  const claimMs = positiveInteger(options.claimMs, 300_000, 'claimMs', 2 ** 31);
  const limit = options.limit === undefined ? Infinity : positiveInteger(options.limit, 1, 'limit', 2 ** 31);
  const members = context.services.campaignMembers as unknown as CampaignMemberService;
  const customers = context.services.customers!;
  const totals = { sent: 0, failed: 0, gaveUp: 0, heldElsewhere: 0 };

  for (;;) {
    const now = context.clock.now();
    const room = Math.min(batchSize, limit - totals.sent - totals.failed);
    if (room <= 0) break;
    const due: StorageFilter = {
      and: [
        { field: 'campaignId', op: 'eq', value: campaign.id },
        { field: 'status', op: 'eq', value: 'targeted' },
        { field: 'failedAt', op: 'exists', value: false },
        { or: [{ field: 'nextAttemptAt', op: 'exists', value: false }, { field: 'nextAttemptAt', op: 'lte', value: now }] },
        { or: [{ field: 'claimedUntil', op: 'exists', value: false }, { field: 'claimedUntil', op: 'lte', value: now }] },
      ],
    };
    const { items } = await members.find({ where: due as never, limit: room } as never);
    if (items.length === 0) break;
    const claimed = await members.claimForDispatch(items, new Date(now.getTime() + claimMs));
    totals.heldElsewhere += items.length - claimed.length;
    if (claimed.length === 0) break;
    const people = await customers.getMany(claimed.map((member) => member.customerId));
    const byId = new Map(people.filter((person) => person !== undefined).map((person) => [person!.id, person!]));

    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const member = claimed[next++]!;
        const attempt = member.failedAttempts + 1;
        const customer = byId.get(member.customerId) as ReadonlyRecord<Customer> | undefined;
        let error: unknown;
        try {
          if (customer === undefined) throw new Error(`customer ${member.customerId} no longer exists`);
          await send({ campaign: campaign as ReadonlyRecord<Campaign>, member, customer, variant: member.variant, idempotencyKey: `${campaign.id}:${member.id}`, attempt });
        } catch (thrown) {
          error = thrown ?? new Error('send failed');
        }
        const at = context.clock.now();
        if (error === undefined) {
          await members.recordSend(member, { ok: true, at });
          totals.sent += 1;
          continue;
        }
        const last = attempt >= maxAttempts;
        const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1));
        await members.recordSend(member, {
          ok: false,
          at,
          error: error instanceof Error ? error.message : String(error),
          retryAt: last ? undefined : new Date(at.getTime() + delay),
        });
        totals.failed += 1;
        if (last) totals.gaveUp += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
  }
  return totals;
}
