import * as z from 'zod';
import { actorSchema } from '../services/actor.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** How urgent a task is, least first. */
export const taskPriorities = ['low', 'normal', 'high', 'urgent'] as const;

/** One of {@link taskPriorities}. */
export type TaskPriority = (typeof taskPriorities)[number];

/** The fields of a task that users set, before custom fields. */
export const taskShape = {
  title: z.string().trim().min(1).max(300),
  notes: z.string().max(100_000).optional(),
  /** When it is due. */
  dueAt: z.date(),
  /** The host's user who is to do it. */
  assigneeId: z.string().min(1).max(128).optional(),
  priority: z.enum(taskPriorities).default('normal'),
  /** What it follows up: a customer, a deal or a case (at least one). */
  customerId: z.string().min(1).max(128).optional(),
  dealId: z.string().min(1).max(128).optional(),
  caseId: z.string().min(1).max(128).optional(),
};

/** The fields the core maintains: set by `crm.tasks.complete`. */
export const taskManagedShape = {
  done: z.boolean(),
  /** When it was completed. */
  doneAt: z.date().optional(),
  /** Who completed it. */
  doneBy: actorSchema.optional(),
  /** The interaction logged on the customer's timeline when it was completed. */
  activityId: z.string().min(1).max(128).optional(),
};

/** The schema of a stored task. */
export const taskSchema = z.strictObject({
  ...recordBaseShape,
  ...taskShape,
  ...taskManagedShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: a task follows up a customer, a deal or a case. */
export function checkTask(record: { customerId?: string; dealId?: string; caseId?: string }, ctx: z.RefinementCtx): void {
  if (record.customerId === undefined && record.dealId === undefined && record.caseId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'a task follows up a customer, a deal or a case: give customerId, dealId or caseId' });
  }
}

/**
 * A follow-up: a call to make, a proposal to send, with a due date, an assignee and a priority.
 *
 * @example
 * ```ts
 * await crm.tasks.create({ title: 'Send the proposal', dealId: deal.id, dueAt: new Date('2025-03-03T17:00:00Z'), assigneeId: 'u_42', priority: 'high' });
 * ```
 */
export type Task<C = Record<string, unknown>> = WithCustom<z.output<typeof taskSchema>, C>;

/** What `crm.tasks.create()` accepts. */
export type TaskInput<C = Record<string, unknown>> = CreateInput<typeof taskShape, C>;

/** The task model: collection `tasks`, events `task.*`. `done`, `doneAt`, `doneBy` and `activityId` are managed. */
export const taskModel = defineModel({
  collection: 'tasks',
  entity: 'task',
  shape: taskShape,
  managedShape: taskManagedShape,
  check: checkTask,
  references: [
    { field: 'customerId', collection: 'customers' },
    { field: 'dealId', collection: 'deals' },
    { field: 'caseId', collection: 'cases' },
  ],
  indexes: [
    { name: 'tasks_done_due', fields: ['done', 'dueAt'] },
    { name: 'tasks_assignee_done_due', fields: ['assigneeId', 'done', 'dueAt'] },
    { name: 'tasks_customer', fields: ['customerId'] },
    { name: 'tasks_deal', fields: ['dealId'] },
    { name: 'tasks_case', fields: ['caseId'] },
  ],
});
