import type { CampaignMemberStatus } from '../../schema/campaign-member.js';
import type { StorageOperations } from '../../storage/adapter.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import type { WriteHook } from '../write-hook.js';
import { applyStatus } from './campaign-member-service.js';
import { memberMove } from './member-status-order.js';

/** The member status an interaction stands for, if it is about a campaign. */
function trackedStatus(interaction: Record<string, unknown>): CampaignMemberStatus | undefined {
  switch (interaction.kind) {
    case 'open':
      return 'opened';
    case 'click':
      return 'clicked';
    case 'purchase':
      return 'converted';
    case 'message':
      return interaction.direction === 'inbound' ? 'responded' : undefined;
    default:
      return undefined;
  }
}

async function campaignIdsOf(storage: StorageOperations, interaction: Record<string, unknown>): Promise<string[]> {
  const ids = typeof interaction.campaignId === 'string' ? [interaction.campaignId] : [];
  const code = (interaction.purchase as { couponCode?: unknown } | undefined)?.couponCode;
  if (interaction.kind === 'purchase' && typeof code === 'string') {
    const coded = await storage.find('campaigns', { filter: { field: 'code', op: 'eq', value: code }, sort: [{ field: 'id', direction: 'asc' }], limit: 100 });
    for (const campaign of coded) if (!ids.includes(campaign.id)) ids.push(campaign.id);
  }
  return ids;
}

/**
 * Moves campaign memberships forward from what customers do, in the write
 * that logs it: a new interaction with a `campaignId` of kind `open`
 * (→ `opened`), `click` (→ `clicked`), an inbound `message` (→ `responded`),
 * or a `purchase` (→ `converted`; a purchase whose `purchase.couponCode` is a
 * campaign's `code` converts that campaign's member too). A move the member
 * already passed (an open after a click) changes nothing, and a customer who
 * is not a member is not made one.
 *
 * @example
 * ```ts
 * await crm.interactions.create({ customerId, channel: 'email', kind: 'open', campaignId, occurredAt: new Date() });
 * (await crm.campaignMembers.find({ where: where('customerId', 'eq', customerId) })).items[0]?.status; // 'opened'
 * ```
 */
export const campaignTrackingHook: WriteHook = async (changes, { storage, now }) => {
  for (const change of changes) {
    if (change.collection !== 'interactions' || change.operation !== 'create' || change.record === undefined) continue;
    const interaction = change.record as Record<string, unknown>;
    const status = trackedStatus(interaction);
    if (status === undefined) continue;
    const campaignIds = await campaignIdsOf(storage, interaction);
    if (campaignIds.length === 0) continue;
    const members = await storage.find('campaignMembers', {
      filter: {
        and: [
          { field: 'customerId', op: 'eq', value: interaction.customerId as string },
          { field: 'campaignId', op: 'in', value: campaignIds },
        ],
      },
      sort: [{ field: 'id', direction: 'asc' }],
      limit: campaignIds.length,
    });
    const at = interaction.occurredAt instanceof Date ? interaction.occurredAt : now;
    const writes = [];
    for (const member of members) {
      if (memberMove(member.status as CampaignMemberStatus, status) !== 'ok') continue;
      const next = { ...member, updatedAt: now, version: (member.version as number) + 1 } as unknown as Record<string, unknown> & { status: CampaignMemberStatus; statusChangedAt: Date };
      applyStatus(next, status, at);
      writes.push({ record: next as unknown as StoredRecord, expectedVersion: member.version as number });
    }
    if (writes.length > 0) await storage.updateMany('campaignMembers', writes);
  }
};
