import { endOfDay } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { Task, TaskInput } from '../../schema/task.js';
import { InvalidQueryError, InvalidTransitionError, NotFoundError } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import { staleVersion } from '../write-errors.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/**
 * Why a task move was refused (`InvalidTransitionError.reason`): `complete` of a task that is done
 * already (`already_done`), `reopen` of one that is not done (`not_done`).
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'invalid_transition') && error.reason === 'already_done') return;
 * ```
 */
export const taskRefusals = ['already_done', 'not_done'] as const;

/** One of {@link taskRefusals}. */
export type TaskRefusal = (typeof taskRefusals)[number];

/** Options of `crm.tasks.due`. */
export interface DueOptions {
  /** The moment to judge by; the crm clock's now by default. */
  readonly now?: Date;
  /** Only this assignee's tasks. */
  readonly assigneeId?: string;
}

/** What `crm.tasks.due` lists: open tasks past their due time, and those due later on the same day. */
export interface DueTasks<T> {
  /** Open tasks due before `now`, earliest first. */
  readonly overdue: readonly T[];
  /** Open tasks due from `now` to the end of its day in the crm's time zone, earliest first. */
  readonly dueToday: readonly T[];
}

/** The most open tasks `due` lists in one answer. */
const dueLimit = 10_000;

/**
 * Tasks: follow-ups on customers, deals and cases. {@link complete} marks one done and logs an
 * activity (an interaction of kind `task`) on the customer's timeline in the same transaction;
 * {@link reopen} opens a done one again; {@link due} lists what is overdue and what is due today.
 *
 * @example
 * ```ts
 * const { overdue, dueToday } = await crm.tasks.due({ assigneeId: 'u_42' });
 * await crm.tasks.complete(overdue[0].id);
 * ```
 */
export class TaskService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<Task<C>>, TaskInput<C>> {
  /** @internal */
  protected override managedDefaults(): Record<string, unknown> {
    return { done: false };
  }

  /**
   * Marks a task done (when, by whom) and logs an interaction of kind `task` on the timeline of
   * its customer (the task's, else its deal's, else its case's), linked to the deal or case, in one
   * transaction. A task that is done already is refused (`already_done`) and nothing is written.
   *
   * @example
   * ```ts
   * const done = await crm.withActor(grace).tasks.complete(task.id);
   * done.activityId; // the interaction on the customer's timeline
   * ```
   */
  async complete(id: string): Promise<ReadonlyRecord<Task<C>>> {
    return this.context.transaction(async (tx) => {
      const tasks = tx.tasks as unknown as TaskService<C>;
      const task = await tasks.get(id);
      if (task.done) throw new InvalidTransitionError(`task ${id} is done already`, { reason: 'already_done' satisfies TaskRefusal });
      const customerId = task.customerId ?? (await followedUpCustomer(tx, task));
      const now = this.context.clock.now();
      const activity = await tx.interactions!.create({
        customerId,
        channel: 'other',
        direction: 'internal',
        kind: 'task',
        occurredAt: now,
        subject: `Task done: ${task.title}`,
        ...(task.notes === undefined ? {} : { body: task.notes }),
        ...(task.assigneeId === undefined ? {} : { ownerId: task.assigneeId }),
        ...(task.dealId === undefined ? {} : { dealId: task.dealId }),
        ...(task.caseId === undefined ? {} : { caseId: task.caseId }),
      });
      const { updated } = await tasks.writeManaged([{ id, fields: { done: true, doneAt: now, doneBy: this.context.actor, activityId: activity.id } }]);
      if (updated !== 1) throw staleVersion('tasks', id);
      return tasks.get(id);
    });
  }

  /**
   * Opens a done task again: `done` becomes false and `doneAt`, `doneBy` and `activityId` are
   * cleared. The activity that `complete` logged stays on the customer's timeline (it happened);
   * completing the task again logs a new one. A task that is not done is refused (`not_done`) and
   * nothing is written.
   *
   * @example
   * ```ts
   * await crm.withActor(grace).tasks.reopen(task.id); // { done: false, … }
   * ```
   */
  async reopen(id: string): Promise<ReadonlyRecord<Task<C>>> {
    return this.context.transaction(async (tx) => {
      const tasks = tx.tasks as unknown as TaskService<C>;
      const task = await tasks.get(id);
      if (!task.done) throw new InvalidTransitionError(`task ${id} is not done`, { reason: 'not_done' satisfies TaskRefusal });
      const { updated } = await tasks.writeManaged([{ id, fields: { done: false, doneAt: undefined, doneBy: undefined, activityId: undefined } }]);
      if (updated !== 1) throw staleVersion('tasks', id);
      return tasks.get(id);
    });
  }

  /**
   * The open tasks that are overdue (due before `now`) and those due for the rest of `now`'s day
   * in the crm's time zone, optionally of one assignee, each list earliest first (then by id).
   * At most 10,000 of each.
   *
   * @example
   * ```ts
   * const { overdue, dueToday } = await crm.tasks.due({ now: new Date(), assigneeId: 'u_42' });
   * ```
   */
  async due(options: DueOptions = {}): Promise<DueTasks<ReadonlyRecord<Task<C>>>> {
    const now = options.now ?? this.context.clock.now();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new InvalidQueryError('due takes a valid Date as now', [{ code: 'invalid_type', path: ['now'], message: 'now must be a valid Date' }]);
    }
    const endOfToday = new Date(endOfDay(new TZDate(now.getTime(), this.context.timeZone)).getTime());
    const conditions: Filter[] = [{ field: 'done', op: 'eq', value: false }];
    if (options.assigneeId !== undefined) conditions.push({ field: 'assigneeId', op: 'eq', value: options.assigneeId });
    const list = async (range: Filter[]) =>
      (
        await this.find({
          where: { and: [...conditions, ...range] },
          sort: [{ field: 'dueAt', direction: 'asc' }],
          limit: dueLimit,
        } as never)
      ).items;
    const [overdue, dueToday] = await Promise.all([
      list([{ field: 'dueAt', op: 'lt', value: now }]),
      list([
        { field: 'dueAt', op: 'gte', value: now },
        { field: 'dueAt', op: 'lte', value: endOfToday },
      ]),
    ]);
    return { overdue, dueToday };
  }
}

/** The customer of the task's deal or case. */
async function followedUpCustomer(tx: Readonly<Record<string, ModelService<any, any>>>, task: { readonly dealId?: string; readonly caseId?: string }): Promise<string> {
  if (task.dealId !== undefined) return ((await tx.deals!.get(task.dealId)) as { customerId: string }).customerId;
  if (task.caseId !== undefined) return ((await tx.cases!.get(task.caseId)) as { customerId: string }).customerId;
  throw new NotFoundError('customers', '');
}
