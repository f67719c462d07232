import type { Draft } from 'immer';
import type { SupportTeam, SupportTeamInput } from '../../schema/support-team.js';
import { InvalidTransitionError } from '../../storage/errors.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/**
 * Support teams (`crm.supportTeams`): the model service plus the round-robin
 * pointer that `crm.cases.assign` moves.
 *
 * @example
 * ```ts
 * const billing = await crm.supportTeams.create({ name: 'Billing', members: [{ agentId: 'ann' }, { agentId: 'bob' }] });
 * await crm.supportTeams.nextRoundRobin(billing.id); // 'ann', then 'bob', then 'ann'…
 * ```
 */
export class SupportTeamService<C = Record<string, unknown>> extends ModelService<ReadonlyRecord<SupportTeam<C>>, SupportTeamInput<C>> {
  /**
   * Picks the next available (not away) member after the team's last
   * round-robin pick, in member order, and records the pick. The pick is
   * made on the team read with the row held, so concurrent callers get
   * successive members. A team with no available member is an `InvalidTransitionError`.
   *
   * @example
   * ```ts
   * const agentId = await crm.supportTeams.nextRoundRobin(teamId);
   * ```
   */
  async nextRoundRobin(teamId: string): Promise<string> {
    let picked: string | undefined;
    await (this as unknown as SupportTeamService).updateManaged(teamId, (draft: Draft<SupportTeam>) => {
      const members = draft.members;
      const last = members.findIndex((member) => member.agentId === draft.lastAssignedAgentId);
      for (let step = 1; step <= members.length; step++) {
        const member = members[(last + step + members.length) % members.length]!;
        if (!member.away) {
          picked = member.agentId;
          break;
        }
      }
      if (picked === undefined) throw new InvalidTransitionError(`no agent of team ${draft.name} is available`);
      draft.lastAssignedAgentId = picked;
    });
    return picked!;
  }
}
