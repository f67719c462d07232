import * as z from 'zod';
import { channelSchema } from './channel.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** The states of a support case, from first report to closure. */
export const caseStatuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;

/** One of {@link caseStatuses}. */
export type CaseStatus = (typeof caseStatuses)[number];

/** How urgent a case is. */
export const casePriorities = ['low', 'normal', 'high', 'urgent'] as const;

/** One of {@link casePriorities}. */
export type CasePriority = (typeof casePriorities)[number];

/** The fields of a case that users set, before custom fields. */
export const caseShape = {
  customerId: z.string().min(1).max(128),
  subject: z.string().trim().min(1).max(500),
  description: z.string().max(100_000).optional(),
  status: z.enum(caseStatuses).default('new'),
  priority: z.enum(casePriorities).default('normal'),
  category: z.string().trim().min(1).max(100).optional(),
  /** The agent (in the host application) working the case. */
  assigneeId: z.string().min(1).max(128).optional(),
  /** The channel the case came in through. */
  channel: channelSchema.optional(),
  /** When the case was reported; defaults to the crm clock's now. */
  openedAt: z.date(),
  /** SLA targets: when the first response and the resolution are due. */
  firstResponseDueAt: z.date().optional(),
  resolutionDueAt: z.date().optional(),
  /** SLA facts: when the first response was sent, when the case was solved and closed. */
  firstRespondedAt: z.date().optional(),
  solvedAt: z.date().optional(),
  closedAt: z.date().optional(),
};

/** The schema of a stored case, custom fields as free JSON. */
export const caseSchema = z.strictObject({
  ...recordBaseShape,
  ...caseShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: nothing happens to a case before it was opened. */
export function checkCase(
  record: { openedAt: Date; firstRespondedAt?: Date; solvedAt?: Date; closedAt?: Date },
  ctx: z.RefinementCtx,
): void {
  for (const field of ['firstRespondedAt', 'solvedAt', 'closedAt'] as const) {
    const at = record[field];
    if (at !== undefined && at.getTime() < record.openedAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} is before openedAt` });
    }
  }
}

/**
 * A support case (ticket) with the timestamps its SLAs are measured by.
 *
 * @example
 * ```ts
 * await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high', channel: 'email' });
 * ```
 */
export type Case<C = Record<string, unknown>> = WithCustom<z.output<typeof caseSchema>, C>;

/** What `crm.cases.create()` accepts; `openedAt` defaults to now. */
export type CaseInput<C = Record<string, unknown>> = Omit<CreateInput<typeof caseShape, C>, 'openedAt'> & { openedAt?: Date };

/** The case model: collection `cases`, events `case.*`. */
export const caseModel = defineModel({
  collection: 'cases',
  entity: 'case',
  shape: caseShape,
  references: [{ field: 'customerId', collection: 'customers' }],
  check: checkCase,
  defaultsToNow: ['openedAt'],
  indexes: [
    { name: 'cases_customer', fields: ['customerId'] },
    { name: 'cases_status_priority', fields: ['status', 'priority'] },
    { name: 'cases_assignee', fields: ['assigneeId'] },
    { name: 'cases_resolution_due', fields: ['resolutionDueAt'] },
  ],
});
