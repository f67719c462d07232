import type { CrmIssue } from '../../storage/errors.js';
import { InvalidQueryError, ValidationError, isCrmError } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import { resolveFilter } from '../../storage/resolve-filter.js';
import type { ServiceContext } from '../service-context.js';
import type { AutomationAction } from './automation-actions.js';
import { ruleInputSchema, type RuleDefinition, type RuleInput, type RuleStep, type RuleTrigger } from './automation-rule.js';

/**
 * The issue codes of a refused rule: `unknown_collection`, `unknown_field` (a trigger, `update`
 * or filter names a field the collection does not have), `not_a_reference` (a trigger's
 * `subject` is not a reference field), `unsupported_subject` (a step the subject's collection
 * cannot take: a tag on a record without `tags`, a campaign for a non-customer),
 * `unknown_action`, `invalid_action_input` (the action's schema refused the input, its issues
 * under the step's `input`), `unknown_campaign`, `invalid_filter`.
 *
 * @example
 * ```ts
 * error.issues.some((issue) => issue.code === 'unknown_action');
 * ```
 */
export const automationIssueCodes = ['unknown_collection', 'unknown_field', 'not_a_reference', 'unsupported_subject', 'unknown_action', 'invalid_action_input', 'unknown_campaign', 'invalid_filter'] as const;

/**
 * One of {@link automationIssueCodes}.
 *
 * @example
 * ```ts
 * const code: AutomationIssueCode = 'unknown_field';
 * ```
 */
export type AutomationIssueCode = (typeof automationIssueCodes)[number];

/** The collection a trigger's runs are about: the triggering one, or the target of its `subject` reference. */
export function subjectCollectionOf(context: ServiceContext, trigger: RuleTrigger): string | undefined {
  if (trigger.kind === 'manual' || trigger.subject === undefined) return trigger.collection;
  return context.schema.collections[trigger.collection]?.references?.find((reference) => reference.field === trigger.subject)?.collection;
}

/**
 * Parses and checks a rule against the crm: its collections, fields, filters, subject and
 * steps, and each action's input against the action's schema. Throws `ValidationError`
 * with every issue and its path; returns the definition with defaults filled in.
 *
 * @internal
 */
