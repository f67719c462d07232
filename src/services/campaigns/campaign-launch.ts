import { subDays } from 'date-fns';
import type { Campaign } from '../../schema/campaign.js';
import type { CampaignMemberInput } from '../../schema/campaign-member.js';
import type { StorageFilter } from '../../storage/filter.js';
import { ValidationError, isCrmError } from '../../storage/errors.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { ServiceContext } from '../service-context.js';
import type { ConsentRecord } from '../customer-data/consent-record.js';
import { contactPermission } from '../customer-data/contact-permission.js';
import type { CampaignSiblings } from './campaign-service.js';
import { segmentCondition } from './campaign-segments.js';
import type { LaunchSkipReason } from './launch-skip-reasons.js';
import { launchSkipReasons } from './launch-skip-reasons.js';
import { assignVariant } from './variant-assignment.js';

/**
 * Options of `crm.campaigns.launch`.
 *
 * @example
 * ```ts
 * await crm.campaigns.launch(id, { batchSize: 500, onBatch: ({ added }) => bar.increment(added) });
 * ```
 */
export interface LaunchOptions {
  /** Customers read and written per atomic block, 1 to 5,000. Default 1,000. */
  readonly batchSize?: number;
  /** Called after each batch is written, with the running totals. */
  readonly onBatch?: (progress: { readonly added: number; readonly alreadyMembers: number; readonly skipped: number }) => void;
}

/**
 * A customer `launch` left out, and why.
 *
 * @example
 * ```ts
 * const skip: LaunchSkip = { customerId: 'cus_1', reason: 'unsubscribed' };
 * ```
 */
export interface LaunchSkip {
  readonly customerId: string;
  readonly reason: LaunchSkipReason;
}

/**
 * What `crm.campaigns.launch` did.
 *
 * @example
 * ```ts
 * const result: LaunchResult = await crm.campaigns.launch(id);
 * ```
 */
export interface LaunchResult {
  /** Members added by this launch. */
  readonly added: number;
  /** Audience customers who were members already (an earlier launch). */
  readonly alreadyMembers: number;
  /** Who was left out, in audience order. */
  readonly skipped: readonly LaunchSkip[];
  /** The skips counted by reason (every reason present, zeros included). */
  readonly skippedByReason: Readonly<Record<LaunchSkipReason, number>>;
}

type AnyCampaign = ReadonlyRecord<Campaign<any>>;
const idSort = [{ field: 'id', direction: 'asc' }] as const;

