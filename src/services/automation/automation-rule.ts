import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';
import type { Filter } from '../../storage/filter.js';
import { writeOperations } from '../write-hook.js';

const filterSchema = z.custom<Filter>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'a filter');
const name = z.string().trim().min(1).max(200);
const fieldPath = z.string().min(1).max(200);

/**
 * What starts a run:
 *
 * - `record`: a change of `collection` (from the durable change feed) of one of `operations`,
 *   touching one of `fields` if given, to a record matching `where` if given (a churn score
 *   crossing a threshold: `fields: ['churn']`, `where` on `churn.probability`);
 * - `date`: a date `field` of `collection` reaching `offsetMinutes` (negative: before it,
 *   "3 days before the renewal"; positive: after, "30 days after the last purchase");
 * - `manual`: `crm.automation.trigger(ruleId, recordId)`.
 *
 * `subject` names a reference field of the triggering record whose target the run is about
 * (an interaction's `customerId`); the run is about the triggering record itself otherwise.
 *
 * @example
 * ```ts
 * const trigger: RuleTrigger = { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' };
 * ```
 */
export const ruleTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('record'),
    collection: name,
    operations: z.array(z.enum(writeOperations)).min(1).max(3).default(['create', 'update']),
    fields: z.array(fieldPath).min(1).max(50).optional(),
    where: filterSchema.optional(),
    subject: fieldPath.optional(),
  }),
  z.strictObject({
    kind: z.literal('date'),
    collection: name,
    field: fieldPath,
    offsetMinutes: z.number().int().min(-5_256_000).max(5_256_000),
    where: filterSchema.optional(),
    subject: fieldPath.optional(),
  }),
  z.strictObject({ kind: z.literal('manual'), collection: name }),
]);

/**
 * A rule's trigger (see {@link ruleTriggerSchema}).
 *
 * @example
 * ```ts
 * const renewal: RuleTrigger = { kind: 'date', collection: 'deals', field: 'expectedCloseAt', offsetMinutes: -3 * 24 * 60 };
 * ```
 */
export type RuleTrigger = z.output<typeof ruleTriggerSchema>;

/**
 * How `assign` picks an owner: one named agent, or a list taken in turn
 * (`round_robin`) or by fewest open tasks (`least_loaded`).
 *
 * @example
 * ```ts
 * const to: AssignTarget = { agents: ['u_ada', 'u_grace'], strategy: 'round_robin' };
 * ```
 */
export const assignTargetSchema = z.union([
  z.strictObject({ agentId: z.string().min(1).max(128) }),
  z.strictObject({ agents: z.array(z.string().min(1).max(128)).min(1).max(1000), strategy: z.enum(['round_robin', 'least_loaded']) }),
]);

/**
 * An `assign` step's target (see {@link assignTargetSchema}).
 *
 * @example
 * ```ts
 * const to: AutomationAssignTarget = { agentId: 'u_ada' };
 * ```
 */
export type AutomationAssignTarget = z.output<typeof assignTargetSchema>;

/**
 * One step of a rule. The kinds (`stepKinds`): `create_task` (for the subject, due after
 * `dueInMinutes`, assigned to the subject's owner unless `assigneeId`), `assign` (sets the
 * subject's `ownerId`), `update` (sets fields of the subject), `add_tag`, `add_to_campaign`,
 * `remove_from_campaign`, `open_case` (for the subject customer), `emit` (an
 * `automation.event` on `crm.events`), `action` (a host-registered action, its input checked by
 * the action's zod schema), `branch` (`then` when the subject matches `if`, else `else`), and
 * `wait` (`minutes`, or `until` the subject matches a filter, ending after `timeoutMinutes`).
 *
 * @example
 * ```ts
 * const steps: RuleStep[] = [
 *   { kind: 'create_task', title: 'Call about the complaint', dueInMinutes: 240 },
 *   { kind: 'wait', minutes: 3 * 24 * 60 },
 *   { kind: 'branch', if: where('tags', 'contains', 'vip'), then: [{ kind: 'add_tag', tag: 'follow-up' }] },
 * ];
 * ```
 */
export type RuleStep =
  | { readonly kind: 'create_task'; readonly title: string; readonly notes?: string | undefined; readonly dueInMinutes?: number | undefined; readonly assigneeId?: string | undefined; readonly priority?: 'low' | 'normal' | 'high' | undefined }
  | { readonly kind: 'assign'; readonly to: AutomationAssignTarget }
  | { readonly kind: 'update'; readonly set: Readonly<Record<string, unknown>> }
  | { readonly kind: 'add_tag'; readonly tag: string }
  | { readonly kind: 'add_to_campaign'; readonly campaignId: string }
  | { readonly kind: 'remove_from_campaign'; readonly campaignId: string }
  | { readonly kind: 'open_case'; readonly subject: string; readonly priority?: 'low' | 'normal' | 'high' | 'urgent' | undefined; readonly category?: string | undefined }
  | { readonly kind: 'emit'; readonly event: string; readonly data?: unknown }
  | { readonly kind: 'action'; readonly action: string; readonly input?: unknown }
  | { readonly kind: 'branch'; readonly if: Filter; readonly then: readonly RuleStep[]; readonly else?: readonly RuleStep[] | undefined }
  | { readonly kind: 'wait'; readonly minutes?: number | undefined; readonly until?: Filter | undefined; readonly timeoutMinutes?: number | undefined };

/** The step kinds, in the order the docs list them. */
export const stepKinds = ['create_task', 'assign', 'update', 'add_tag', 'add_to_campaign', 'remove_from_campaign', 'open_case', 'emit', 'action', 'branch', 'wait'] as const;

