import * as z from 'zod';
import { channelSchema } from './channel.js';
import { currencyCodeSchema, nonNegativeMinorUnitsSchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** Whether the customer reached out, the business did, or neither (a note). */
export const interactionDirections = ['inbound', 'outbound', 'internal'] as const;

/** One of {@link interactionDirections}. */
export type InteractionDirection = (typeof interactionDirections)[number];

/**
 * What happened. `purchase` and `refund` carry `purchase` details; `survey_response` carries
 * `survey`; `task` is a follow-up completed (`crm.tasks.complete` logs it); `open` and `click`
 * are a customer opening a campaign's message and following its link (with `campaignId`, they
 * move the customer's campaign membership forward).
 */
export const interactionKinds = [
  'message',
  'call',
  'meeting',
  'note',
  'web_visit',
  'open',
  'click',
  'purchase',
  'refund',
  'survey_response',
  'complaint',
  'task',
  'other',
] as const;

/** One of {@link interactionKinds}. */
export type InteractionKind = (typeof interactionKinds)[number];

/** The survey scales crmkit understands: CSAT (1 to 5) and NPS (0 to 10). */
export const surveyTypes = ['csat', 'nps'] as const;

/** One of {@link surveyTypes}. */
export type SurveyType = (typeof surveyTypes)[number];

/** One line of an order: money in integer minor units of the order's currency. */
export const lineItemSchema = z.strictObject({
  sku: z.string().trim().min(1).max(100),
  name: z.string().trim().max(300).optional(),
  quantity: z.number().int().positive(),
  unitPrice: nonNegativeMinorUnitsSchema,
});

/** One line of an order. */
export type LineItem = z.infer<typeof lineItemSchema>;

/** An order (or a refund of one): its id, total in minor units, currency and lines. */
export const purchaseSchema = z.strictObject({
  orderId: z.string().trim().min(1).max(128),
  amount: nonNegativeMinorUnitsSchema,
  currency: currencyCodeSchema,
  /** A code the customer quoted (a coupon); a campaign with this `code` counts the purchase as its conversion. */
  couponCode: z.string().trim().min(1).max(100).optional(),
  lineItems: z.array(lineItemSchema).max(1000).default([]),
});

/** Purchase details of an interaction. */
export type Purchase = z.infer<typeof purchaseSchema>;

/** A survey answer: CSAT scores 1 to 5, NPS scores 0 to 10. */
export const surveySchema = z
  .strictObject({
    type: z.enum(surveyTypes),
    score: z.number().int(),
    comment: z.string().max(10_000).optional(),
  })
  .superRefine((survey, ctx) => {
    const [min, max] = survey.type === 'nps' ? [0, 10] : [1, 5];
    if (survey.score < min || survey.score > max) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `${survey.type} scores run from ${min} to ${max}` });
    }
  });

/** Survey details of an interaction. */
export type Survey = z.infer<typeof surveySchema>;

/** The fields of an interaction that users set, before custom fields. */
export const interactionShape = {
  customerId: z.string().min(1).max(128),
  channel: channelSchema,
  direction: z.enum(interactionDirections).default('inbound'),
  kind: z.enum(interactionKinds),
  /** When it happened; defaults to the crm clock's now. */
  occurredAt: z.date(),
  subject: z.string().max(1000).optional(),
  body: z.string().max(1_000_000).optional(),
  /** The user (in the host application) who handled it. */
  ownerId: z.string().min(1).max(128).optional(),
  /** The deal, case or campaign it belongs to, if any. */
  dealId: z.string().min(1).max(128).optional(),
  caseId: z.string().min(1).max(128).optional(),
  campaignId: z.string().min(1).max(128).optional(),
  purchase: purchaseSchema.optional(),
  survey: surveySchema.optional(),
};

/** The schema of a stored interaction, custom fields as free JSON. */
export const interactionSchema = z.strictObject({
  ...recordBaseShape,
  ...interactionShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/**
 * Rules across fields: purchases and refunds carry purchase details, survey
 * responses carry survey details, and no other kind carries either.
 */
export function checkInteraction(record: { kind: InteractionKind; purchase?: unknown; survey?: unknown }, ctx: z.RefinementCtx): void {
  const isPurchase = record.kind === 'purchase' || record.kind === 'refund';
  if (isPurchase && record.purchase === undefined) {
    ctx.addIssue({ code: 'custom', path: ['purchase'], message: `a ${record.kind} needs purchase details` });
  }
  if (!isPurchase && record.purchase !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['purchase'], message: `only purchases and refunds carry purchase details` });
  }
  if (record.kind === 'survey_response' && record.survey === undefined) {
    ctx.addIssue({ code: 'custom', path: ['survey'], message: 'a survey_response needs survey details' });
  }
  if (record.kind !== 'survey_response' && record.survey !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['survey'], message: 'only survey responses carry survey details' });
  }
}

/**
 * One touchpoint on a customer's timeline: a message, call, visit, purchase, survey answer…
 *
 * @example
 * ```ts
 * await crm.interactions.create({
 *   customerId: ada.id, channel: 'web', kind: 'purchase',
 *   purchase: { orderId: 'A-1001', amount: 4999, currency: 'EUR', lineItems: [{ sku: 'BK-1', quantity: 1, unitPrice: 4999 }] },
 * });
 * ```
 */
export type Interaction<C = Record<string, unknown>> = WithCustom<z.output<typeof interactionSchema>, C>;

/** What `crm.interactions.create()` accepts; `occurredAt` defaults to now. */
export type InteractionInput<C = Record<string, unknown>> = Omit<CreateInput<typeof interactionShape, C>, 'occurredAt'> & {
  occurredAt?: Date;
};

/** The interaction model: collection `interactions`, events `interaction.*`. */
export const interactionModel = defineModel({
  collection: 'interactions',
  entity: 'interaction',
  shape: interactionShape,
  references: [
    { field: 'customerId', collection: 'customers' },
    { field: 'dealId', collection: 'deals' },
    { field: 'caseId', collection: 'cases' },
    { field: 'campaignId', collection: 'campaigns' },
  ],
  check: checkInteraction,
  defaultsToNow: ['occurredAt'],
  indexes: [
    { name: 'interactions_customer_time', fields: ['customerId', 'occurredAt'] },
    { name: 'interactions_kind_time', fields: ['kind', 'occurredAt'] },
    // Covering for "customers with n purchases since a date" (a related filter's GROUP BY customerId), so SQL reads only the index.
    { name: 'interactions_kind_time_customer', fields: ['kind', 'occurredAt', 'customerId'] },
    { name: 'interactions_deal', fields: ['dealId'] },
    { name: 'interactions_case', fields: ['caseId'] },
    { name: 'interactions_campaign', fields: ['campaignId'] },
    { name: 'interactions_order', fields: ['purchase.orderId'] },
  ],
});
