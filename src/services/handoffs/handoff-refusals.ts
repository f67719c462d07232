/**
 * Why `crm.handoffs.transfer` refused (`InvalidTransitionError.reason`): the record is owned by the
 * one it would be transferred to already (`already_owner`).
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'invalid_transition') && error.reason === 'already_owner') return;
 * ```
 */
export const handoffRefusals = ['already_owner'] as const;

/** One of {@link handoffRefusals}. */
export type HandoffRefusal = (typeof handoffRefusals)[number];