/** @internal The launch itself (see `CampaignService.launch`). */
export async function launchCampaign(
  context: ServiceContext,
  campaign: AnyCampaign,
  options: LaunchOptions,
  withSiblings: <T>(fn: (services: CampaignSiblings) => Promise<T>) => Promise<T>,
): Promise<LaunchResult> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    throw new ValidationError('batchSize is an integer from 1 to 5,000', [{ code: 'invalid_option', path: ['batchSize'], message: 'an integer from 1 to 5,000' }]);
  }
  const audience = campaign.audience;
  if (audience.segmentId === undefined && audience.customerIds === undefined && (audience.tags ?? []).length === 0) {
    throw new ValidationError(`campaign ${campaign.id} has no audience`, [
      { code: 'missing_audience', path: ['audience'], message: 'name a segmentId, customerIds or tags' },
    ]);
  }
  const narrowing: StorageFilter[] = (audience.tags ?? []).map((tag) => ({ field: 'tags', op: 'contains', value: tag }));
  if (audience.segmentId !== undefined) narrowing.push(await segmentCondition(context, audience.segmentId, ['audience', 'segmentId']));
  const suppressions: StorageFilter[] = [];
  for (const [index, segmentId] of (audience.suppressionSegmentIds ?? []).entries()) {
    suppressions.push(await segmentCondition(context, segmentId, ['audience', 'suppressionSegmentIds', index]));
  }

  const totals = { added: 0, alreadyMembers: 0, skipped: [] as LaunchSkip[] };
  const runBatch = async (ids: readonly string[], knownToMatch: boolean) => {
    const outcome = await launchBatch(context, campaign, ids, knownToMatch, narrowing, suppressions, withSiblings);
    totals.added += outcome.added;
    totals.alreadyMembers += outcome.alreadyMembers;
    totals.skipped.push(...outcome.skipped);
    options.onBatch?.({ added: totals.added, alreadyMembers: totals.alreadyMembers, skipped: totals.skipped.length });
  };

  if (audience.customerIds !== undefined) {
    const ids = [...new Set(audience.customerIds)];
    for (let start = 0; start < ids.length; start += batchSize) await runBatch(ids.slice(start, start + batchSize), false);
  } else {
    const filter: StorageFilter = narrowing.length === 1 ? narrowing[0]! : { and: narrowing };
    let after: string | undefined;
    for (;;) {
      const page = await context.storage.find('customers', {
        filter: after === undefined ? filter : { and: [filter, { field: 'id', op: 'gt', value: after }] },
        sort: idSort,
        limit: batchSize,
      });
      if (page.length === 0) break;
      await runBatch(
        page.map((customer) => customer.id),
        true,
      );
      if (page.length < batchSize) break;
      after = page[page.length - 1]!.id;
    }
  }
  const skippedByReason = Object.fromEntries(launchSkipReasons.map((reason) => [reason, 0])) as Record<LaunchSkipReason, number>;
  for (const skip of totals.skipped) skippedByReason[skip.reason] += 1;
  return { added: totals.added, alreadyMembers: totals.alreadyMembers, skipped: totals.skipped, skippedByReason };
}

async function launchBatch(
  context: ServiceContext,
  campaign: AnyCampaign,
  candidateIds: readonly string[],
  knownToMatch: boolean,
  narrowing: readonly StorageFilter[],
  suppressions: readonly StorageFilter[],
  withSiblings: <T>(fn: (services: CampaignSiblings) => Promise<T>) => Promise<T>,
): Promise<{ added: number; alreadyMembers: number; skipped: LaunchSkip[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withSiblings((services) => planAndWrite(context, services, campaign, candidateIds, knownToMatch, narrowing, suppressions));
    } catch (error) {
      // A concurrent launch of the same campaign added some of these customers
      // first (the one-member-per-campaign unique key refused ours): read again.
      if (attempt < 3 && isCrmError(error, 'conflict')) continue;
      throw error;
    }
  }
}

