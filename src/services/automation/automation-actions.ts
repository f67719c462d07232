import type * as z from 'zod';

/**
 * What a host action gets besides its input: the run's subject, the run, and a key that is
 * the same each time this step of this run is attempted (an action whose process died
 * before its outcome was recorded is called again with the same key).
 *
 * @example
 * ```ts
 * const run: AutomationActionRun<{ template: string }> = async (input, { subjectId, idempotencyKey }) => sms.send(subjectId, input.template, idempotencyKey);
 * ```
 */
export interface AutomationActionContext {
  readonly subjectCollection: string;
  readonly subjectId: string;
  readonly runId: string;
  readonly ruleId: string;
  readonly idempotencyKey: string;
}

/**
 * The function of a host action.
 *
 * @example
 * ```ts
 * const notify: AutomationActionRun<{ channel: string }> = async ({ channel }, { subjectId }) => slack.post(channel, subjectId);
 * ```
 */
export type AutomationActionRun<I> = (input: I, context: AutomationActionContext) => Promise<unknown> | unknown;

/**
 * A host action: its input schema (checked when a rule naming it is defined) and its function.
 *
 * @example
 * ```ts
 * crm.automation.registerAction('notify-slack', { input: z.object({ channel: z.string() }), run: async ({ channel }) => slack.post(channel) });
 * ```
 */
export interface AutomationAction<I = unknown> {
  readonly input: z.ZodType<I>;
  readonly run: AutomationActionRun<I>;
}