const id = z.string().min(1).max(128);
const minutes = z.number().int().positive().max(5_256_000);

/**
 * The zod schema of a {@link RuleStep}.
 *
 * @example
 * ```ts
 * ruleStepSchema.parse({ kind: 'add_tag', tag: 'win-back' });
 * ```
 */
export const ruleStepSchema: z.ZodType<RuleStep> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('create_task'), title: z.string().trim().min(1).max(500), notes: z.string().max(10_000).optional(), dueInMinutes: minutes.optional(), assigneeId: id.optional(), priority: z.enum(['low', 'normal', 'high']).optional() }),
    z.strictObject({ kind: z.literal('assign'), to: assignTargetSchema }),
    z.strictObject({ kind: z.literal('update'), set: z.record(fieldPath, z.unknown()).refine((set) => Object.keys(set).length > 0, 'set at least one field') }),
    z.strictObject({ kind: z.literal('add_tag'), tag: z.string().trim().min(1).max(100) }),
    z.strictObject({ kind: z.literal('add_to_campaign'), campaignId: id }),
    z.strictObject({ kind: z.literal('remove_from_campaign'), campaignId: id }),
    z.strictObject({ kind: z.literal('open_case'), subject: z.string().trim().min(1).max(500), priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(), category: z.string().trim().min(1).max(100).optional() }),
    z.strictObject({ kind: z.literal('emit'), event: z.string().regex(/^[a-z][a-zA-Z0-9_.:-]{0,99}$/, 'an event name such as win-back.started'), data: z.unknown().optional() }),
    z.strictObject({ kind: z.literal('action'), action: z.string().min(1).max(100), input: z.unknown().optional() }),
    z.strictObject({ kind: z.literal('branch'), if: filterSchema, then: z.array(ruleStepSchema).max(100), else: z.array(ruleStepSchema).max(100).optional() }),
    z
      .strictObject({ kind: z.literal('wait'), minutes: minutes.optional(), until: filterSchema.optional(), timeoutMinutes: minutes.optional() })
      .refine((wait) => (wait.minutes === undefined) !== (wait.until === undefined), 'a wait takes minutes or until, not both')
      .refine((wait) => wait.until === undefined || wait.timeoutMinutes !== undefined, 'a wait until a condition needs timeoutMinutes'),
  ]),
) as z.ZodType<RuleStep>;

/**
 * A rule as the host writes it: JSON-serializable data (filters may hold dates), validated
 * by `crm.automation.define` against the crm's schema and its registered actions.
 *
 * - `conditions`: the subject must match them when the run starts (related filters included);
 * - `reenroll`: a subject may start a new run once its previous one ended (default: once ever);
 * - `exitWhen`: a record trigger that ends the subject's active runs (a complaint ends a
 *   win-back journey);
 * - `goal`: a filter on the subject that, once met, ends its run as `goal_reached`.
 *
 * @example
 * ```ts
 * const rule: RuleInput = {
 *   name: 'Complaint follow-up',
 *   trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' },
 *   steps: [{ kind: 'open_case', subject: 'Complaint', priority: 'high' }],
 * };
 * ```
 */
export const ruleInputSchema = z.strictObject({
  name,
  trigger: ruleTriggerSchema,
  conditions: filterSchema.optional(),
  steps: z.array(ruleStepSchema).min(1).max(100),
  reenroll: z.boolean().default(false),
  exitWhen: ruleTriggerSchema.optional(),
  goal: filterSchema.optional(),
  /** The deepest chain of runs started by this rule's own writes before the next is refused (a loop). */
  maxDepth: z.number().int().min(1).max(20).default(5),
});

/**
 * A rule as `crm.automation.define` takes it.
 *
 * @example
 * ```ts
 * await crm.automation.define({ name: 'Tag buyers', trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'purchase'), subject: 'customerId' }, steps: [{ kind: 'add_tag', tag: 'buyer' }] });
 * ```
 */
export type RuleInput = z.input<typeof ruleInputSchema>;

/**
 * A rule with its defaults filled in.
 *
 * @example
 * ```ts
 * const definition: RuleDefinition = ruleInputSchema.parse(input);
 * ```
 */
export type RuleDefinition = z.output<typeof ruleInputSchema>;

/**
 * The stored rule (collection `automationRules`): its name, whether it runs, the trigger's
 * collection (indexed, so a change finds its rules), the definition serialized (dates kept),
 * and where its date trigger and round-robin assignment stand. Its `version` is the rule's
 * version: each run records the version it started on and keeps its definition.
 */
export const automationRuleModel = defineModel({
  collection: 'automationRules',
  entity: 'automationRule',
  shape: {
    name,
    enabled: z.boolean(),
    triggerKind: z.enum(['record', 'date', 'manual']),
    triggerCollection: name,
    /** The collection whose changes end runs (`exitWhen`), if any. */
    exitCollection: name.optional(),
    definition: z.string().max(500_000),
    /** Until when the date trigger has looked. */
    dateCheckedUntil: z.date().optional(),
    /** How many round-robin assignments the rule has made. */
    assignments: z.number().int().nonnegative().default(0),
  },
  indexes: [
    { name: 'automation_rules_name', fields: ['name'], unique: true },
    { name: 'automation_rules_trigger', fields: ['enabled', 'triggerCollection'] },
  ],
});

/**
 * A stored rule.
 *
 * @example
 * ```ts
 * const rule: AutomationRule = await crm.automation.define(input);
 * ```
 */
export type AutomationRule = ModelRecord<typeof automationRuleModel>;
