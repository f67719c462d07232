import { current, type Draft } from 'immer';
import { casePriorities, type Case, type CaseInput, type CasePriority, type CaseStatus } from '../../schema/case.js';
import type { CaseEvent, CaseEventInput } from '../../schema/case-event.js';
import type { CaseMessage, CaseMessageInput } from '../../schema/case-message.js';
import type { CaseSlaState } from '../../schema/case-sla-state.js';
import type { Interaction, InteractionDirection, InteractionInput, InteractionKind } from '../../schema/interaction.js';
import type { SlaPolicy, SlaPolicyInput } from '../../schema/sla-policy.js';
import type { StorageOperations } from '../../storage/adapter.js';
import { InvalidTransitionError, isCrmError, ValidationError } from '../../storage/errors.js';
import type { ItemIssues } from '../item-issues.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { buildCaseReport, type CaseReport, type CaseReportOptions } from './case-report.js';
import { satisfactionOf, type CaseSatisfaction } from './case-satisfaction.js';
import { assertCaseTransition } from './case-status-machine.js';
import type { SupportTeamService } from './support-team-service.js';
import { applySlaFields } from './sla/case-sla-fields.js';
import { evaluateSla, usedMinutesAt, type SlaTargetStatus } from './sla/evaluate-sla.js';
import { matchSlaPolicy } from './sla/match-sla-policy.js';
import { advanceSlaClocks, startSlaClocks, type SlaClockEvent, type SlaClockPolicy } from './sla/sla-clock.js';

/** Options of {@link CaseService.transition}. */
export interface TransitionOptions {
  /** A note kept with the history entry. */
  readonly note?: string;
  /** Fail with `conflict` unless the case is at this version. */
  readonly expectedVersion?: number;
}

/** A message written on a case: `crm.cases.reply`, `note`, `customerMessage`. */
export interface CaseMessageOptions {
  readonly body: string;
  /** The agent (host user id) writing a reply or note. */
  readonly authorId?: string;
  /** The interaction it was sent or received as (the email, the call); it is linked to the case. */
  readonly interactionId?: string;
}

/** Where `crm.cases.assign` sends a case: a named agent, or a team with a strategy. */
export type AssignTarget =
  | { readonly agentId: string }
  | { readonly teamId: string; readonly strategy: 'round_robin' | 'least_loaded' };

/** What `crm.cases.openFromInteraction` needs to see in an interaction to open a case for it. */
export interface CaseOpeningRule {
  /** `['complaint']` by default. */
  readonly kinds?: readonly InteractionKind[];
  /** `['inbound']` by default. */
  readonly directions?: readonly InteractionDirection[];
  /** The new case's priority; `high` by default. */
  readonly priority?: CasePriority;
  /** The new case's category. */
  readonly category?: string;
}

/** What `checkSla` found and did. */
export interface CheckSlaResult {
  /** Cases found due for a look (through the `slaNextCheckAt` index). */
  readonly checked: number;
  /** Targets newly reported at risk (`case.slaWarning`). */
  readonly warnings: readonly { readonly caseId: string; readonly target: SlaTargetStatus }[];
  /** Targets newly reported breached (`case.slaBreached`). */
  readonly breaches: readonly { readonly caseId: string; readonly target: SlaTargetStatus }[];
  /** Escalation rules run. */
  readonly escalations: number;
  /** Cases another writer changed meanwhile (another `checkSla`, an agent): left for it, or for the next run. */
  readonly skipped: number;
}

/** The services a case service reaches in its transaction. */
interface CaseSiblings {
  readonly cases: CaseService<any>;
  readonly caseEvents: ModelService<ReadonlyRecord<CaseEvent>, CaseEventInput>;
  readonly caseMessages: ModelService<ReadonlyRecord<CaseMessage>, CaseMessageInput>;
  readonly slaPolicies: ModelService<ReadonlyRecord<SlaPolicy>, SlaPolicyInput>;
  readonly supportTeams: SupportTeamService;
  readonly interactions: ModelService<ReadonlyRecord<Interaction>, InteractionInput>;
}

/** Statuses a case is worked in (the backlog, an agent's load). */
const openStatuses: readonly CaseStatus[] = ['new', 'open', 'pending_customer', 'on_hold', 'reopened'];
const checkBatch = 500;

