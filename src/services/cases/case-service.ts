import type { Draft } from 'immer';
import type { Case, CaseInput, CaseStatus } from '../../schema/case.js';
import type { CaseEvent, CaseEventInput } from '../../schema/case-event.js';
import { ValidationError } from '../../storage/errors.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { assertCaseTransition } from './case-status-machine.js';

/** Options of {@link CaseService.transition}. */
export interface TransitionOptions {
  /**
   * Who moved the case: the id of the host's user, kept in the history.
   * (Until the crm carries an actor of its own, this is how "who" is given.)
   */
  readonly actorId?: string;
  /** A note kept with the history entry. */
  readonly note?: string;
  /** Fail with `conflict` unless the case is at this version. */
  readonly expectedVersion?: number;
}

/** The case services a case service reaches in its transaction. */
interface CaseSiblings {
  readonly cases: CaseService<any>;
  readonly caseEvents: ModelService<ReadonlyRecord<CaseEvent>, CaseEventInput>;
}

/**
 * Support cases: the model service plus the status machine
 * (`caseTransitions`) and the case's history (`crm.caseEvents`). A case's
 * `status` is managed: it moves only through {@link CaseService.transition},
 * which refuses illegal moves with `InvalidTransitionError` and records who
 * moved it, when, from and to.
 *
 * @example
 * ```ts
 * const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high' });
 * await crm.cases.transition(ticket.id, 'open', { actorId: 'agent-7' });
 * await crm.cases.history(ticket.id); // [{ kind: 'status_changed', from: 'new', to: 'open', actorId: 'agent-7', at }]
 * ```
 */
export class CaseService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<Case<C>>, CaseInput<C>> {
  /** @internal */
  protected override managedDefaults(_candidate: Record<string, unknown>, now: Date): Record<string, unknown> {
    return { status: 'new', statusChangedAt: now, reopenCount: 0 };
  }

  /**
   * Moves a case to another status, if the status machine allows it (see
   * `caseTransitions`); otherwise throws `InvalidTransitionError`
   * (`invalid_transition`) and changes nothing. Solving sets `solvedAt`,
   * closing sets `closedAt`, reopening clears `solvedAt` and counts in
   * `reopenCount`. The move and its history entry (`caseEvents`: who, when,
   * from, to) are written together (atomically on adapters with transactions).
   *
   * @example
   * ```ts
   * await crm.cases.transition(id, 'pending_customer', { actorId: 'agent-7', note: 'asked for the order number' });
   * await crm.cases.transition(id, 'new'); // throws InvalidTransitionError: nothing moves back to new
   * ```
   */
  async transition(id: string, to: CaseStatus, options: TransitionOptions = {}): Promise<ReadonlyRecord<Case<C>>> {
    checkTransitionOptions(options);
    return this.withSiblings(async (services) => {
      const now = this.context.clock.now();
      let from: CaseStatus | undefined;
      const moved = await services.cases.updateManaged(
        id,
        (draft: Draft<Case>) => {
          from = draft.status;
          assertCaseTransition(draft.status, to);
          draft.status = to;
          draft.statusChangedAt = now;
          if (to === 'solved') draft.solvedAt = now;
          if (to === 'closed') draft.closedAt = now;
          if (to === 'reopened') {
            draft.reopenCount = (draft.reopenCount ?? 0) + 1;
            delete draft.solvedAt;
          }
        },
        options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion },
      );
      await services.caseEvents.create({
        caseId: id,
        kind: 'status_changed',
        at: now,
        from,
        to,
        ...(options.actorId === undefined ? {} : { actorId: options.actorId }),
        ...(options.note === undefined ? {} : { note: options.note }),
      });
      return moved as ReadonlyRecord<Case<C>>;
    });
  }

  /**
   * The case's history, oldest first: status moves, assignments, priority
   * changes, SLA warnings, breaches and escalations.
   *
   * @example
   * ```ts
   * const moves = (await crm.cases.history(id)).filter((e) => e.kind === 'status_changed');
   * ```
   */
  async history(id: string): Promise<ReadonlyRecord<CaseEvent>[]> {
    const events = this.context.services.caseEvents as CaseSiblings['caseEvents'];
    const out: ReadonlyRecord<CaseEvent>[] = [];
    for await (const batch of events.scan({
      where: { field: 'caseId', op: 'eq', value: id },
      sort: [{ field: 'at', direction: 'asc' }],
    } as never)) {
      out.push(...batch);
    }
    return out;
  }

  /**
   * Runs `fn` with the crm's services bound to one transaction when the
   * adapter has transactions (so the writes commit together), else with the
   * services as they are.
   *
   * @internal
   */
  protected withSiblings<T>(fn: (services: CaseSiblings) => Promise<T>): Promise<T> {
    if (this.context.adapter.capabilities.transactions) return this.context.transaction((services) => fn(services as unknown as CaseSiblings));
    return fn(this.context.services as unknown as CaseSiblings);
  }
}

function checkTransitionOptions(options: TransitionOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('transition options must be an object', [{ code: 'invalid_type', path: ['options'], message: 'options must be an object' }]);
  }
}
