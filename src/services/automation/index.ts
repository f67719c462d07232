import { defineModule, eventTypes, facadeFactory } from '../define-module.js';
import type { AutomationEvent } from './automation-event.js';
import { AutomationFacade } from './automation-facade.js';
import { automationRuleModel } from './automation-rule.js';
import { automationRunModel } from './automation-run.js';

export { AutomationFacade, type RunsQuery } from './automation-facade.js';
export type { AutomationAction, AutomationActionContext, AutomationActionRun } from './automation-actions.js';
export type { AutomationEvent } from './automation-event.js';
export type { TickOptions, TickResult } from './automation-engine.js';
export {
  assignTargetSchema,
  automationRuleModel,
  ruleInputSchema,
  ruleStepSchema,
  ruleTriggerSchema,
  stepKinds,
  type AutomationAssignTarget,
  type AutomationRule,
  type RuleDefinition,
  type RuleInput,
  type RuleStep,
  type RuleTrigger,
} from './automation-rule.js';
export { automationRunModel, runStatuses, stepOutcomeSchema, type AutomationRun, type RunStatus, type StepOutcome } from './automation-run.js';
export { automationIssueCodes, type AutomationIssueCode } from './rule-validation.js';
export { nextPath, stepAt } from './step-path.js';
export { parseRuleJson, ruleJson } from './rule-json.js';

/**
 * Automation (`crm.automation`): rules as data that act on what happens (changes in the
 * durable change feed, dates reached, manual triggers), with conditions in the filter
 * language, steps that write (tasks, assignment, fields, tags, campaigns, cases), host
 * actions, branches and waits that survive restarts, and every run kept as a record
 * (`automationRules`, `automationRuns`). See `docs/automation.md`.
 *
 * @example
 * ```ts
 * await crm.automation.enable((await crm.automation.define(rule)).id);
 * await crm.automation.tick();
 * ```
 */
export const automationModule = defineModule({
  name: 'automation',
  models: { automationRules: automationRuleModel, automationRuns: automationRunModel },
  events: eventTypes<{ 'automation.event': AutomationEvent }>(),
  facades: { automation: facadeFactory((context) => new AutomationFacade(context)) },
});
