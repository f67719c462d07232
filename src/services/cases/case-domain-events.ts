import type { Case, CaseStatus } from '../../schema/case.js';
import type { Actor } from '../actor.js';
import type { EscalationRule } from '../../schema/sla-policy.js';
import type { SlaTargetStatus } from './sla/evaluate-sla.js';

/**
 * Emitted after a case moved to another status (`crm.cases.transition`, or a
 * customer message that reopened it).
 *
 * @example
 * ```ts
 * crm.events.on('case.statusChanged', ({ case: ticket, from, to }) => log(ticket.id, from, to));
 * ```
 */
export interface CaseStatusChangedEvent {
  readonly case: Case;
  readonly from: CaseStatus;
  readonly to: CaseStatus;
  /** Who moved it: the crm's actor (`crm.withActor(actor)`). */
  readonly actor: Actor;
}

/**
 * Emitted once per target by `checkSla` when an SLA target of a case comes
 * at risk (`case.slaWarning`) or is breached (`case.slaBreached`).
 *
 * @example
 * ```ts
 * crm.events.on('case.slaBreached', ({ case: ticket, target }) => page(ticket.assigneeId, target.kind, target.dueAt));
 * ```
 */
export interface CaseSlaEvent {
  /** The case as stored after `checkSla` recorded the report (and any escalation). */
  readonly case: Case;
  /** The target, as evaluated at `checkSla`'s `now`. */
  readonly target: SlaTargetStatus;
}

/**
 * Emitted by `checkSla` when an escalation rule of the case's policy ran: the
 * host delivers the notification to `notify` (crmkit sends nothing itself).
 *
 * @example
 * ```ts
 * crm.events.on('case.escalated', ({ case: ticket, notify }) => notify.forEach((to) => mailer.send(to, `Case ${ticket.subject} escalated`)));
 * ```
 */
export interface CaseEscalatedEvent {
  readonly case: Case;
  /** The target whose warning or breach ran the rule. */
  readonly target: SlaTargetStatus;
  /** Which rule: `onWarning` or `onBreach`. */
  readonly level: 'warning' | 'breach';
  /** The rule as the policy states it. */
  readonly rule: EscalationRule;
  /** Who the host should notify. */
  readonly notify: readonly string[];
}
