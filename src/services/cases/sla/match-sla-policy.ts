import type { CasePriority } from '../../../schema/case.js';
import type { Channel } from '../../../schema/channel.js';
import type { SlaPolicy } from '../../../schema/sla-policy.js';

/** What a policy's `match` reads of a case. */
export interface SlaPolicySubject {
  readonly priority: CasePriority;
  readonly category?: string | undefined;
  readonly channel?: Channel | undefined;
  readonly customerTier?: string | undefined;
}

function listHolds(list: readonly string[] | undefined, value: string | undefined): boolean {
  return list === undefined || (value !== undefined && list.includes(value));
}

/**
 * The policy that applies to a case: the active policy of lowest `rank`
 * (then the oldest id) whose `match` lists all hold the case's values — an
 * absent list matches anything, a given one needs the case to have a value
 * in it. `undefined` when none matches.
 *
 * @example
 * ```ts
 * matchSlaPolicy(policies, { priority: 'urgent', channel: 'phone' })?.name; // 'Urgent, 24/7'
 * ```
 */
export function matchSlaPolicy<P extends Pick<SlaPolicy, 'id' | 'active' | 'rank' | 'match'>>(policies: readonly P[], subject: SlaPolicySubject): P | undefined {
  const candidates = policies
    .filter((policy) => policy.active)
    .filter(
      (policy) =>
        listHolds(policy.match.priorities, subject.priority) &&
        listHolds(policy.match.categories, subject.category) &&
        listHolds(policy.match.channels, subject.channel) &&
        listHolds(policy.match.customerTiers, subject.customerTier),
    );
  candidates.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return candidates[0];
}