type AnyCase = ReadonlyRecord<Case<any>>;

/**
 * Support cases: the model service plus the status machine
 * (`caseTransitions`), the case's history (`crm.caseEvents`), its
 * conversation (`crm.caseMessages`), SLA clocks on the policy that applies
 * (`crm.slaPolicies`), assignment over teams (`crm.supportTeams`),
 * satisfaction and reports. A case's `status` is managed: it moves only
 * through {@link CaseService.transition}.
 *
 * @example
 * ```ts
 * const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high' });
 * await crm.withActor({ kind: 'user', id: 'agent-7' }).cases.transition(ticket.id, 'open');
 * await crm.cases.reply(ticket.id, { body: 'Found it, attached.', authorId: 'agent-7' });
 * await crm.cases.sla(ticket.id); // [{ kind: 'first_response', outcome: 'met', … }, { kind: 'resolution', clock: 'running', … }]
 * ```
 */
export class CaseService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<Case<C>>, CaseInput<C>> {
  /** @internal */
  protected override managedDefaults(_candidate: Record<string, unknown>, now: Date): Record<string, unknown> {
    return { status: 'new', statusChangedAt: now, reopenCount: 0 };
  }

  /** @internal New cases get the SLA policy that applies and its clocks. */
  protected override async prepareWrites(
    storage: StorageOperations,
    writes: readonly { record: ReadonlyRecord<Case<C>>; previous: ReadonlyRecord<Case<C>> | undefined }[],
    now: Date,
    issues: ItemIssues,
  ): Promise<ReadonlyRecord<Case<C>>[]> {
    if (writes.every(({ previous }) => previous !== undefined)) return writes.map(({ record }) => record);
    const policies = (await storage.find('slaPolicies', { sort: [{ field: 'id', direction: 'asc' }], limit: 10_000 })) as unknown as SlaPolicy[];
    const byId = new Map(policies.map((policy) => [policy.id, policy]));
    return writes.map(({ record, previous }, index) => {
      if (previous !== undefined) return record;
      const policy = record.slaPolicyId === undefined ? matchSlaPolicy(policies, record) : byId.get(record.slaPolicyId);
      if (record.slaPolicyId !== undefined && policy === undefined) {
        issues.add(index, { code: 'unknown_policy', path: ['slaPolicyId'], message: `no SLA policy ${JSON.stringify(record.slaPolicyId)}` });
        return record;
      }
      if (policy === undefined) return record;
      const next = { ...record } as unknown as Case;
      applySlaFields(next, policy, startSlaClocks(policy, record.openedAt, record.status), now);
      return next as unknown as ReadonlyRecord<Case<C>>;
    });
  }

  /**
   * Moves a case to another status, if the status machine allows it (see
   * `caseTransitions`); otherwise throws `InvalidTransitionError`
   * (`invalid_transition`) and changes nothing. Solving sets `solvedAt`,
   * closing sets `closedAt`, reopening clears `solvedAt` and counts in
   * `reopenCount`; the SLA clocks pause, resume or stop as the policy says.
   * The move and its history entry (`caseEvents`: who, when, from, to) are
   * written together (atomically on adapters with transactions), then
   * `case.statusChanged` is emitted.
   *
   * @example
   * ```ts
   * await crm.withActor(agent).cases.transition(id, 'pending_customer', { note: 'asked for the order number' });
   * await crm.cases.transition(id, 'new'); // throws InvalidTransitionError: nothing moves back to new
   * ```
   */
  async transition(id: string, to: CaseStatus, options: TransitionOptions = {}): Promise<ReadonlyRecord<Case<C>>> {
    checkOptions(options);
    return this.withSiblings(async (services) => {
      const policy = await this.#policyOfCase(services, id);
      const moved = await services.cases.#move(services, id, to, policy, options);
      return moved as ReadonlyRecord<Case<C>>;
    });
  }

