import type { Draft } from 'immer';
import { InvalidTransitionError } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import type { Page } from '../find-options.js';
import type { ServiceContext } from '../service-context.js';
import type { AutomationAction } from './automation-actions.js';
import { AutomationEngine, type TickOptions, type TickResult } from './automation-engine.js';
import type { AutomationRule, RuleDefinition, RuleInput } from './automation-rule.js';
import type { AutomationRun, RunStatus } from './automation-run.js';
import { parseRuleJson, ruleJson } from './rule-json.js';
import { validateRule } from './rule-validation.js';

/** Host actions by crm: registered once on any `crm.automation` of the crm, seen by all of them (and by `withActor` copies). */
const actionsOfCrm = new WeakMap<object, Map<string, AutomationAction<any>>>();

/**
 * Options of {@link AutomationFacade.runs}.
 *
 * @example
 * ```ts
 * await crm.automation.runs({ ruleId, status: 'failed', limit: 20 });
 * ```
 */
export interface RunsQuery {
  readonly ruleId?: string;
  readonly subjectId?: string;
  readonly status?: RunStatus;
  readonly limit?: number;
  readonly cursor?: string;
}

/**
 * `crm.automation`: rules as data (define, enable, disable, a dry run), host actions, the
 * engine's `tick`, manual triggers, and runs as records (list, retry). Rules start disabled;
 * `tick` is the host's to call (a scheduler, a worker loop), from as many processes as it
 * likes. See `docs/automation.md`.
 *
 * @example
 * ```ts
 * const rule = await crm.automation.define({
 *   name: 'Complaint opens a case',
 *   trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' },
 *   steps: [{ kind: 'open_case', subject: 'Complaint', priority: 'high' }],
 * });
 * await crm.automation.enable(rule.id);
 * setInterval(() => crm.automation.tick(), 10_000);
 * ```
 */
