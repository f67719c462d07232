import * as z from 'zod';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** One agent of a support team; an agent who is `away` gets no new cases. */
export const teamMemberSchema = z.strictObject({
  agentId: z.string().min(1).max(128),
  away: z.boolean().default(false),
});

/** The fields of a support team. */
export const supportTeamShape = {
  name: z.string().trim().min(1).max(200),
  /** The agents, in the order round-robin assignment visits them. */
  members: z.array(teamMemberSchema).max(1000).default([]),
};

/** Fields only crmkit writes: where round-robin assignment stopped. */
export const supportTeamManagedShape = {
  /** The agent the team's last round-robin assignment went to. */
  lastAssignedAgentId: z.string().min(1).max(128).optional(),
};

/** The schema of a stored support team. */
export const supportTeamSchema = z.strictObject({
  ...recordBaseShape,
  ...supportTeamShape,
  ...supportTeamManagedShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: an agent is a member once. */
export function checkSupportTeam(team: { members: readonly { agentId: string }[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  team.members.forEach((member, index) => {
    if (seen.has(member.agentId)) ctx.addIssue({ code: 'custom', path: ['members', index, 'agentId'], message: `${member.agentId} is listed twice` });
    seen.add(member.agentId);
  });
}

/**
 * A support team: the agents cases are assigned among
 * (`crm.cases.assign(id, { teamId, strategy: 'round_robin' | 'least_loaded' })`).
 *
 * @example
 * ```ts
 * const team = await crm.supportTeams.create({ name: 'Billing', members: [{ agentId: 'ann' }, { agentId: 'bob', away: true }] });
 * ```
 */
export type SupportTeam<C = Record<string, unknown>> = WithCustom<z.output<typeof supportTeamSchema>, C>;

/** What `crm.supportTeams.create()` accepts. */
export type SupportTeamInput<C = Record<string, unknown>> = CreateInput<typeof supportTeamShape, C>;

/** The support team model: collection `supportTeams`, events `supportTeam.*`. */
export const supportTeamModel = defineModel({
  collection: 'supportTeams',
  entity: 'supportTeam',
  shape: supportTeamShape,
  managedShape: supportTeamManagedShape,
  check: checkSupportTeam,
  indexes: [],
});
