import * as z from 'zod';
import { caseSlaStateSchema } from './case-sla-state.js';
import { channelSchema } from './channel.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/**
 * The states of a support case, from first report to closure; the moves
 * between them are `caseTransitions`. `pending_customer` waits on the
 * customer (it was `pending` before; stored cases are migrated when a crm
 * opens), `reopened` is a solved case the customer came back on.
 *
 * @example
 * ```ts
 * caseStatuses.includes('pending_customer'); // true
 * ```
 */
export const caseStatuses = ['new', 'open', 'pending_customer', 'on_hold', 'solved', 'closed', 'reopened'] as const;

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
  priority: z.enum(casePriorities).default('normal'),
  category: z.string().trim().min(1).max(100).optional(),
  /** What caused the problem, once known (`billing_run`, `courier_delay`): the reports count repeats by it. */
  rootCause: z.string().trim().min(1).max(100).optional(),
  /** The agent (in the host application) working the case. */
  assigneeId: z.string().min(1).max(128).optional(),
  /** The support team (`crm.supportTeams`) the case is assigned within. */
  teamId: z.string().min(1).max(128).optional(),
  /** The channel the case came in through. */
  channel: channelSchema.optional(),
  /** The customer's service tier (`gold`), for SLA policies that depend on it. */
  customerTier: z.string().trim().min(1).max(100).optional(),
  /** The SLA policy to apply; when absent, the first matching active policy is chosen at creation. */
  slaPolicyId: z.string().min(1).max(128).optional(),
  /** The interactions (an email, a call) the case came from or is about. */
  interactionIds: z.array(z.string().min(1).max(128)).max(200).default([]),
  /** When the case was reported; defaults to the crm clock's now. */
  openedAt: z.date(),
  /** SLA targets: when the first response and the resolution are due (kept up to date when an SLA policy applies). */
  firstResponseDueAt: z.date().optional(),
  resolutionDueAt: z.date().optional(),
  /** SLA facts: when the first response was sent, when the case was solved and closed. */
  firstRespondedAt: z.date().optional(),
  solvedAt: z.date().optional(),
  closedAt: z.date().optional(),
};

/** The fields of a case only crmkit writes: its status (moved by `crm.cases.transition`) and SLA clocks. */
export const caseManagedShape = {
  status: z.enum(caseStatuses),
  /** When the status last changed (the case's creation at first; absent on cases stored before it existed: read `openedAt`). */
  statusChangedAt: z.date().optional(),
  /** How often the case was reopened after it was solved. */
  reopenCount: z.number().int().nonnegative().default(0),
  /** The SLA policy's clocks, when one applies. */
  sla: caseSlaStateSchema.optional(),
  /** The next instant `checkSla` has something to report (a target at risk or breached); absent when no clock runs. Indexed. */
  slaNextCheckAt: z.date().optional(),
};

/** The schema of a stored case, custom fields as free JSON. */
export const caseSchema = z.strictObject({
  ...recordBaseShape,
  ...caseShape,
  ...caseManagedShape,
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

/** The case model: collection `cases`, events `case.*`. `status`, `statusChangedAt`, `reopenCount`, `sla` and `slaNextCheckAt` are managed. */
export const caseModel = defineModel({
  collection: 'cases',
  entity: 'case',
  shape: caseShape,
  managedShape: caseManagedShape,
  references: [{ field: 'customerId', collection: 'customers' }],
  check: checkCase,
  defaultsToNow: ['openedAt'],
  indexes: [
    { name: 'cases_customer', fields: ['customerId'] },
    { name: 'cases_status_priority', fields: ['status', 'priority'] },
    { name: 'cases_assignee', fields: ['assigneeId'] },
    { name: 'cases_resolution_due', fields: ['resolutionDueAt'] },
    { name: 'cases_sla_next_check', fields: ['slaNextCheckAt'] },
    { name: 'cases_team', fields: ['teamId', 'status'] },
    { name: 'cases_root_cause', fields: ['customerId', 'rootCause'] },
  ],
});