export class AutomationFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
    if (!actionsOfCrm.has(context.schema)) actionsOfCrm.set(context.schema, new Map());
  }

  get #actions(): Map<string, AutomationAction<any>> {
    return actionsOfCrm.get(this.#context.schema)!;
  }

  /**
   * Registers a host action that `action` steps may name, with the zod schema of its input.
   * Register actions before defining the rules that use them, in every process that ticks.
   *
   * @example
   * ```ts
   * crm.automation.registerAction('notify-slack', { input: z.object({ channel: z.string() }), run: async ({ channel }, { subjectId }) => slack.post(channel, subjectId) });
   * ```
   */
  registerAction<I>(name: string, action: AutomationAction<I>): void {
    this.#actions.set(name, action as AutomationAction<any>);
  }

  /**
   * Validates and stores a rule (disabled). A rule naming an unknown collection, field,
   * action or campaign, a filter that does not fit, or an action input its schema refuses,
   * is a `ValidationError` with each issue's path; nothing is written.
   *
   * @example
   * ```ts
   * const rule = await crm.automation.define({ name: 'Tag buyers', trigger, steps: [{ kind: 'add_tag', tag: 'buyer' }] });
   * ```
   */
  async define(input: RuleInput): Promise<AutomationRule> {
    const definition = await validateRule(this.#context, input, this.#actions);
    return (await this.#context.services.automationRules!.create(this.#stored(definition, false))) as AutomationRule;
  }

  /**
   * Replaces a rule's definition (validated as `define` does); its version goes up, and runs
   * already started go on with the version they started on.
   *
   * @example
   * ```ts
   * await crm.automation.update(rule.id, { ...input, steps: [...input.steps, { kind: 'add_tag', tag: 'seen' }] });
   * ```
   */
  async update(id: string, input: RuleInput): Promise<AutomationRule> {
    const definition = await validateRule(this.#context, input, this.#actions);
    const stored = this.#stored(definition, false);
    return (await this.#context.services.automationRules!.update(id, (draft: Draft<AutomationRule>) => {
      const { enabled: _enabled, ...fields } = stored;
      Object.assign(draft, fields);
    })) as AutomationRule;
  }

  /**
   * Turns a rule on: from now, its trigger starts runs (a record trigger acts on changes the
   * feed holds from the next tick; a date trigger on dates reached after it was defined).
   *
   * @example
   * ```ts
   * await crm.automation.enable(rule.id);
   * ```
   */
  async enable(id: string): Promise<AutomationRule> {
    return (await this.#context.services.automationRules!.update(id, (draft: Draft<AutomationRule>) => void (draft.enabled = true))) as AutomationRule;
  }

  /**
   * Turns a rule off: it starts no run and its waiting runs do not advance until it is on again.
   *
   * @example
   * ```ts
   * await crm.automation.disable(rule.id);
   * ```
   */
  async disable(id: string): Promise<AutomationRule> {
    return (await this.#context.services.automationRules!.update(id, (draft: Draft<AutomationRule>) => void (draft.enabled = false))) as AutomationRule;
  }

  /**
   * A rule's definition, parsed.
   *
   * @example
   * ```ts
   * (await crm.automation.definition(rule.id)).steps.length;
   * ```
   */
  async definition(id: string): Promise<RuleDefinition> {
    const rule = (await this.#context.services.automationRules!.get(id)) as AutomationRule;
    return parseRuleJson(rule.definition);
  }

  /**
   * Whether a record would start a run of the rule now, and why not: the trigger's filter and
   * the rule's conditions evaluated against it, nothing written.
   *
   * @example
   * ```ts
   * await crm.automation.dryRun(rule.id, customer.id); // { wouldStart: false, reason: 'conditions_not_met' }
   * ```
   */
  async dryRun(id: string, recordId: string): Promise<{ readonly wouldStart: boolean; readonly reason?: 'not_found' | 'trigger_filter_not_met' | 'conditions_not_met' | 'already_enrolled' }> {
    const rule = (await this.#context.services.automationRules!.get(id)) as AutomationRule;
    const definition = parseRuleJson(rule.definition);
    const trigger = definition.trigger;
    const [record] = await this.#context.storage.getMany(trigger.collection, [recordId]);
    if (record === undefined) return { wouldStart: false, reason: 'not_found' };
    const where: Filter | undefined = trigger.kind === 'manual' ? undefined : trigger.where;
    if (where !== undefined && (await this.#context.services[trigger.collection]!.count({ and: [{ field: 'id', op: 'eq', value: recordId }, where] } as never)) === 0) {
      return { wouldStart: false, reason: 'trigger_filter_not_met' };
    }
    const subjectId = trigger.kind !== 'manual' && trigger.subject !== undefined ? (record as Record<string, unknown>)[trigger.subject] : recordId;
    const subjectCollection = trigger.kind !== 'manual' && trigger.subject !== undefined ? this.#context.schema.collections[trigger.collection]!.references!.find((r) => r.field === trigger.subject)!.collection : trigger.collection;
    if (definition.conditions !== undefined && (await this.#context.services[subjectCollection]!.count({ and: [{ field: 'id', op: 'eq', value: subjectId }, definition.conditions] } as never)) === 0) {
      return { wouldStart: false, reason: 'conditions_not_met' };
    }
    const open = await this.#context.services.automationRuns!.count({ and: [{ field: 'ruleId', op: 'eq', value: id }, { field: 'subjectId', op: 'eq', value: subjectId }, { field: 'status', op: 'in', value: ['running', 'waiting'] }] } as never);
    return open > 0 ? { wouldStart: false, reason: 'already_enrolled' } : { wouldStart: true };
  }

  /**
   * Starts a run of an enabled rule for one subject by hand (the rule's trigger kind is
   * `manual`, or any kind for a one-off), then runs it as far as it goes now. Returns the run,
   * or `undefined` when the subject is already enrolled or does not meet the conditions.
   *
   * @example
   * ```ts
   * const run = await crm.automation.trigger(rule.id, customer.id);
   * ```
   */
  async trigger(id: string, subjectId: string): Promise<AutomationRun | undefined> {
    const rule = (await this.#context.services.automationRules!.get(id)) as AutomationRule;
    if (!rule.enabled) return undefined;
    return new AutomationEngine(this.#context, this.#actions).trigger(rule, subjectId);
  }

  /**
   * Consumes the change feed (starting runs whose triggers fire, ending runs whose exit
   * triggers do), starts runs for date triggers reached, and advances runs that are due.
   * Safe to call from several processes at once; each step runs once.
   *
   * @example
   * ```ts
   * const { started, stepsRun } = await crm.automation.tick();
   * ```
   */
  async tick(options: TickOptions = {}): Promise<TickResult> {
    return new AutomationEngine(this.#context, this.#actions).tick(options);
  }

  /**
   * Runs, newest first, by rule, subject or status.
   *
   * @example
   * ```ts
   * const { items } = await crm.automation.runs({ status: 'failed' });
   * ```
   */
  async runs(query: RunsQuery = {}): Promise<Page<AutomationRun>> {
    const conditions = [
      ...(query.ruleId === undefined ? [] : [{ field: 'ruleId', op: 'eq', value: query.ruleId }]),
      ...(query.subjectId === undefined ? [] : [{ field: 'subjectId', op: 'eq', value: query.subjectId }]),
      ...(query.status === undefined ? [] : [{ field: 'status', op: 'eq', value: query.status }]),
    ];
    return (await this.#context.services.automationRuns!.find({
      ...(conditions.length === 0 ? {} : { where: { and: conditions } }),
      sort: [{ field: 'id', direction: 'desc' }],
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    } as never)) as Page<AutomationRun>;
  }

  /**
   * Runs a failed run again from the step that failed; a run that did not fail is
   * `InvalidTransitionError` (reason `run_not_failed`).
   *
   * @example
   * ```ts
   * for (const run of (await crm.automation.runs({ status: 'failed' })).items) await crm.automation.retry(run.id);
   * ```
   */
  async retry(runId: string): Promise<AutomationRun> {
    const run = (await this.#context.services.automationRuns!.get(runId)) as AutomationRun;
    if (run.status !== 'failed') throw new InvalidTransitionError(`run ${runId} is ${run.status}, not failed`, { reason: 'run_not_failed' });
    return new AutomationEngine(this.#context, this.#actions).retry(run);
  }

  #stored(definition: RuleDefinition, enabled: boolean) {
    return {
      name: definition.name,
      enabled,
      triggerKind: definition.trigger.kind,
      triggerCollection: definition.trigger.collection,
      ...(definition.exitWhen === undefined ? {} : { exitCollection: definition.exitWhen.collection }),
      definition: ruleJson(definition),
    };
  }
}
