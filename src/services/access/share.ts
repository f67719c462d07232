import * as z from 'zod';
import { defineModel, type ModelInput, type ModelRecord } from '../../schema/define-model.js';

/**
 * The collections whose records can be shared with a partner organization.
 *
 * @example
 * ```ts
 * shareableCollections.includes('deals'); // true
 * ```
 */
export const shareableCollections = ['customers', 'deals', 'cases'] as const;

/** One of {@link shareableCollections}. */
export type ShareableCollection = (typeof shareableCollections)[number];

/**
 * What a share lets the partner do: `read` the record, or `write` it too (as
 * far as the partner's role allows writes on records shared with it).
 *
 * @example
 * ```ts
 * shareAccessLevels.includes('write'); // true
 * ```
 */
export const shareAccessLevels = ['read', 'write'] as const;

/** One of {@link shareAccessLevels}. */
export type ShareAccess = (typeof shareAccessLevels)[number];

/**
 * The model of the `shares` collection: one record shared with one partner
 * organization, until it expires or is revoked (deleted). Shares are records
 * like any other: their creation and revocation are in their history, with the
 * actor who made them, and under tenancy they belong to the tenant.
 *
 * @example
 * ```ts
 * await crm.sharing.share({ collection: 'customers', recordId: ada.id, partnerId: 'p_7', access: 'read' });
 * ```
 */
export const shareModel = defineModel({
  collection: 'shares',
  entity: 'share',
  shape: {
    /** The shared record's collection. */
    collection: z.enum(shareableCollections),
    /** The shared record's id. */
    recordId: z.string().min(1).max(128),
    /** The partner organization it is shared with (what `crm.as({ partnerId })` names). */
    partnerId: z.string().min(1).max(256),
    /** Read only, or read and write. */
    access: z.enum(shareAccessLevels).default('read'),
    /** When the share ends by itself; never when absent. */
    expiresAt: z.date().optional(),
    /** Why it was shared, for the people reading the history. */
    reason: z.string().trim().max(2000).optional(),
  },
  indexes: [
    { name: 'shares_partner', fields: ['partnerId', 'collection'] },
    { name: 'shares_record', fields: ['recordId'] },
  ],
});

/** A stored share. */
export type Share = ModelRecord<typeof shareModel>;

/** What `crm.sharing.share` accepts. */
export type ShareInput = ModelInput<typeof shareModel>;
