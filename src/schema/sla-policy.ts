import * as z from 'zod';
import { businessCalendarSchema } from '../services/cases/business-calendar/business-calendar-schema.js';
import { casePriorities, caseStatuses } from './case.js';
import { slaTargetKinds } from './case-sla-state.js';
import { channelSchema } from './channel.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** One target of an SLA policy: what is measured, in how many business minutes, and when it is at risk. */
export const slaTargetSchema = z.strictObject({
  kind: z.enum(slaTargetKinds),
  /** Business minutes on the policy's calendar. */
  minutes: z.number().positive().max(10_000_000),
  /** At risk (and warned of by `checkSla`) when this many business minutes or fewer remain; 20 % of the target by default. */
  atRiskMinutes: z.number().nonnegative().max(10_000_000).optional(),
});

/**
 * One SLA target (see {@link slaTargetSchema}).
 *
 * @example
 * ```ts
 * const firstReply: SlaTarget = { kind: 'first_response', minutes: 60, atRiskMinutes: 15 };
 * ```
 */
export type SlaTarget = z.output<typeof slaTargetSchema>;

/** What an escalation rule does: raise the priority one step, reassign, and/or name who the host should notify. */
export const escalationRuleSchema = z.strictObject({
  /** Raise the case's priority one step (`normal` → `high`), at most to `urgent`. */
  raisePriority: z.boolean().default(false),
  /** Reassign the case to this agent. */
  reassignTo: z.string().min(1).max(128).optional(),
  /** Who to notify: passed on in the `case.escalated` event the host delivers. */
  notify: z.array(z.string().min(1).max(320)).max(100).default([]),
});

/**
 * An escalation rule (see {@link escalationRuleSchema}).
 *
 * @example
 * ```ts
 * const onBreach: EscalationRule = { raisePriority: true, reassignTo: 'lead-1', notify: ['support-leads@example.com'] };
 * ```
 */
export type EscalationRule = z.output<typeof escalationRuleSchema>;

/** Which cases a policy applies to: every list given must hold the case's value (absent lists match anything). */
export const slaPolicyMatchSchema = z.strictObject({
  priorities: z.array(z.enum(casePriorities)).max(casePriorities.length).optional(),
  categories: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
  channels: z.array(channelSchema).max(20).optional(),
  customerTiers: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
});

/** The fields of an SLA policy. */
export const slaPolicyShape = {
  name: z.string().trim().min(1).max(200),
  /** Inactive policies are not chosen for new cases (cases that have one keep it). */
  active: z.boolean().default(true),
  /** When several policies match a new case, the lowest rank wins (then the oldest). */
  rank: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  match: slaPolicyMatchSchema.default({}),
  /** The business hours the targets count in. */
  calendar: businessCalendarSchema,
  /** One target per kind. */
  targets: z.array(slaTargetSchema).min(1).max(slaTargetKinds.length),
  /** The statuses in which every target's clock stops running (it resumes when the case leaves them). */
  pausedStatuses: z.array(z.enum(caseStatuses)).max(caseStatuses.length).default(['pending_customer', 'on_hold']),
  /** What `checkSla` does when a target comes at risk, and when it is breached. */
  escalation: z.strictObject({ onWarning: escalationRuleSchema.optional(), onBreach: escalationRuleSchema.optional() }).default({}),
};

/** Rules across fields: one target per kind, and `solved` / `closed` cannot pause (they stop). */
export function checkSlaPolicy(policy: { targets: readonly { kind: string }[]; pausedStatuses: readonly string[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  policy.targets.forEach((target, index) => {
    if (seen.has(target.kind)) {
      ctx.addIssue({ code: 'custom', path: ['targets', index, 'kind'], message: `two ${target.kind} targets`, params: { code: 'duplicate_target' } });
    }
    seen.add(target.kind);
  });
  policy.pausedStatuses.forEach((status, index) => {
    if (status === 'solved' || status === 'closed') {
      ctx.addIssue({ code: 'custom', path: ['pausedStatuses', index], message: `${status} stops the clocks; it is not a pause` });
    }
  });
}

/** The schema of a stored SLA policy. */
export const slaPolicySchema = z.strictObject({ ...recordBaseShape, ...slaPolicyShape, custom: z.record(z.string(), z.json()).default({}) });

/**
 * An SLA policy: which cases it covers, its business calendar, its targets
 * (business minutes), the statuses that pause the clocks, and its
 * escalation rules.
 *
 * @example
 * ```ts
 * await crm.slaPolicies.create({
 *   name: 'Urgent, 24/7',
 *   match: { priorities: ['urgent'] },
 *   calendar: { timeZone: 'UTC', hours: Object.fromEntries(weekdays.map((d) => [d, [{ start: '00:00', end: '24:00' }]])) },
 *   targets: [{ kind: 'first_response', minutes: 30 }, { kind: 'resolution', minutes: 480 }],
 *   escalation: { onBreach: { raisePriority: false, reassignTo: 'lead-1', notify: ['oncall@example.com'] } },
 * });
 * ```
 */
export type SlaPolicy<C = Record<string, unknown>> = WithCustom<z.output<typeof slaPolicySchema>, C>;

/** What `crm.slaPolicies.create()` accepts. */
export type SlaPolicyInput<C = Record<string, unknown>> = CreateInput<typeof slaPolicyShape, C>;

/** The SLA policy model: collection `slaPolicies`, events `slaPolicy.*`. */
export const slaPolicyModel = defineModel({
  collection: 'slaPolicies',
  entity: 'slaPolicy',
  shape: slaPolicyShape,
  check: checkSlaPolicy,
  indexes: [{ name: 'sla_policies_active_rank', fields: ['active', 'rank'] }],
});
