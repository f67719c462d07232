/**
 * The payload of `automation.event`, emitted by a rule's `emit` step after the step's
 * transaction commits.
 *
 * @example
 * ```ts
 * crm.events.on('automation.event', ({ name, subjectId }) => { if (name === 'win-back.started') track(subjectId); });
 * ```
 */
export interface AutomationEvent {
  /** The step's `event`. */
  readonly name: string;
  /** The step's `data`. */
  readonly data: unknown;
  readonly ruleId: string;
  readonly runId: string;
  readonly subjectCollection: string;
  readonly subjectId: string;
}
