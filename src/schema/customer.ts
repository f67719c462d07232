import * as z from 'zod';
import { channelSchema, channels } from './channel.js';
import { emailAddressSchema } from './email-address.js';
import { phoneNumberSchema } from './phone-number.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';
import { uniqueList } from './unique-list.js';

/** A customer is a person or an organization. */
export const customerKinds = ['person', 'organization'] as const;

/** One of {@link customerKinds}. */
export type CustomerKind = (typeof customerKinds)[number];

/** How the business relates to the customer. */
export const relationshipTypes = ['customer', 'prospect', 'partner', 'supplier', 'distributor', 'vendor'] as const;

/** One of {@link relationshipTypes}. */
export type RelationshipType = (typeof relationshipTypes)[number];

/** Where the customer stands in the marketing and sales funnel. */
export const lifecycleStages = [
  'subscriber',
  'lead',
  'qualified',
  'opportunity',
  'customer',
  'evangelist',
  'churned',
  'other',
] as const;

/** One of {@link lifecycleStages}. */
export type LifecycleStage = (typeof lifecycleStages)[number];

/** The purposes an address serves. */
export const addressTypes = ['billing', 'shipping', 'home', 'work', 'other'] as const;

/** One of {@link addressTypes}. */
export type AddressType = (typeof addressTypes)[number];

/** A postal address. `country` is an ISO 3166-1 alpha-2 code. */
export const addressSchema = z.strictObject({
  type: z.enum(addressTypes).default('other'),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().max(100).optional(),
  region: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().max(20).optional(),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'country is an ISO 3166-1 alpha-2 code')
    .optional(),
});

/** A postal address. */
export type Address = z.infer<typeof addressSchema>;

/** Whether a customer agreed to marketing on a channel. */
export const consentStatuses = ['granted', 'denied'] as const;

/** One of {@link consentStatuses}. */
export type ConsentStatus = (typeof consentStatuses)[number];

/** Marketing consent on one channel: the decision, when it was made and where it came from. */
export const consentSchema = z.strictObject({
  status: z.enum(consentStatuses),
  at: z.date(),
  source: z.string().trim().max(200).optional(),
});

/** Marketing consent on one channel. */
export type Consent = z.infer<typeof consentSchema>;

/** Marketing consent per channel; a channel without an entry has no recorded decision. */
export const consentByChannelSchema = z.strictObject(
  Object.fromEntries(channels.map((channel) => [channel, consentSchema.optional()])) as {
    [K in (typeof channels)[number]]: z.ZodOptional<typeof consentSchema>;
  },
);

const name = z.string().trim().min(1).max(300);

/** The fields of a customer that users set, before custom fields. */
export const customerShape = {
  kind: z.enum(customerKinds).default('person'),
  /** Display name: a person's full name or an organization's name. */
  name,
  firstName: z.string().trim().max(150).optional(),
  lastName: z.string().trim().max(150).optional(),
  /** Email addresses, lower-cased, without duplicates; the first is the primary one. */
  emails: uniqueList(emailAddressSchema).default([]),
  /** Phone numbers in E.164, without duplicates; the first is the primary one. */
  phones: uniqueList(phoneNumberSchema).default([]),
  addresses: z.array(addressSchema).max(50).default([]),
  /** For a person: the id of the organization customer they belong to. */
  organizationId: z.string().min(1).max(128).optional(),
  relationship: z.enum(relationshipTypes).default('customer'),
  lifecycleStage: z.enum(lifecycleStages).default('lead'),
  /** The user (in the host application) who owns the relationship. */
  ownerId: z.string().min(1).max(128).optional(),
  /** Free labels, trimmed, without duplicates. */
  tags: uniqueList(z.string().trim().min(1).max(100), 200).default([]),
  /** The channel through which the customer first came. */
  source: channelSchema.optional(),
  consent: consentByChannelSchema.default({}),
};

/**
 * A customer's churn score as `crm.analytics.churn({ persist: true })` last wrote it: managed
 * (recipes cannot change it), filterable (`where('churn.riskBand', 'eq', 'high')`). Amounts in
 * minor units of `currency`.
 */
export const customerChurnSchema = z.strictObject({
  /** P(no purchase within `horizon` `timeUnit`s | history). */
  probability: z.number().min(0).max(1),
  riskBand: z.enum(['low', 'medium', 'high', 'lost']),
  /** Churn probability × spend within the horizon if active. */
  expectedRevenueLost: z.number().min(0),
  lifetimeValue: z.number().min(0).optional(),
  currency: z.string().optional(),
  horizon: z.number().min(0),
  timeUnit: z.enum(['days', 'weeks', 'months']),
  /** The purchase model that scored it. */
  model: z.string(),
  scoredAt: z.date(),
});

/** The managed fields of a customer. */
export const customerManagedShape = {
  churn: customerChurnSchema.optional(),
  /**
   * The normalized tokens search finds the customer by (folded name words, email parts, phone
   * digits), kept by `crm.customers` on every write; filterable (`where('searchKeys', 'startsWith', 'lov')`).
   */
  searchKeys: z.array(z.string().max(400)).max(1000).default([]),
};

/** The schema of a stored customer, custom fields as free JSON (`createCrm` substitutes the host's schema). */
export const customerSchema = z.strictObject({
  ...recordBaseShape,
  ...customerShape,
  ...customerManagedShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/**
 * A customer as stored, with custom fields of type `C`.
 *
 * @example
 * ```ts
 * const ada: Customer = await crm.customers.create({ name: 'Ada Lovelace', emails: ['ada@example.com'] });
 * ```
 */
export type Customer<C = Record<string, unknown>> = WithCustom<z.output<typeof customerSchema>, C>;

/** What `crm.customers.create()` accepts: defaults are filled in, emails and phones normalized. */
export type CustomerInput<C = Record<string, unknown>> = CreateInput<typeof customerShape, C>;

/** The customer model: collection `customers`, events `customer.*`. */
export const customerModel = defineModel({
  collection: 'customers',
  entity: 'customer',
  shape: customerShape,
  managedShape: customerManagedShape,
  references: [{ field: 'organizationId', collection: 'customers' }],
  indexes: [
    { name: 'customers_emails', fields: ['emails'] },
    { name: 'customers_phones', fields: ['phones'] },
    { name: 'customers_organization', fields: ['organizationId'] },
    { name: 'customers_owner', fields: ['ownerId'] },
    { name: 'customers_lifecycle', fields: ['lifecycleStage'] },
    { name: 'customers_name', fields: ['name'] },
    { name: 'customers_churn', fields: ['churn.riskBand', 'churn.probability'] },
    { name: 'customers_search', fields: ['searchKeys'] },
  ],
});