  /** The status move inside the caller's atomic block: case, clocks, history, event. */
  async #move(services: CaseSiblings, id: string, to: CaseStatus, policy: SlaClockPolicy | undefined, options: TransitionOptions): Promise<AnyCase> {
    const now = this.context.clock.now();
    let from: CaseStatus | undefined;
    const moved = await this.#any.updateManaged(
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
        advanceDraft(draft, policy, { kind: 'status', to }, now);
      },
      options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion },
    );
    await services.caseEvents.create({
      caseId: id,
      kind: 'status_changed',
      at: now,
      from,
      to,
      actor: this.context.actor,
      ...(options.note === undefined ? {} : { note: options.note }),
    });
    this.context.emit('case.statusChanged', { case: moved as unknown as Case, from: from!, to, actor: this.context.actor });
    return moved;
  }

  /**
   * The case's history, oldest first: status moves, assignments, priority
   * changes, SLA warnings, breaches and escalations.
   *
   * @example
   * ```ts
   * const moves = (await crm.cases.events(id)).filter((e) => e.kind === 'status_changed');
   * ```
   */
  async events(id: string): Promise<ReadonlyRecord<CaseEvent>[]> {
    return collect((this.context.services as unknown as CaseSiblings).caseEvents, id, 'at');
  }

  /**
   * The case's conversation, oldest first: replies, internal notes and the customer's messages.
   *
   * @example
   * ```ts
   * const publicThread = (await crm.cases.conversation(id)).filter((m) => m.kind !== 'internal');
   * ```
   */
  async conversation(id: string): Promise<ReadonlyRecord<CaseMessage>[]> {
    return collect((this.context.services as unknown as CaseSiblings).caseMessages, id, 'at');
  }

  /**
   * An agent's public reply: stored in the conversation, it sets
   * `firstRespondedAt` (the first time) and stops the first-response and a
   * running next-response clock.
   *
   * @example
   * ```ts
   * await crm.cases.reply(id, { body: 'We are on it.', authorId: 'agent-7', interactionId: sentEmail.id });
   * ```
   */
  async reply(id: string, message: CaseMessageOptions): Promise<ReadonlyRecord<CaseMessage>> {
    return this.#message(id, 'reply', message);
  }

  /**
   * An internal note: agents only, no effect on the SLA.
   *
   * @example
   * ```ts
   * await crm.cases.note(id, { body: 'Customer is on the legacy plan.', authorId: 'agent-7' });
   * ```
   */
  async note(id: string, message: CaseMessageOptions): Promise<ReadonlyRecord<CaseMessage>> {
    return this.#message(id, 'internal', message);
  }

  /**
   * A message from the customer: starts a next-response cycle after the
   * first response, and moves a case waiting on the customer back to `open`
   * (a solved one to `reopened`), recorded in the history without an actor.
   *
   * @example
   * ```ts
   * await crm.cases.customerMessage(id, { body: 'Still broken.', interactionId: inboundEmail.id });
   * ```
   */
  async customerMessage(id: string, message: CaseMessageOptions): Promise<ReadonlyRecord<CaseMessage>> {
    return this.#message(id, 'customer', message);
  }

  async #message(id: string, kind: CaseMessage['kind'], message: CaseMessageOptions): Promise<ReadonlyRecord<CaseMessage>> {
    checkOptions(message);
    return this.withSiblings(async (services) => {
      const now = this.context.clock.now();
      const policy = await this.#policyOfCase(services, id);
      const stored = await services.caseMessages.create({
        caseId: id,
        kind,
        body: message.body,
        at: now,
        ...(message.authorId === undefined ? {} : { authorId: message.authorId }),
        ...(message.interactionId === undefined ? {} : { interactionId: message.interactionId }),
      });
      if (message.interactionId !== undefined) await services.cases.#link(services, id, message.interactionId);
      if (kind === 'internal') return stored;
      const ticket = await services.cases.get(id);
      const reopenTo: CaseStatus | undefined =
        kind !== 'customer' ? undefined : ticket.status === 'pending_customer' ? 'open' : ticket.status === 'solved' ? 'reopened' : undefined;
      if (reopenTo !== undefined) await services.cases.#move(services, id, reopenTo, policy, { note: 'the customer wrote' });
      await services.cases.updateManaged(id, (draft: Draft<Case>) => {
        if (kind === 'reply') draft.firstRespondedAt ??= now;
        advanceDraft(draft, policy, { kind: kind === 'reply' ? 'agent_reply' : 'customer_message' }, now);
      });
      return stored;
    });
  }

  /**
   * Links an interaction (an email, a call) to the case: its id joins the
   * case's `interactionIds` and the interaction's `caseId` names the case.
   *
   * @example
   * ```ts
   * await crm.cases.link(caseId, call.id);
   * ```
   */
  async link(id: string, interactionId: string): Promise<ReadonlyRecord<Case<C>>> {
    return this.withSiblings(async (services) => (await services.cases.#link(services, id, interactionId)) as ReadonlyRecord<Case<C>>);
  }

  async #link(services: CaseSiblings, id: string, interactionId: string): Promise<AnyCase> {
    await services.interactions.update(interactionId, (draft) => {
      draft.caseId = id;
    });
    return this.#any.update(id, (draft: Draft<Case>) => {
      if (!draft.interactionIds.includes(interactionId)) draft.interactionIds.push(interactionId);
    });
  }

  /**
   * Opens a case for an interaction if the rule matches it (by default: an
   * inbound `complaint`), linked both ways, at the interaction's time, with
   * its subject and body; an interaction already linked to a case gives that
   * case, one the rule does not match gives `undefined`. Call it from the
   * host's `interaction.created` listener to open cases by rule.
   *
   * @example
   * ```ts
   * crm.events.on('interaction.created', ({ record }) => void crm.cases.openFromInteraction(record.id, { priority: 'high', category: 'complaint' }));
   * ```
   */
  async openFromInteraction(interactionId: string, rule: CaseOpeningRule = {}): Promise<ReadonlyRecord<Case<C>> | undefined> {
    return this.withSiblings(async (services) => {
      const interaction = await services.interactions.get(interactionId);
      if (interaction.caseId !== undefined) return (await services.cases.get(interaction.caseId)) as ReadonlyRecord<Case<C>>;
      if (!(rule.kinds ?? ['complaint']).includes(interaction.kind) || !(rule.directions ?? ['inbound']).includes(interaction.direction)) return undefined;
      const opened = await services.cases.create({
        customerId: interaction.customerId,
        subject: interaction.subject?.trim() || `${interaction.kind} via ${interaction.channel}`,
        ...(interaction.body === undefined ? {} : { description: interaction.body.slice(0, 100_000) }),
        priority: rule.priority ?? 'high',
        ...(rule.category === undefined ? {} : { category: rule.category }),
        channel: interaction.channel,
        openedAt: interaction.occurredAt,
        interactionIds: [interactionId],
      } as CaseInput);
      await services.interactions.update(interactionId, (draft) => {
        draft.caseId = opened.id;
      });
      return opened as ReadonlyRecord<Case<C>>;
    });
  }

  /**
   * The case's SLA at `now` (the crm clock's by default): for each target of
   * its policy, the due time, business minutes used and remaining, whether
   * the clock runs, is paused or stopped, and met / breached / at risk / on
   * track. Empty for a case no policy applies to.
   *
   * @example
   * ```ts
   * const [firstResponse, resolution] = await crm.cases.sla(id);
   * if (resolution?.outcome === 'at_risk') escalate();
   * ```
   */
  async sla(id: string, options: { readonly now?: Date } = {}): Promise<SlaTargetStatus[]> {
    const services = this.context.services as unknown as CaseSiblings;
    const ticket = await this.get(id);
    if (ticket.sla === undefined) return [];
    const policy = await services.slaPolicies.get(ticket.sla.policyId);
    return evaluateSla(policy as unknown as SlaClockPolicy, ticket.sla as CaseSlaState, options.now ?? this.context.clock.now());
  }

  /**
   * Finds the cases with an SLA target at risk or breached at `now` — through
   * the `slaNextCheckAt` index, never a scan of the open cases — and for each
   * target newly so records it (`sla_warning` / `sla_breached` in the
   * history), emits `case.slaWarning` / `case.slaBreached` once, and runs the
   * policy's escalation rule (raise the priority, reassign, and emit
   * `case.escalated` with who to notify). Each case is written with a version
   * compare-and-set in its own transaction: two processes calling it at once
   * report and escalate each case once (the loser skips the case), and
   * calling it again reports nothing new. A target found breached that was
   * never warned of is reported breached only.
   *
   * @example
   * ```ts
   * setInterval(() => void crm.cases.checkSla(), 60_000);
   * const { warnings, breaches } = await crm.cases.checkSla({ now: new Date() });
   * ```
   */
  async checkSla(options: { readonly now?: Date } = {}): Promise<CheckSlaResult> {
    const now = options.now ?? this.context.clock.now();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new ValidationError('checkSla: now must be a valid Date', [{ code: 'invalid_type', path: ['now'], message: 'now must be a valid Date' }]);
    }
    const services = this.context.services as unknown as CaseSiblings;
    const policies = new Map<string, SlaPolicy>();
    const result = { checked: 0, warnings: [] as { caseId: string; target: SlaTargetStatus }[], breaches: [] as { caseId: string; target: SlaTargetStatus }[], escalations: 0, skipped: 0 };
    for await (const batch of this.scan({
      where: { field: 'slaNextCheckAt', op: 'lte', value: now },
      sort: [{ field: 'slaNextCheckAt', direction: 'asc' }],
      batchSize: checkBatch,
    } as never)) {
      const missing = [...new Set(batch.map((c) => c.sla?.policyId).filter((id): id is string => id !== undefined && !policies.has(id)))];
      if (missing.length > 0) for (const policy of await services.slaPolicies.getMany(missing)) if (policy !== undefined) policies.set(policy.id, policy as SlaPolicy);
      result.checked += batch.length;
      const plans = batch.flatMap((ticket) => {
        const policy = ticket.sla === undefined ? undefined : policies.get(ticket.sla.policyId);
        return policy === undefined ? [] : [planSlaCheck(ticket as AnyCase, policy, now)];
      });
      if (plans.length === 0) continue;
      // One transaction per page: each case is written with a compare-and-set on the version it was read at,
      // so a case another caller (or an agent) wrote meanwhile fails alone and is left to it.
      const done = await this.withSiblings(async (tx) => {
        const results = await tx.cases.updateManyManaged(
          plans.map((plan) => ({ id: plan.ticket.id, expectedVersion: plan.ticket.version, recipe: (draft: Draft<Case>) => plan.apply(draft) })) as never,
        );
        const won = plans.flatMap((plan, i) => {
          const outcome = results[i]!;
          if (outcome.ok) return [{ plan, stored: outcome.record as unknown as Case }];
          if (!(isCrmError(outcome.error, 'conflict') || isCrmError(outcome.error, 'not_found'))) throw outcome.error;
          return [];
        });
        const history = won.flatMap(({ plan }) => plan.history.map((entry) => ({ ...entry, actor: this.context.actor })));
        if (history.length > 0) await tx.caseEvents.createMany(history);
        for (const { plan, stored } of won) {
          for (const target of plan.warnings) this.context.emit('case.slaWarning', { case: stored, target });
          for (const target of plan.breaches) this.context.emit('case.slaBreached', { case: stored, target });
          for (const { level, rule, target } of plan.rules) this.context.emit('case.escalated', { case: stored, target, level, rule, notify: rule.notify });
        }
        return won;
      });
      result.skipped += plans.length - done.length;
      for (const { plan } of done) {
        for (const target of plan.warnings) result.warnings.push({ caseId: plan.ticket.id, target });
        for (const target of plan.breaches) result.breaches.push({ caseId: plan.ticket.id, target });
        result.escalations += plan.rules.length;
      }
    }
    return result;
  }

  /**
   * Assigns a case to a named agent, or within a team: `round_robin` gives
   * it to the next available member after the team's last round-robin pick,
   * `least_loaded` to the available member with the fewest open cases (ties:
   * the earlier member). Members who are `away` are skipped; a team with
   * none available is an `InvalidTransitionError`. Recorded in the history
   * (`assigned`, from, to).
   *
   * @example
   * ```ts
   * await crm.withActor(dispatcher).cases.assign(id, { teamId: billing.id, strategy: 'least_loaded' });
   * ```
   */
  async assign(id: string, target: AssignTarget): Promise<ReadonlyRecord<Case<C>>> {
    checkOptions(target);
    return this.withSiblings(async (services) => {
      const now = this.context.clock.now();
      let agentId: string;
      let teamId: string | undefined;
      if ('agentId' in target) agentId = target.agentId;
      else {
        teamId = target.teamId;
        const team = await services.supportTeams.get(target.teamId);
        const available = team.members.filter((member) => !member.away).map((member) => member.agentId);
        if (available.length === 0) throw new InvalidTransitionError(`no agent of team ${team.name} is available`);
        if (target.strategy === 'round_robin') agentId = await services.supportTeams.nextRoundRobin(team.id);
        else {
          const rows = await services.cases.aggregate({
            where: { and: [{ field: 'assigneeId', op: 'in', value: available }, { field: 'status', op: 'in', value: [...openStatuses] }] },
            groupBy: ['assigneeId'],
            measures: [{ name: 'open', fn: 'count' }],
          } as never);
          const load = new Map((rows as unknown as { key: { assigneeId: string }; values: { open: number } }[]).map((row) => [row.key.assigneeId, row.values.open]));
          agentId = available.reduce((best, agent) => ((load.get(agent) ?? 0) < (load.get(best) ?? 0) ? agent : best));
        }
      }
      let from: string | undefined;
      const assigned = await services.cases.update(id, (draft: Draft<Case>) => {
        from = draft.assigneeId;
        draft.assigneeId = agentId;
        if (teamId !== undefined) draft.teamId = teamId;
      });
      if (from !== agentId) {
        await services.caseEvents.create({
          caseId: id,
          kind: 'assigned',
          at: now,
          to: agentId,
          ...(from === undefined ? {} : { from }),
          actor: this.context.actor,
        });
      }
      return assigned as ReadonlyRecord<Case<C>>;
    });
  }

  /**
   * CSAT and NPS of the case, from the `survey_response` interactions linked to it (`caseId`).
   *
   * @example
   * ```ts
   * const { csat, nps } = await crm.cases.satisfaction(id);
   * ```
   */
  async satisfaction(id: string): Promise<CaseSatisfaction> {
    const services = this.context.services as unknown as CaseSiblings;
    const surveys = [];
    for await (const batch of services.interactions.scan({
      where: { and: [{ field: 'caseId', op: 'eq', value: id }, { field: 'kind', op: 'eq', value: 'survey_response' }] },
    } as never)) {
      for (const interaction of batch) if (interaction.survey !== undefined) surveys.push(interaction.survey);
    }
    return satisfactionOf(surveys);
  }

  /**
   * The support report over the cases opened in `[from, to)`: SLA compliance
   * per policy and target, first-response and resolution medians and 90th
   * percentiles in business minutes, the backlog of open cases by age, the
   * reopen rate, the top categories and root causes, and the repeat
   * complainers (a customer with more than `repeatThreshold` cases of one
   * root cause). See {@link buildCaseReport}.
   *
   * @example
   * ```ts
   * const { repeatComplainers } = await crm.cases.report({ from: new Date('2025-01-01'), to: new Date('2025-04-01'), repeatThreshold: 2 });
   * ```
   */
  async report(options: CaseReportOptions): Promise<CaseReport> {
    if (typeof options !== 'object' || options === null || !(options.from instanceof Date) || !(options.to instanceof Date)) {
      throw new ValidationError('report takes { from, to } dates', [{ code: 'invalid_type', path: ['from'], message: 'from and to must be Dates' }]);
    }
    const services = this.context.services as unknown as CaseSiblings;
    const now = options.now ?? this.context.clock.now();
    const inSpan: AnyCase[] = [];
    for await (const batch of this.scan({
      where: { and: [{ field: 'openedAt', op: 'gte', value: options.from }, { field: 'openedAt', op: 'lt', value: options.to }] },
    } as never)) {
      inSpan.push(...(batch as AnyCase[]));
    }
    const open: AnyCase[] = [];
    for await (const batch of this.scan({ where: { field: 'status', op: 'in', value: [...openStatuses] } } as never)) open.push(...(batch as AnyCase[]));
    const policyIds = [...new Set(inSpan.map((c) => c.sla?.policyId).filter((id): id is string => id !== undefined))];
    const policies = new Map<string, SlaClockPolicy>();
    if (policyIds.length > 0) for (const policy of await services.slaPolicies.getMany(policyIds)) if (policy !== undefined) policies.set(policy.id, policy as SlaPolicy);
    return buildCaseReport(inSpan as ReadonlyRecord<Case>[], open as ReadonlyRecord<Case>[], policies, { ...options, now });
  }

  /** This service with the custom fields left open, for recipes written against the base case type. */
  get #any(): CaseService<any> {
    return this as unknown as CaseService<any>;
  }

  async #policyOfCase(services: CaseSiblings, id: string): Promise<SlaPolicy | undefined> {
    const ticket = await services.cases.get(id);
    if (ticket.sla === undefined) return undefined;
    return (await services.slaPolicies.getMany([ticket.sla.policyId]))[0] as SlaPolicy | undefined;
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

