import { addMinutes } from 'date-fns';
import type { Draft } from 'immer';
import type { Filter, StorageFilter } from '../../storage/filter.js';
import { isCrmError } from '../../storage/errors.js';
import { compileFilter } from '../../storage/compile-filter.js';
import { hasRelatedFilter } from '../../storage/related-filter.js';
import { readPath } from '../../storage/read-path.js';
import { resolveFilter } from '../../storage/resolve-filter.js';
import { writePath } from '../../storage/write-path.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import type { Actor } from '../actor.js';
import { ChangeFeed } from '../change-feed/change-feed.js';
import type { ChangeFeedEntry } from '../change-feed/change-feed-entry.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import type { AutomationAction } from './automation-actions.js';
import type { AutomationRule, RuleDefinition, RuleStep, RuleTrigger } from './automation-rule.js';
import type { AutomationRun, RunStatus, StepOutcome } from './automation-run.js';
import { parseRuleJson } from './rule-json.js';
import { subjectCollectionOf } from './rule-validation.js';
import { runStep } from './run-step.js';
import { nextPath, stepAt } from './step-path.js';

/**
 * Options of `crm.automation.tick`.
 *
 * @example
 * ```ts
 * await crm.automation.tick({ maxChanges: 5_000 });
 * ```
 */
export interface TickOptions {
  /** Change-feed entries to consume in this tick at most (default 10,000); the rest wait for the next. */
  readonly maxChanges?: number;
}

/**
 * What a tick did.
 *
 * @example
 * ```ts
 * const { changes, started, stepsRun } = await crm.automation.tick();
 * ```
 */
export interface TickResult {
  /** Change-feed entries consumed. */
  readonly changes: number;
  /** Runs started. */
  readonly started: number;
  /** Steps executed (waits included). */
  readonly stepsRun: number;
  /** Runs that ended in this tick. */
  readonly ended: number;
  /** Runs refused by the loop guard. */
  readonly refused: number;
}

type Services = Readonly<Record<string, ModelService<any, any>>>;
type AnyRun = AutomationRun & Record<string, unknown>;
const consumerName = 'crmkit.automation';
const openStatuses: readonly RunStatus[] = ['running', 'waiting'];
const idSort = [{ field: 'id', direction: 'asc' }] as const;

/**
 * The automation engine of one crm: consumes the durable change feed, starts runs, and
 * advances them step by step. Each step's writes and the run's record of it commit in one
 * transaction, compare-and-set on the run's version, so two processes ticking at once run
 * each step once, and a crash between a step's write and its record leaves neither.
 *
 * @internal
 */
export class AutomationEngine {
  readonly #context: ServiceContext;
  readonly #actions: ReadonlyMap<string, AutomationAction<any>>;
  readonly #totals = { changes: 0, started: 0, stepsRun: 0, ended: 0, refused: 0 };

  constructor(context: ServiceContext, actions: ReadonlyMap<string, AutomationAction<any>>) {
    this.#context = context;
    this.#actions = actions;
  }

