import * as z from 'zod';
import { channelSchema } from '../../schema/channel.js';
import { defineModel, type ModelInput, type ModelRecord } from '../../schema/define-model.js';

/**
 * What a consent decision is for: `marketing` (newsletters, offers),
 * `profiling` (scoring, segmentation for targeting), `transactional`
 * (order and account messages, allowed without consent unless objected to).
 * A host may add its own as a lower-case slug.
 *
 * @example
 * ```ts
 * consentPurposes.includes('marketing'); // true
 * ```
 */
export const consentPurposes = ['marketing', 'profiling', 'transactional'] as const;

/**
 * One of {@link consentPurposes}, or a host's slug.
 *
 * @example
 * ```ts
 * const purpose: ConsentPurpose = 'marketing';
 * ```
 */
export type ConsentPurpose = (typeof consentPurposes)[number] | (string & {});

/**
 * The decisions a consent record holds: `granted`, `withdrawn` (an earlier
 * grant taken back: an unsubscribe, a STOP reply), `denied` (asked and refused).
 *
 * @example
 * ```ts
 * consentDecisions; // ['granted', 'withdrawn', 'denied']
 * ```
 */
export const consentDecisions = ['granted', 'withdrawn', 'denied'] as const;

/**
 * The legal bases of the GDPR (Art. 6(1)) a processing may rest on.
 *
 * @example
 * ```ts
 * legalBases.includes('legitimate_interests'); // true
 * ```
 */
export const legalBases = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;

/**
 * The model of the consent ledger `consentRecords`: one append-only record
 * per decision of a customer about a channel and a purpose, with its legal
 * basis, where it came from, when, and the proof (the text shown, the form, the message).
 *
 * @example
 * ```ts
 * consentRecordModel.collection; // 'consentRecords'
 * ```
 */
export const consentRecordModel = defineModel({
  collection: 'consentRecords',
  entity: 'consentRecord',
  shape: {
    customerId: z.string().min(1).max(128),
    channel: channelSchema,
    purpose: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a purpose is a lower-case slug such as marketing'),
    status: z.enum(consentDecisions),
    legalBasis: z.enum(legalBases).default('consent'),
    /** Where the decision came from: `signup-form`, `campaign:<id>`, `sms-reply`. */
    source: z.string().trim().min(1).max(200),
    /** When it was made; defaults to now. */
    at: z.date(),
    /** When a grant lapses, if it does. */
    expiresAt: z.date().optional(),
    /** Evidence: the wording agreed to, the message received. */
    proof: z.string().max(10_000).optional(),
  },
  defaultsToNow: ['at'],
  references: [{ field: 'customerId', collection: 'customers' }],
  // customerId and at only: two more 1,536-byte key columns would pass MariaDB's 3,072-byte index limit; a customer has few consent records.
  indexes: [{ name: 'consentRecords_customer', fields: ['customerId', 'at'] }],
});

/**
 * One decision in the consent ledger.
 *
 * @example
 * ```ts
 * const record: ConsentRecord = await crm.consent.record({ customerId, channel: 'email', purpose: 'marketing', status: 'granted', source: 'signup-form' });
 * ```
 */
export type ConsentRecord = ModelRecord<typeof consentRecordModel>;

/**
 * What `crm.consent.record` accepts.
 *
 * @example
 * ```ts
 * const input: ConsentRecordInput = { customerId, channel: 'sms', purpose: 'marketing', status: 'withdrawn', source: 'sms-reply', proof: 'STOP' };
 * ```
 */
export type ConsentRecordInput = ModelInput<typeof consentRecordModel>;
