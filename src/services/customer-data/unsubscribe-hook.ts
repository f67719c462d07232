import type { StoredRecord } from '../../storage/stored-record.js';
import { uuidV7Ids } from '../id-generator.js';
import type { WriteHook } from '../write-hook.js';

/** An inbound text that withdraws consent, as carriers define them (STOP, UNSUBSCRIBE, …), alone on the message. */
const stopWords = /^\s*(stop|stopall|unsubscribe|cancel|end|quit)\s*[.!]?\s*$/i;

/**
 * Writes a `withdrawn` marketing decision to the consent ledger, in the same
 * atomic block, when a campaign membership becomes `unsubscribed` (on the
 * campaign's channel) or an inbound sms reads STOP (on sms). The record is
 * written raw, as write hooks do: it is validated by construction and emits
 * no event.
 *
 * @example
 * ```ts
 * defineModule({ name: 'customer-data', models, writeHooks: [unsubscribeHook] });
 * ```
 */
export const unsubscribeHook: WriteHook = async (changes, { storage, now }) => {
  const records: StoredRecord[] = [];
  const withdraw = async (customerId: string, channel: string, source: string, proof: string) => {
    records.push({
      id: uuidV7Ids(),
      createdAt: now,
      updatedAt: now,
      version: 1,
      customerId,
      channel,
      purpose: 'marketing',
      status: 'withdrawn',
      legalBasis: 'consent',
      source,
      at: now,
      proof,
      custom: {},
    } as unknown as StoredRecord);
  };
  for (const change of changes) {
    const record = change.record as Record<string, unknown> | undefined;
    if (record === undefined) continue;
    if (change.collection === 'campaignMembers' && record.status === 'unsubscribed' && (change.previous as Record<string, unknown> | undefined)?.status !== 'unsubscribed') {
      const [campaign] = await storage.getMany('campaigns', [record.campaignId as string]);
      const channel = (campaign as { channel?: string } | undefined)?.channel ?? 'email';
      await withdraw(record.customerId as string, channel, `campaign:${String(record.campaignId)}`, 'campaign membership set to unsubscribed');
    }
    if (
      change.collection === 'interactions' &&
      change.operation === 'create' &&
      record.channel === 'sms' &&
      record.direction === 'inbound' &&
      typeof record.body === 'string' &&
      stopWords.test(record.body)
    ) {
      await withdraw(record.customerId as string, 'sms', `interaction:${change.id}`, record.body);
    }
  }
  if (records.length > 0) await storage.insertMany('consentRecords', records);
};