  /** One tick: the feed, the date triggers, then the runs due. */
  async tick(options: TickOptions = {}): Promise<TickResult> {
    const rules = await this.#enabledRules();
    const consumer = new ChangeFeed(this.#context).consumer(consumerName, { batchSize: 500 });
    const maxChanges = options.maxChanges ?? 10_000;
    while (this.#totals.changes < maxChanges) {
      const batch = await consumer.next();
      if (batch === undefined) break;
      for (const entry of batch.entries) await this.#onChange(rules, entry);
      this.#totals.changes += batch.entries.length;
      await consumer.ack(batch.cursor);
    }
    for (const rule of rules) if (rule.definition.trigger.kind === 'date') await this.#dateTrigger(rule);
    await this.#advanceDue();
    return { ...this.#totals };
  }

  /** Starts a run of `rule` for one subject by hand (a `manual` trigger). */
  async trigger(rule: AutomationRule, subjectId: string): Promise<AutomationRun | undefined> {
    const definition = parseRuleJson(rule.definition);
    const collection = subjectCollectionOf(this.#context, definition.trigger)!;
    const run = await this.#enroll({ rule, definition }, collection, subjectId, `manual:${this.#context.ids()}`, 0);
    return run === undefined ? undefined : this.#storedRun(run.id);
  }

  /** Runs a failed run again from its failed step. */
  async retry(run: AutomationRun): Promise<AutomationRun> {
    const restarted = await this.#runs().update(run.id, (draft: Draft<AutomationRun>) => {
      draft.status = 'running';
      delete draft.error;
      delete draft.endedAt;
    });
    await this.#advance(restarted as AnyRun);
    return this.#storedRun(run.id);
  }

  async #enabledRules(): Promise<{ rule: AutomationRule; definition: RuleDefinition }[]> {
    const rows = (await this.#context.storage.find('automationRules', { filter: { field: 'enabled', op: 'eq', value: true }, sort: idSort })) as unknown as AutomationRule[];
    return rows.map((rule) => ({ rule, definition: parseRuleJson(rule.definition) }));
  }

  async #onChange(rules: readonly { rule: AutomationRule; definition: RuleDefinition }[], entry: ChangeFeedEntry): Promise<void> {
    let depth: number | undefined;
    // The changed record, read once for every rule that looks at this collection.
    let record: Promise<StoredRecord | undefined> | undefined;
    const current = () => (record ??= this.#context.storage.getMany(entry.collection, [entry.recordId]).then(([found]) => found));
    for (const held of rules) {
      const { definition } = held;
      if (definition.exitWhen !== undefined) {
        const subject = await this.#fired(definition.exitWhen, entry, current);
        if (subject !== undefined) await this.#exit(held.rule, subject);
      }
      const subject = await this.#fired(definition.trigger, entry, current);
      if (subject === undefined) continue;
      depth ??= await this.#depthOf(entry.actor);
      await this.#enroll(held, subjectCollectionOf(this.#context, definition.trigger)!, subject, `feed:${entry.sequence}`, depth);
    }
  }

  /** The subject a record trigger fires for on this change, if it fires. */
  async #fired(trigger: RuleTrigger, entry: ChangeFeedEntry, current: () => Promise<StoredRecord | undefined>): Promise<string | undefined> {
    if (trigger.kind !== 'record' || trigger.collection !== entry.collection || !trigger.operations.includes(entry.operation)) return undefined;
    if (trigger.fields !== undefined && entry.operation === 'update') {
      const touched = (field: string) => entry.changedFields.some((changed) => changed === field || changed.startsWith(`${field}.`) || field.startsWith(`${changed}.`));
      if (!trigger.fields.some(touched)) return undefined;
    }
    if (entry.operation === 'delete' && trigger.subject === undefined && trigger.where === undefined) return entry.recordId;
    // A deleted record is matched on its last values, as its history kept them (a customer leaving a segment).
    const record = entry.operation === 'delete' ? await this.#lastValues(entry) : await current();
    if (record === undefined) return undefined;
    if (trigger.where !== undefined && !(await this.#recordMatches(entry.collection, record, trigger.where))) return undefined;
    if (trigger.subject === undefined) return entry.recordId;
    const target = readPath(record, trigger.subject);
    return typeof target === 'string' ? target : undefined;
  }

  /** A deleted record's last values, from its history's delete entry (absent when the collection keeps no history). */
  async #lastValues(entry: ChangeFeedEntry): Promise<StoredRecord | undefined> {
    const [last] = await this.#context.storage.find('historyEntries', {
      filter: { and: [{ field: 'collection', op: 'eq', value: entry.collection }, { field: 'recordId', op: 'eq', value: entry.recordId }] },
      sort: [
        { field: 'at', direction: 'desc' },
        { field: 'id', direction: 'desc' },
      ],
      limit: 1,
    });
    if (last === undefined || last.operation !== 'delete') return undefined;
    const record: Record<string, unknown> = { id: entry.recordId };
    for (const field of last.fields as { path: string; old?: unknown }[]) if (field.old !== undefined) writePath(record, field.path, field.old);
    return record as unknown as StoredRecord;
  }

  /**
   * Whether a record read from the storage matches `filter`: evaluated on the record itself
   * (the storage's own semantics, as the memory adapter applies them), or by the database for
   * a filter through relations.
   */
  async #recordMatches(collection: string, record: StoredRecord, filter: Filter): Promise<boolean> {
    const schema = this.#context.schema.collections[collection]!;
    const resolved = resolveFilter(filter, schema, this.#context.clock.now(), this.#context.timeZone, this.#context.schema);
    if (!hasRelatedFilter(resolved)) return compileFilter(resolved)(record);
    if (this.#context.schema.collections[collection] !== undefined && (await this.#context.storage.getMany(collection, [record.id]))[0] === undefined) return false; // deleted: nothing relates to it
    return (await this.#context.storage.count(collection, { and: [{ field: 'id', op: 'eq', value: record.id }, resolved] })) > 0;
  }

  /** A change made by an automation run starts runs one level deeper than that run. */
  async #depthOf(actor: Actor): Promise<number> {
    if (actor.kind !== 'automation') return 0;
    const [run] = await this.#context.storage.getMany('automationRuns', [actor.id]);
    return run === undefined ? 0 : (run.depth as number) + 1;
  }

  async #matches(collection: string, id: string, filter: Filter): Promise<boolean> {
    const schema = this.#context.schema.collections[collection]!;
    const resolved = resolveFilter(filter, schema, this.#context.clock.now(), this.#context.timeZone, this.#context.schema);
    return (await this.#context.storage.count(collection, { and: [{ field: 'id', op: 'eq', value: id }, resolved] })) > 0;
  }

  async #enroll(
    held: { rule: AutomationRule; definition: RuleDefinition },
    subjectCollection: string,
    subjectId: string,
    triggerKey: string,
    depth: number,
  ): Promise<AutomationRun | undefined> {
    const { rule, definition } = held;
    const now = this.#context.clock.now();
    const base = {
      ruleId: rule.id,
      ruleVersion: rule.version,
      definition: rule.definition,
      subjectCollection,
      subjectId,
      triggerKey,
      depth,
      startedAt: now,
    };
    const existing = await this.#context.storage.find('automationRuns', {
      filter: { and: [{ field: 'ruleId', op: 'eq', value: rule.id }, { field: 'subjectId', op: 'eq', value: subjectId }] },
      sort: idSort,
    });
    if (existing.some((run) => run.triggerKey === triggerKey)) return undefined; // this change was handled already
    if (existing.some((run) => openStatuses.includes(run.status as RunStatus))) return undefined; // no re-enrollment while enrolled
    if (!definition.reenroll && existing.some((run) => run.status !== 'refused')) return undefined;
    if (depth >= definition.maxDepth) {
      this.#totals.refused += 1;
      return this.#createRun({
        ...base,
        status: 'refused',
        endedAt: now,
        error: `loop_detected: runs of this rule started by automation's own writes reached depth ${depth} (maxDepth ${definition.maxDepth})`,
      });
    }
    if (definition.conditions !== undefined && !(await this.#matches(subjectCollection, subjectId, definition.conditions))) return undefined;
    const run = await this.#createRun({ ...base, status: 'running', position: '0' });
    if (run === undefined) return undefined;
    this.#totals.started += 1;
    await this.#advance(run as AnyRun);
    return run;
  }

  async #createRun(fields: Record<string, unknown>): Promise<AutomationRun | undefined> {
    try {
      return (await this.#runs().create(fields as never)) as AutomationRun;
    } catch (error) {
      if (isCrmError(error, 'conflict')) return undefined; // another process started it from the same change
      throw error;
    }
  }

  async #exit(rule: AutomationRule, subjectId: string): Promise<void> {
    const open = await this.#context.storage.find('automationRuns', {
      filter: { and: [{ field: 'ruleId', op: 'eq', value: rule.id }, { field: 'subjectId', op: 'eq', value: subjectId }, { field: 'status', op: 'in', value: [...openStatuses] }] },
      sort: idSort,
    });
    for (const run of open) {
      const now = this.#context.clock.now();
      try {
        await this.#runs().update(
          run.id,
          (draft: Draft<AutomationRun>) => {
            draft.status = 'exited';
            draft.endedAt = now;
            delete draft.position;
            delete draft.waitUntil;
            delete draft.waitTimeoutAt;
          },
          { expectedVersion: run.version },
        );
        this.#totals.ended += 1;
      } catch (error) {
        if (!isCrmError(error, 'conflict')) throw error;
      }
    }
  }

  async #dateTrigger(held: { rule: AutomationRule; definition: RuleDefinition }): Promise<void> {
    const trigger = held.definition.trigger as Extract<RuleTrigger, { kind: 'date' }>;
    const now = this.#context.clock.now();
    const from = held.rule.dateCheckedUntil ?? held.rule.createdAt;
    if (from.getTime() >= now.getTime()) return;
    // A record is due when field + offset falls in (from, now]: field in (from − offset, now − offset].
    const window: StorageFilter = {
      and: [
        { field: trigger.field, op: 'gt', value: addMinutes(from, -trigger.offsetMinutes) },
        { field: trigger.field, op: 'lte', value: addMinutes(now, -trigger.offsetMinutes) },
      ],
    };
    const schema = this.#context.schema.collections[trigger.collection]!;
    const filter = trigger.where === undefined ? window : { and: [window, resolveFilter(trigger.where, schema, now, this.#context.timeZone, this.#context.schema)] };
    const collection = subjectCollectionOf(this.#context, trigger)!;
    let after: string | undefined;
    for (;;) {
      const page = await this.#context.storage.find(trigger.collection, {
        filter: after === undefined ? filter : { and: [filter, { field: 'id', op: 'gt', value: after }] },
        sort: idSort,
        limit: 500,
      });
      for (const record of page) {
        const subject = trigger.subject === undefined ? record.id : readPath(record, trigger.subject);
        const at = readPath(record, trigger.field) as Date;
        if (typeof subject === 'string') await this.#enroll(held, collection, subject, `date:${record.id}:${at.toISOString()}`, 0);
      }
      if (page.length < 500) break;
      after = page[page.length - 1]!.id;
    }
    try {
      await this.#context.services.automationRules!.update(held.rule.id, (draft: Draft<AutomationRule>) => void (draft.dateCheckedUntil = now), { expectedVersion: held.rule.version });
    } catch (error) {
      if (!isCrmError(error, 'conflict')) throw error; // another process moved it on
    }
  }

  async #advanceDue(): Promise<void> {
    const now = this.#context.clock.now();
    let after: string | undefined;
    for (;;) {
      const due: StorageFilter = {
        or: [
          { field: 'status', op: 'eq', value: 'running' },
          { and: [{ field: 'status', op: 'eq', value: 'waiting' }, { field: 'waitUntil', op: 'lte', value: now }] },
        ],
      };
      const page = await this.#context.storage.find('automationRuns', {
        filter: after === undefined ? due : { and: [due, { field: 'id', op: 'gt', value: after }] },
        sort: idSort,
        limit: 200,
      });
      for (const run of page) await this.#advance(run as unknown as AnyRun);
      if (page.length < 200) break;
      after = page[page.length - 1]!.id;
    }
  }

  /** Runs a run's steps until it waits, ends or fails; stops where another process has it. */
  async #advance(start: AnyRun): Promise<void> {
    let run: AnyRun | undefined = start;
    while (run !== undefined && (run.status === 'running' || run.status === 'waiting')) {
      run = await this.#step(run);
    }
  }

  /** One step of `run` (or its wait's check), recorded with the step's writes. Returns the run after it, or undefined to stop. */
  async #step(run: AnyRun): Promise<AnyRun | undefined> {
    const definition = parseRuleJson(run.definition);
    const now = this.#context.clock.now();
    const automation = this.#context.forActor({ kind: 'automation', id: run.id });
    const path = run.position;
    const step = path === undefined ? undefined : stepAt(definition.steps, path);
    /** Records on the run (at `current`'s version) what a step did, or nothing when another tick recorded first. */
    const record = async (services: Services, change: (draft: Draft<AutomationRun>) => void, outcome?: Omit<StepOutcome, 'at'>, current: AnyRun = run): Promise<AnyRun | undefined> => {
      try {
        return (await services.automationRuns!.update(
          current.id,
          (draft: Draft<AutomationRun>) => {
            if (outcome !== undefined) draft.steps.push({ ...outcome, at: now } as never);
            change(draft);
          },
          { expectedVersion: current.version },
        )) as AnyRun;
      } catch (error) {
        if (isCrmError(error, 'conflict')) return undefined; // another tick took this step
        throw error;
      }
    };
    const end = (status: RunStatus, error?: string) => (draft: Draft<AutomationRun>) => {
      draft.status = status;
      draft.endedAt = now;
      if (status !== 'failed') delete draft.position; // a failed run keeps its place, for retry
      delete draft.waitUntil;
      delete draft.waitTimeoutAt;
      if (error !== undefined) draft.error = error;
    };
    const transact = <T>(fn: (services: Services) => Promise<T>): Promise<T> =>
      this.#context.adapter.capabilities.transactions ? automation.transaction(fn as never) : fn(automation.services);

    if (step === undefined) {
      this.#totals.ended += 1;
      return transact((services) => record(services, end('completed')));
    }
    if (definition.goal !== undefined && (await this.#matches(run.subjectCollection, run.subjectId, definition.goal))) {
      this.#totals.ended += 1;
      return transact((services) => record(services, end('goal_reached')));
    }
    const next = nextPath(definition.steps, path!);
    const advance = (draft: Draft<AutomationRun>) => {
      draft.status = 'running';
      delete draft.waitUntil;
      delete draft.waitTimeoutAt;
      if (next === undefined) delete draft.position;
      else draft.position = next;
    };

    if (step.kind === 'wait') {
      if (run.status === 'running') {
        // Entering the wait: a delay waits until its time; a condition is looked at every tick until it times out.
        const until = step.minutes !== undefined ? addMinutes(now, step.minutes) : now;
        const timeout = step.until === undefined ? undefined : addMinutes(now, step.timeoutMinutes!);
        const waited = await transact((services) =>
          record(services, (draft) => {
            draft.status = 'waiting';
            draft.waitUntil = until;
            if (timeout !== undefined) draft.waitTimeoutAt = timeout;
          }),
        );
        if (waited === undefined || step.minutes !== undefined) return undefined;
        return waited;
      }
      if (step.minutes !== undefined) {
        if (run.waitUntil !== undefined && run.waitUntil.getTime() > now.getTime()) return undefined;
        this.#totals.stepsRun += 1;
        return transact((services) => record(services, advance, { path: path!, kind: 'wait', outcome: 'waited' }));
      }
      if (await this.#matches(run.subjectCollection, run.subjectId, step.until!)) {
        this.#totals.stepsRun += 1;
        return transact((services) => record(services, advance, { path: path!, kind: 'wait', outcome: 'waited' }));
      }
      if (run.waitTimeoutAt !== undefined && run.waitTimeoutAt.getTime() <= now.getTime()) {
        this.#totals.stepsRun += 1;
        return transact((services) => record(services, advance, { path: path!, kind: 'wait', outcome: 'timed_out' }));
      }
      return undefined; // still waiting: nothing written
    }

    if (step.kind === 'branch') {
      const taken = (await this.#matches(run.subjectCollection, run.subjectId, step.if)) ? 'then' : 'else';
      const list = taken === 'then' ? step.then : (step.else ?? []);
      this.#totals.stepsRun += 1;
      return transact((services) =>
        record(
          services,
          (draft) => {
            if (list.length > 0) draft.position = `${path}.${taken}.0`;
            else advance(draft);
          },
          { path: path!, kind: 'branch', outcome: 'done', result: { branch: taken } },
        ),
      );
    }

    if (step.kind === 'action') {
      // A host action leaves the database: claim the step first, so a crash after the
      // call repeats it with the same idempotency key rather than skipping it.
      const claimed = run.steps.at(-1)?.path === path && run.steps.at(-1)?.outcome === 'started' ? run : await transact((services) => record(services, () => {}, { path: path!, kind: 'action', outcome: 'started' }));
      if (claimed === undefined) return undefined;
      const action = this.#actions.get(step.action);
      try {
        if (action === undefined) throw new Error(`no action ${step.action} is registered in this process`);
        const input = action.input.parse(step.input);
        const result = await action.run(input, {
          subjectCollection: run.subjectCollection,
          subjectId: run.subjectId,
          runId: run.id,
          ruleId: run.ruleId,
          idempotencyKey: `${run.id}:${path}`,
        });
        this.#totals.stepsRun += 1;
        return transact((services) => record(services, advance, { path: path!, kind: 'action', outcome: 'done', ...(jsonResult(result) === undefined ? {} : { result: jsonResult(result) as never }) }, claimed));
      } catch (error) {
        this.#totals.ended += 1;
        const message = error instanceof Error ? error.message : String(error);
        return transact((services) => record(services, end('failed', message), { path: path!, kind: 'action', outcome: 'failed', error: message.slice(0, 2000) }, claimed));
      }
    }

    // A step that writes: its writes and the run's record of it in one transaction. The
    // step's own refusal fails the run; a failure to record it (the process dies, the
    // database goes away) rolls the step back with it and leaves the run due.
    try {
      const outcome = await transact(async (services) => {
        let result: Awaited<ReturnType<typeof runStep>>;
        try {
          result = await runStep(step, { services, run, now, context: automation });
        } catch (error) {
          throw new StepFailure(error);
        }
        const recorded = await record(services, advance, { path: path!, kind: step.kind, outcome: result.skipped ? 'skipped' : 'done', ...(result.value === undefined ? {} : { result: result.value as never }) });
        if (recorded === undefined) throw new LostStep();
        return recorded;
      });
      this.#totals.stepsRun += 1;
      return outcome;
    } catch (error) {
      if (error instanceof LostStep) return undefined;
      if (!(error instanceof StepFailure)) throw error;
      this.#totals.ended += 1;
      const cause = error.cause;
      const message = cause instanceof Error ? cause.message : String(cause);
      return transact((services) => record(services, end('failed', message), { path: path!, kind: step.kind, outcome: 'failed', error: message.slice(0, 2000) }));
    }
  }

  #runs(): ModelService<any, any> {
    return this.#context.services.automationRuns!;
  }

  async #storedRun(id: string): Promise<AutomationRun> {
    return (await this.#runs().get(id)) as AutomationRun;
  }
}

/** Thrown inside a step's transaction when another process recorded the step first: rolls the step's writes back. */
class LostStep extends Error {}

/** A step's own error (a refused write), carried out of its transaction to fail the run. */
class StepFailure extends Error {
  constructor(cause: unknown) {
    super('step failed', { cause });
  }
}

/** An action's return value as a run can keep it: a JSON object (other values under `value`). */
function jsonResult(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  try {
    const json = JSON.parse(JSON.stringify(value)) as unknown;
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : { value: json };
  } catch {
    return undefined;
  }
}

