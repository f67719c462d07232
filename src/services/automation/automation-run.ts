import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';

/**
 * Where a run stands: `running` (its next step is due now), `waiting` (on a delay or a
 * condition), `completed`, `goal_reached`, `exited` (an exit trigger fired), `failed` (a step
 * failed: it can be retried), `refused` (the loop guard stopped it before its first step).
 *
 * @example
 * ```ts
 * const open: RunStatus[] = ['running', 'waiting'];
 * ```
 */
export const runStatuses = ['running', 'waiting', 'completed', 'goal_reached', 'exited', 'failed', 'refused'] as const;

/**
 * One of {@link runStatuses}.
 *
 * @example
 * ```ts
 * const status: RunStatus = 'waiting';
 * ```
 */
export type RunStatus = (typeof runStatuses)[number];

/**
 * What happened at one step of a run: its path in the rule (`'2'`, `'3.then.0'`), its kind,
 * the outcome, when, and the error or result.
 *
 * @example
 * ```ts
 * const outcome: StepOutcome = { path: '0', kind: 'create_task', outcome: 'done', at: new Date(), result: { taskId: 't_1' } };
 * ```
 */
export const stepOutcomeSchema = z.strictObject({
  path: z.string().max(200),
  kind: z.string().max(50),
  outcome: z.enum(['done', 'failed', 'skipped', 'started', 'waited', 'timed_out']),
  at: z.date(),
  error: z.string().max(2000).optional(),
  /** What the step produced (the task's id, the branch taken), as JSON. */
  result: z.record(z.string(), z.unknown()).optional(),
});

/**
 * One step's record (see {@link stepOutcomeSchema}).
 *
 * @example
 * ```ts
 * run.steps.filter((step) => step.outcome === 'failed');
 * ```
 */
export type StepOutcome = z.output<typeof stepOutcomeSchema>;

/**
 * A run of a rule for one subject (collection `automationRuns`): the trigger that started it
 * (`triggerKey` is unique per rule, so a change delivered twice starts one run), the rule
 * version and definition it runs on, each step's outcome, where it stands (`position`, the
 * path of the next step), what it waits for, and its depth in a chain of runs started by
 * automation's own writes.
 */
export const automationRunModel = defineModel({
  collection: 'automationRuns',
  entity: 'automationRun',
  shape: {
    ruleId: z.string().min(1).max(128),
    ruleVersion: z.number().int().positive(),
    /** The rule's definition as the run started on it. */
    definition: z.string().max(500_000),
    subjectCollection: z.string().min(1).max(128),
    subjectId: z.string().min(1).max(128),
    status: z.enum(runStatuses),
    /** What started it: `feed:<sequence>`, `date:<recordId>:<instant>` or `manual:<id>`. */
    triggerKey: z.string().min(1).max(400),
    /** The path of the next step, or absent once the run ended. */
    position: z.string().max(200).optional(),
    waitUntil: z.date().optional(),
    /** When a `wait until` gives up. */
    waitTimeoutAt: z.date().optional(),
    steps: z.array(stepOutcomeSchema).max(1000).default([]),
    depth: z.number().int().nonnegative().default(0),
    startedAt: z.date(),
    endedAt: z.date().optional(),
    error: z.string().max(2000).optional(),
  },
  references: [{ field: 'ruleId', collection: 'automationRules' }],
  indexes: [
    { name: 'automation_runs_trigger', fields: ['ruleId', 'triggerKey'], unique: true },
    // (ruleId, subjectId): with status too it passes MariaDB's 3,072-byte index key limit; a subject has few runs of a rule.
    { name: 'automation_runs_subject', fields: ['ruleId', 'subjectId'] },
    { name: 'automation_runs_due', fields: ['status', 'waitUntil'] },
  ],
});

/**
 * A stored run.
 *
 * @example
 * ```ts
 * const { items } = await crm.automation.runs({ ruleId });
 * ```
 */
export type AutomationRun = ModelRecord<typeof automationRunModel>;