/**
 * What `checkSla` will write for one case, decided from the case as read: the
 * targets newly at risk or breached, the escalation rules they run, the
 * history entries, and a recipe that writes it all (applied under a version
 * compare-and-set, so it meets the same case it was planned on).
 */
function planSlaCheck(ticket: AnyCase, policy: SlaPolicy, now: Date) {
  const state = ticket.sla as CaseSlaState;
  const statuses = evaluateSla(policy, state, now);
  const warnings: SlaTargetStatus[] = [];
  const breaches: SlaTargetStatus[] = [];
  const targets = state.targets.map((clock, i) => {
    if (clock.countedTo === undefined || clock.stoppedAt !== undefined || clock.breachedAt !== undefined) return clock;
    const used = usedMinutesAt(policy, clock, now);
    if (used >= clock.minutes) {
      breaches.push(statuses[i]!);
      return { ...clock, breachedAt: now, warnedAt: clock.warnedAt ?? now };
    }
    if (clock.warnedAt === undefined && clock.minutes - used <= clock.atRiskMinutes) {
      warnings.push(statuses[i]!);
      return { ...clock, warnedAt: now };
    }
    return clock;
  });
  const rules = [
    ...(warnings.length > 0 && policy.escalation.onWarning ? [{ level: 'warning' as const, rule: policy.escalation.onWarning, target: warnings[0]! }] : []),
    ...(breaches.length > 0 && policy.escalation.onBreach ? [{ level: 'breach' as const, rule: policy.escalation.onBreach, target: breaches[0]! }] : []),
  ];
  let priority = ticket.priority;
  let assigneeId = ticket.assigneeId;
  const changes: Omit<CaseEventInput, 'actor'>[] = []; // the actor is the one running checkSla, stamped where they are written
  for (const { rule } of rules) {
    if (rule.raisePriority) {
      const raised = casePriorities[Math.min(casePriorities.indexOf(priority) + 1, casePriorities.length - 1)]!;
      if (raised !== priority) changes.push({ caseId: ticket.id, kind: 'priority_changed', at: now, from: priority, to: raised });
      priority = raised;
    }
    if (rule.reassignTo !== undefined && rule.reassignTo !== assigneeId) {
      changes.push({ caseId: ticket.id, kind: 'assigned', at: now, to: rule.reassignTo, ...(assigneeId === undefined ? {} : { from: assigneeId }) });
      assigneeId = rule.reassignTo;
    }
  }
  const next: CaseSlaState = { policyId: state.policyId, targets };
  const history: Omit<CaseEventInput, 'actor'>[] = [
    ...warnings.map((t) => ({ caseId: ticket.id, kind: 'sla_warning' as const, at: now, target: t.kind })),
    ...breaches.map((t) => ({ caseId: ticket.id, kind: 'sla_breached' as const, at: now, target: t.kind })),
    ...changes,
    ...rules.map((r) => ({ caseId: ticket.id, kind: 'escalated' as const, at: now, target: r.target.kind, note: `${r.level} rule` })),
  ];
  return {
    ticket,
    warnings,
    breaches,
    rules,
    history,
    apply(draft: Draft<Case>): void {
      draft.priority = priority;
      if (assigneeId !== undefined) draft.assigneeId = assigneeId;
      applySlaFields(draft as Case, policy, next, now);
    },
  };
}

/** Moves the draft's SLA clocks for `event` and refreshes the fields that follow them. */
function advanceDraft(draft: Draft<Case>, policy: SlaClockPolicy | undefined, event: SlaClockEvent, now: Date): void {
  if (policy === undefined || draft.sla === undefined) return;
  const state = advanceSlaClocks(policy, current(draft.sla) as CaseSlaState, event, now, draft.status);
  applySlaFields(draft as Case, policy, state, now);
}

async function collect<R>(service: ModelService<any, any>, caseId: string, field: string): Promise<R[]> {
  const out: R[] = [];
  for await (const batch of service.scan({ where: { field: 'caseId', op: 'eq', value: caseId }, sort: [{ field, direction: 'asc' }] } as never)) {
    out.push(...(batch as R[]));
  }
  return out;
}

function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options must be an object', [{ code: 'invalid_type', path: ['options'], message: 'options must be an object' }]);
  }
}

