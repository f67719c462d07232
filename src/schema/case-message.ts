import * as z from 'zod';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/**
 * What a message on a case is: an agent's public `reply` (the customer sees
 * it; it answers the SLA's response targets), an `internal` note (agents
 * only; no SLA effect), or a message from the `customer`.
 *
 * @example
 * ```ts
 * caseMessageKinds.includes('internal'); // true
 * ```
 */
export const caseMessageKinds = ['reply', 'internal', 'customer'] as const;

/** One of {@link caseMessageKinds}. */
export type CaseMessageKind = (typeof caseMessageKinds)[number];

/** The fields of a case message. */
export const caseMessageShape = {
  caseId: z.string().min(1).max(128),
  kind: z.enum(caseMessageKinds),
  body: z.string().min(1).max(1_000_000),
  /** The agent (host user id) who wrote a reply or note. */
  authorId: z.string().min(1).max(128).optional(),
  /** The interaction it was sent or received as (the email, the call). */
  interactionId: z.string().min(1).max(128).optional(),
  /** When it was written; defaults to the crm clock's now. */
  at: z.date(),
};

/** The schema of a stored case message. */
export const caseMessageSchema = z.strictObject({ ...recordBaseShape, ...caseMessageShape, custom: z.record(z.string(), z.json()).default({}) });

/**
 * One message of a case's conversation: a public reply, an internal note or
 * the customer's message. Written by `crm.cases.reply` / `note` / `customerMessage`.
 *
 * @example
 * ```ts
 * await crm.cases.reply(caseId, { body: 'The invoice is attached.', authorId: 'agent-7' });
 * ```
 */
export type CaseMessage<C = Record<string, unknown>> = WithCustom<z.output<typeof caseMessageSchema>, C>;

/** What `crm.caseMessages.create()` accepts (prefer `crm.cases.reply`, which also moves the SLA clocks). */
export type CaseMessageInput<C = Record<string, unknown>> = Omit<CreateInput<typeof caseMessageShape, C>, 'at'> & { at?: Date };

/** The case message model: collection `caseMessages`, events `caseMessage.*`. */
export const caseMessageModel = defineModel({
  collection: 'caseMessages',
  entity: 'caseMessage',
  shape: caseMessageShape,
  defaultsToNow: ['at'],
  references: [
    { field: 'caseId', collection: 'cases' },
    { field: 'interactionId', collection: 'interactions' },
  ],
  indexes: [{ name: 'case_messages_case', fields: ['caseId', 'at'] }],
});
