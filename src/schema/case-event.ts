import * as z from 'zod';
import { actorSchema } from '../services/actor.js';
import { slaTargetKinds } from './case-sla-state.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/**
 * What happened to a case: its status moved (`status_changed`), it was
 * assigned (`assigned`), its priority changed (`priority_changed`), an SLA
 * target came at risk or was breached (`sla_warning`, `sla_breached`), or an
 * escalation rule ran (`escalated`).
 *
 * @example
 * ```ts
 * caseEventKinds.includes('status_changed'); // true
 * ```
 */
export const caseEventKinds = ['status_changed', 'assigned', 'priority_changed', 'sla_warning', 'sla_breached', 'escalated'] as const;

/** One of {@link caseEventKinds}. */
export type CaseEventKind = (typeof caseEventKinds)[number];

/** The fields of a case event. */
export const caseEventShape = {
  caseId: z.string().min(1).max(128),
  kind: z.enum(caseEventKinds),
  /** When it happened, from the crm clock. */
  at: z.date(),
  /** The value before: the status, the assignee, the priority. */
  from: z.string().max(128).optional(),
  /** The value after. */
  to: z.string().max(128).optional(),
  /** Who did it: the crm's actor at the time (`crm.withActor(actor)`); for `checkSla`'s own moves, the actor that ran it. */
  actor: actorSchema,
  /** For SLA events: the target. */
  target: z.enum(slaTargetKinds).optional(),
  /** A free-text reason or note. */
  note: z.string().max(10_000).optional(),
};

/** The schema of a stored case event. */
export const caseEventSchema = z.strictObject({ ...recordBaseShape, ...caseEventShape, custom: z.record(z.string(), z.json()).default({}) });

/**
 * One entry of a case's history: who did what, when, from which value to which.
 * `crm.cases.events(caseId)` reads them in order.
 *
 * @example
 * ```ts
 * const [moved] = await crm.cases.events(caseId); // { kind: 'status_changed', from: 'new', to: 'open', at, actor }
 * ```
 */
export type CaseEvent<C = Record<string, unknown>> = WithCustom<z.output<typeof caseEventSchema>, C>;

/** What `crm.caseEvents.create()` accepts (crmkit writes them itself; hosts rarely do). */
export type CaseEventInput<C = Record<string, unknown>> = Omit<CreateInput<typeof caseEventShape, C>, 'at'> & { at?: Date };

/**
 * The case event model: collection `caseEvents`, events `caseEvent.*`. The
 * history is a log that outlives its case: `caseId` is not a checked
 * reference, so deleting a case keeps its history.
 */
export const caseEventModel = defineModel({
  collection: 'caseEvents',
  entity: 'caseEvent',
  shape: caseEventShape,
  defaultsToNow: ['at'],
  indexes: [
    { name: 'case_events_case', fields: ['caseId', 'at'] },
    { name: 'case_events_kind', fields: ['kind', 'at'] },
  ],
});
