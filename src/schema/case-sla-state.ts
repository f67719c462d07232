import * as z from 'zod';

/**
 * What an SLA target measures: the first public reply after the case opened
 * (`first_response`), the next public reply after each customer message that
 * followed one (`next_response`), and the case's resolution (`resolution`).
 *
 * @example
 * ```ts
 * slaTargetKinds.includes('resolution'); // true
 * ```
 */
export const slaTargetKinds = ['first_response', 'next_response', 'resolution'] as const;

/** One of {@link slaTargetKinds}. */
export type SlaTargetKind = (typeof slaTargetKinds)[number];

/**
 * The clock of one SLA target of a case, as crmkit keeps it on the case: the
 * target (business minutes), the business minutes used up to `countedTo`,
 * whether the clock runs (`countedTo` present: it runs from there) and what
 * `checkSla` already reported.
 */
export const slaTargetClockSchema = z.strictObject({
  kind: z.enum(slaTargetKinds),
  /** The target, in business minutes. */
  minutes: z.number().nonnegative().max(10_000_000),
  /** A warning is due when no more than this many business minutes remain. */
  atRiskMinutes: z.number().nonnegative().max(10_000_000),
  /** Business minutes used until `countedTo` (or, with the clock stopped or paused, in all). */
  usedMinutes: z.number().nonnegative(),
  /** Present while the clock runs: the instant `usedMinutes` is counted to. */
  countedTo: z.date().optional(),
  /** When the measured span began (the case opened; the customer wrote again). Absent: not started. */
  startedAt: z.date().optional(),
  /** When it ended (the reply was sent, the case solved). */
  stoppedAt: z.date().optional(),
  /** The due instant once it is fixed: when the minutes ran out, or as it stood when a running clock stopped. */
  dueAt: z.date().optional(),
  /** When `checkSla` reported the target at risk (`case.slaWarning`). */
  warnedAt: z.date().optional(),
  /** When `checkSla` reported the target breached (`case.slaBreached`). */
  breachedAt: z.date().optional(),
});

/**
 * The clock of one SLA target (see {@link slaTargetClockSchema}).
 *
 * @example
 * ```ts
 * const clock: SlaTargetClock = { kind: 'first_response', minutes: 60, atRiskMinutes: 15, usedMinutes: 0, countedTo: openedAt, startedAt: openedAt };
 * ```
 */
export type SlaTargetClock = z.output<typeof slaTargetClockSchema>;

/**
 * The SLA of a case: the policy that applies and the clock of each of its targets.
 *
 * @example
 * ```ts
 * const state: CaseSlaState = { policyId: policy.id, targets: [clock] };
 * ```
 */
export const caseSlaStateSchema = z.strictObject({
  policyId: z.string().min(1).max(128),
  targets: z.array(slaTargetClockSchema).max(slaTargetKinds.length),
});

/** The SLA of a case (see {@link caseSlaStateSchema}). */
export type CaseSlaState = z.output<typeof caseSlaStateSchema>;
