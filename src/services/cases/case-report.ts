import type { Case } from '../../schema/case.js';
import type { SlaTargetKind } from '../../schema/case-sla-state.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { evaluateSla } from './sla/evaluate-sla.js';
import { median, nearestRankPercentile } from './sla/percentile.js';
import type { SlaClockPolicy } from './sla/sla-clock.js';

/** Options of `crm.cases.report`. */
export interface CaseReportOptions {
  /** Cases opened from this instant (inclusive)… */
  readonly from: Date;
  /** …to this one (exclusive). */
  readonly to: Date;
  /** The instant the report is for (ages, running clocks); the crm clock's now by default. */
  readonly now?: Date;
  /** A customer with more than this many cases of one root cause in the span is a repeat complainer; 1 by default. */
  readonly repeatThreshold?: number;
  /** How many categories and root causes to list; 10 by default. */
  readonly top?: number;
}

/** Met and breached counts of one target of one policy. */
export interface SlaComplianceRow {
  readonly policyId: string;
  readonly target: SlaTargetKind;
  readonly met: number;
  readonly breached: number;
  /** `met / (met + breached)`; `undefined` when neither. */
  readonly compliance: number | undefined;
}

/** Median and 90th percentile (nearest rank) of durations, in business minutes. */
export interface DurationSummary {
  readonly count: number;
  readonly median: number | undefined;
  readonly p90: number | undefined;
}

/** The open cases of one age band. */
export interface BacklogBand {
  /** `'0-1d'`, `'1-3d'`, `'3-7d'` or `'7d+'` (calendar time since `openedAt`). */
  readonly age: string;
  readonly count: number;
}

/** A customer with more cases of one root cause than the threshold. */
export interface RepeatComplainer {
  readonly customerId: string;
  readonly rootCause: string;
  readonly cases: number;
  readonly caseIds: readonly string[];
}

/**
 * What `crm.cases.report` gives: SLA compliance per policy and target,
 * first-response and resolution times in business minutes, the backlog by
 * age, the reopen rate, the top categories and root causes, and the repeat
 * complainers (so the same mistake is not made twice).
 *
 * @example
 * ```ts
 * const report = await crm.cases.report({ from: startOfMonth, to: now });
 * report.repeatComplainers; // [{ customerId, rootCause: 'courier_delay', cases: 3, caseIds }]
 * ```
 */
export interface CaseReport {
  readonly slaCompliance: readonly SlaComplianceRow[];
  readonly firstResponse: DurationSummary;
  readonly resolution: DurationSummary;
  readonly backlog: readonly BacklogBand[];
  /** Of the span's cases that were solved at least once, the share reopened at least once; `undefined` when none. */
  readonly reopenRate: number | undefined;
  readonly topCategories: readonly { readonly category: string; readonly cases: number }[];
  readonly topRootCauses: readonly { readonly rootCause: string; readonly cases: number }[];
  readonly repeatComplainers: readonly RepeatComplainer[];
}

const day = 86_400_000;
const bands = [
  { age: '0-1d', below: day },
  { age: '1-3d', below: 3 * day },
  { age: '3-7d', below: 7 * day },
  { age: '7d+', below: Number.POSITIVE_INFINITY },
] as const;

function top<K extends string>(values: readonly (string | undefined)[], key: K, limit: number): ({ [P in K]: string } & { cases: number })[] {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([value, cases]) => ({ [key]: value, cases }) as { [P in K]: string } & { cases: number });
}

/**
 * The report over `cases` (those opened in the span) and `openCases` (every
 * case not solved or closed, for the backlog). Pure. Times come from the
 * cases' SLA clocks, so cases without an SLA policy count in the backlog,
 * reopen rate, categories and repeats but not in the times or compliance.
 *
 * @example
 * ```ts
 * const report = buildCaseReport(cases, openCases, policiesById, { from, to, now });
 * ```
 */
export function buildCaseReport(
  cases: readonly ReadonlyRecord<Case>[],
  openCases: readonly ReadonlyRecord<Case>[],
  policies: ReadonlyMap<string, SlaClockPolicy>,
  options: CaseReportOptions & { now: Date },
): CaseReport {
  const compliance = new Map<string, { policyId: string; target: SlaTargetKind; met: number; breached: number }>();
  const firstResponses: number[] = [];
  const resolutions: number[] = [];
  for (const ticket of cases) {
    const policy = ticket.sla === undefined ? undefined : policies.get(ticket.sla.policyId);
    if (ticket.sla === undefined || policy === undefined) continue;
    for (const status of evaluateSla(policy, ticket.sla as never, options.now)) {
      if (status.outcome === 'met' || status.outcome === 'breached') {
        const key = `${policy.id}\u0000${status.kind}`;
        const row = compliance.get(key) ?? { policyId: policy.id, target: status.kind, met: 0, breached: 0 };
        row[status.outcome]++;
        compliance.set(key, row);
      }
      // A first response is a reply: a case solved without one stops the clock but gives no response time.
      if (status.clock === 'stopped' && status.kind === 'first_response' && ticket.firstRespondedAt !== undefined) firstResponses.push(status.usedMinutes);
      if (status.clock === 'stopped' && status.kind === 'resolution') resolutions.push(status.usedMinutes);
    }
  }
  const summary = (values: number[]): DurationSummary => ({ count: values.length, median: median(values), p90: nearestRankPercentile(values, 90) });
  const everSolved = cases.filter((c) => c.solvedAt !== undefined || (c.reopenCount ?? 0) > 0);
  const repeats = new Map<string, { customerId: string; rootCause: string; caseIds: string[] }>();
  for (const ticket of cases) {
    if (ticket.rootCause === undefined) continue;
    const key = `${ticket.customerId}\u0000${ticket.rootCause}`;
    const entry = repeats.get(key) ?? { customerId: ticket.customerId, rootCause: ticket.rootCause, caseIds: [] };
    entry.caseIds.push(ticket.id);
    repeats.set(key, entry);
  }
  const threshold = options.repeatThreshold ?? 1;
  const limit = options.top ?? 10;
  return {
    slaCompliance: [...compliance.values()]
      .sort((a, b) => (a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : a.target < b.target ? -1 : 1))
      .map((row) => ({ ...row, compliance: row.met + row.breached === 0 ? undefined : row.met / (row.met + row.breached) })),
    firstResponse: summary(firstResponses),
    resolution: summary(resolutions),
    backlog: bands.map(({ age, below }, i) => ({
      age,
      count: openCases.filter((c) => {
        const ms = options.now.getTime() - c.openedAt.getTime();
        return ms < below && (i === 0 || ms >= bands[i - 1]!.below);
      }).length,
    })),
    reopenRate: everSolved.length === 0 ? undefined : everSolved.filter((c) => (c.reopenCount ?? 0) > 0).length / everSolved.length,
    topCategories: top(cases.map((c) => c.category), 'category', limit),
    topRootCauses: top(cases.map((c) => c.rootCause), 'rootCause', limit),
    repeatComplainers: [...repeats.values()]
      .filter((entry) => entry.caseIds.length > threshold)
      .sort((a, b) => b.caseIds.length - a.caseIds.length || (a.customerId < b.customerId ? -1 : 1))
      .map((entry) => ({ ...entry, cases: entry.caseIds.length })),
  };
}