export async function validateRule(context: ServiceContext, input: RuleInput, actions: ReadonlyMap<string, AutomationAction<any>>): Promise<RuleDefinition> {
  const parsed = ruleInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('invalid automation rule', parsed.error.issues.map((issue) => ({ code: issue.code, path: issue.path, message: issue.message })));
  }
  const rule = parsed.data;
  const issues: CrmIssue[] = [];
  const collections = context.schema.collections;
  const checkFilter = (filter: Filter | undefined, collection: string, path: PropertyKey[]) => {
    if (filter === undefined || collections[collection] === undefined) return;
    try {
      resolveFilter(filter, collections[collection]!, context.clock.now(), context.timeZone, context.schema);
    } catch (error) {
      if (!isCrmError(error) || !(error instanceof InvalidQueryError || error instanceof ValidationError)) throw error;
      const inner = error.issues.length > 0 ? error.issues : [{ code: 'invalid_filter', path: [], message: error.message }];
      for (const issue of inner) issues.push({ code: issue.code, path: [...path, ...issue.path], message: issue.message });
    }
  };
  const checkTrigger = (trigger: RuleTrigger, path: PropertyKey[]): string | undefined => {
    const schema = collections[trigger.collection];
    if (schema === undefined) {
      issues.push({ code: 'unknown_collection', path: [...path, 'collection'], message: `no collection ${trigger.collection}` });
      return undefined;
    }
    if (trigger.kind === 'record') {
      trigger.fields?.forEach((field, index) => {
        if (schema.fields[field] === undefined && !Object.keys(schema.fields).some((known) => known.startsWith(`${field}.`))) {
          issues.push({ code: 'unknown_field', path: [...path, 'fields', index], message: `${trigger.collection} has no field ${field}` });
        }
      });
    }
    if (trigger.kind === 'date' && schema.fields[trigger.field]?.type !== 'date') {
      issues.push({ code: 'unknown_field', path: [...path, 'field'], message: `${trigger.collection} has no date field ${trigger.field}` });
    }
    if (trigger.kind !== 'manual') checkFilter(trigger.where, trigger.collection, [...path, 'where']);
    const subject = subjectCollectionOf(context, trigger);
    if (subject === undefined) issues.push({ code: 'not_a_reference', path: [...path, 'subject'], message: `${String((trigger as { subject?: string }).subject)} is not a reference of ${trigger.collection}` });
    return subject;
  };
  const subject = checkTrigger(rule.trigger, ['trigger']);
  if (rule.exitWhen !== undefined) {
    const exitSubject = checkTrigger(rule.exitWhen, ['exitWhen']);
    if (exitSubject !== undefined && subject !== undefined && exitSubject !== subject) {
      issues.push({ code: 'unsupported_subject', path: ['exitWhen'], message: `exitWhen is about ${exitSubject}, the rule's runs about ${subject}` });
    }
  }
  if (subject !== undefined) {
    checkFilter(rule.conditions, subject, ['conditions']);
    checkFilter(rule.goal, subject, ['goal']);
    await checkSteps(rule.steps, ['steps']);
  }
  if (issues.length > 0) throw new ValidationError(`invalid automation rule: ${issues[0]!.message}`, issues);
  return rule;

  async function checkSteps(steps: readonly RuleStep[], path: PropertyKey[]): Promise<void> {
    const fields = collections[subject!]!.fields;
    for (const [index, step] of steps.entries()) {
      const at = [...path, index];
      const needCustomer = () => {
        if (subject !== 'customers') issues.push({ code: 'unsupported_subject', path: at, message: `${step.kind} needs runs about customers, not ${subject}` });
      };
      switch (step.kind) {
        case 'create_task':
          if (!['customers', 'deals', 'cases'].includes(subject!)) issues.push({ code: 'unsupported_subject', path: at, message: `a task follows up a customer, deal or case, not ${subject}` });
          break;
        case 'assign':
          if (fields.ownerId === undefined) issues.push({ code: 'unsupported_subject', path: at, message: `${subject} has no ownerId` });
          break;
        case 'update':
          for (const field of Object.keys(step.set)) {
            if (fields[field] === undefined && !Object.keys(fields).some((known) => known.startsWith(`${field}.`)) && !field.startsWith('custom.')) {
              issues.push({ code: 'unknown_field', path: [...at, 'set', field], message: `${subject} has no field ${field}` });
            }
          }
          break;
        case 'add_tag':
          if (fields.tags === undefined) issues.push({ code: 'unsupported_subject', path: at, message: `${subject} has no tags` });
          break;
        case 'add_to_campaign':
        case 'remove_from_campaign': {
          needCustomer();
          const [campaign] = await context.storage.getMany('campaigns', [step.campaignId]);
          if (campaign === undefined) issues.push({ code: 'unknown_campaign', path: [...at, 'campaignId'], message: `no campaign ${step.campaignId}` });
          break;
        }
        case 'open_case':
          needCustomer();
          break;
        case 'action': {
          const action = actions.get(step.action);
          if (action === undefined) {
            issues.push({ code: 'unknown_action', path: [...at, 'action'], message: `no action ${step.action} is registered` });
            break;
          }
          const checked = action.input.safeParse(step.input);
          if (!checked.success) for (const issue of checked.error.issues) issues.push({ code: 'invalid_action_input', path: [...at, 'input', ...issue.path], message: issue.message });
          break;
        }
        case 'branch':
          checkFilter(step.if, subject!, [...at, 'if']);
          await checkSteps(step.then, [...at, 'then']);
          if (step.else !== undefined) await checkSteps(step.else, [...at, 'else']);
          break;
        case 'wait':
          checkFilter(step.until, subject!, [...at, 'until']);
          break;
        case 'emit':
          break;
      }
    }
  }
}