async function planAndWrite(
  context: ServiceContext,
  services: CampaignSiblings,
  campaign: AnyCampaign,
  candidateIds: readonly string[],
  knownToMatch: boolean,
  narrowing: readonly StorageFilter[],
  suppressions: readonly StorageFilter[],
): Promise<{ added: number; alreadyMembers: number; skipped: LaunchSkip[] }> {
  const now = context.clock.now();
  // Reads go straight to the storage (inside the batch's transaction: a crm call joins it),
  // one query per collection, without pages: a batch's ids bound what they return.
  const read = async (collection: string, filter: StorageFilter): Promise<Record<string, any>[]> =>
    (await context.storage.find(collection, { filter, sort: idSort })) as unknown as Record<string, any>[];
  const inBatch = (field: string, ids: readonly string[]): StorageFilter => ({ field, op: 'in', value: ids });
  const skipped: LaunchSkip[] = [];
  const skip = new Map<string, LaunchSkipReason>();

  // Who of a listed batch exists and matches the audience's narrowing (a batch read by the audience's own filter does).
  let ids = candidateIds;
  if (!knownToMatch) {
    const matching = await read('customers', { and: [inBatch('id', candidateIds), ...narrowing] });
    const matches = new Set(matching.map((customer) => customer.id));
    if (narrowing.length === 0) for (const id of candidateIds) if (!matches.has(id)) skip.set(id, 'not_found');
    ids = candidateIds.filter((id) => matches.has(id));
  }
  if (ids.length === 0) return finish();

  // Every membership of these customers, in any campaign: who is a member already, who bounced, who was touched lately.
  const memberships = await read('campaignMembers', inBatch('customerId', ids));
  const members = new Set(memberships.filter((member) => member.campaignId === campaign.id).map((member) => member.customerId as string));

  const erased = await read('erasures', inBatch('customerId', ids));
  for (const erasure of erased) skip.set(erasure.customerId as string, 'erased');

  const ledger = (await read('consentRecords', {
    and: [inBatch('customerId', ids), { field: 'channel', op: 'eq', value: campaign.channel }, { field: 'purpose', op: 'eq', value: campaign.purpose }],
  })) as ConsentRecord[];
  // The current decision is the latest by `at`, then id (as `crm.consent.canContact` reads it).
  const latest = new Map<string, ConsentRecord>();
  for (const decision of ledger) {
    const held = latest.get(decision.customerId);
    if (held === undefined || held.at.getTime() < decision.at.getTime() || (held.at.getTime() === decision.at.getTime() && held.id < decision.id)) latest.set(decision.customerId, decision);
  }
  for (const id of ids) {
    if (skip.has(id)) continue;
    const permission = contactPermission(latest.get(id), campaign.purpose, now);
    if (permission.allowed) continue;
    skip.set(
      id,
      permission.reason === 'consent_withdrawn'
        ? 'unsubscribed'
        : permission.reason === 'consent_denied'
          ? 'consent_denied'
          : permission.reason === 'consent_expired'
            ? 'consent_expired'
            : 'no_consent',
    );
  }

  const bounces = memberships.filter((member) => member.status === 'bounced');
  if (bounces.length > 0) {
    const campaignIds = [...new Set(bounces.map((member) => member.campaignId as string))];
    const campaigns = await services.campaigns.getMany(campaignIds);
    const sameChannel = new Set(campaigns.filter((other) => other?.channel === campaign.channel).map((other) => other!.id));
    for (const bounce of bounces) if (sameChannel.has(bounce.campaignId as string) && !skip.has(bounce.customerId as string)) skip.set(bounce.customerId as string, 'bounced');
  }

  if (campaign.frequencyCap !== undefined) {
    const cutoff = subDays(now, campaign.frequencyCap.days);
    const touches = memberships.filter(
      (member) =>
        member.campaignId !== campaign.id &&
        ((member.sentAt instanceof Date && member.sentAt.getTime() >= cutoff.getTime()) || (member.status === 'targeted' && member.failedAt === undefined)),
    );
    const perCustomer = new Map<string, number>();
    for (const touch of touches) perCustomer.set(touch.customerId as string, (perCustomer.get(touch.customerId as string) ?? 0) + 1);
    for (const [id, count] of perCustomer) if (count >= campaign.frequencyCap.touches && !skip.has(id)) skip.set(id, 'frequency_cap');
  }

  for (const suppression of suppressions) {
    const open = ids.filter((id) => !skip.has(id) && !members.has(id));
    if (open.length === 0) break;
    const suppressed = await read('customers', { and: [inBatch('id', open), suppression] });
    for (const customer of suppressed) skip.set(customer.id, 'suppressed');
  }

  const seed = campaign.seed ?? campaign.id;
  const inputs: CampaignMemberInput[] = [];
  let alreadyMembers = 0;
  for (const id of ids) {
    if (members.has(id)) {
      alreadyMembers += 1;
      continue;
    }
    if (skip.has(id)) continue;
    inputs.push({ campaignId: campaign.id, customerId: id, ...(campaign.variants === undefined ? {} : { variant: assignVariant(campaign.variants, seed, id) }) });
  }
  if (inputs.length > 0) await services.campaignMembers.createMany(inputs);
  return finish(inputs.length, alreadyMembers);

  function finish(added = 0, already = 0) {
    for (const id of candidateIds) {
      const reason = skip.get(id);
      if (reason !== undefined && !members.has(id)) skipped.push({ customerId: id, reason });
    }
    return { added, alreadyMembers: already, skipped };
  }
}

