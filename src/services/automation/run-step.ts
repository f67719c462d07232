import { addMinutes } from 'date-fns';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import { isCrmError } from '../../storage/errors.js';
import { writePath } from '../../storage/write-path.js';
import type { AutomationRun } from './automation-run.js';
import type { RuleStep } from './automation-rule.js';

type Services = Readonly<Record<string, ModelService<any, any>>>;

/** What a writing step did: a value for the run's record, or that it had nothing to do. */
export interface StepResult {
  readonly value?: unknown;
  readonly skipped?: boolean;
}

/**
 * Runs one writing step of a run through `services` (the run's transaction, writing as the
 * run's automation actor).
 *
 * @internal
 */
export async function runStep(
  step: Exclude<RuleStep, { kind: 'wait' | 'branch' | 'action' }>,
  { services, run, now, context }: { services: Services; run: AutomationRun; now: Date; context: ServiceContext },
): Promise<StepResult> {
  const subjects = services[run.subjectCollection]!;
  switch (step.kind) {
    case 'create_task': {
      const subject = (await subjects.get(run.subjectId)) as { ownerId?: string };
      const link = run.subjectCollection === 'customers' ? 'customerId' : run.subjectCollection === 'deals' ? 'dealId' : 'caseId';
      const assigneeId = step.assigneeId ?? subject.ownerId;
      const task = await services.tasks!.create({
        title: step.title,
        ...(step.notes === undefined ? {} : { notes: step.notes }),
        dueAt: addMinutes(now, step.dueInMinutes ?? 0),
        ...(assigneeId === undefined ? {} : { assigneeId }),
        ...(step.priority === undefined ? {} : { priority: step.priority }),
        [link]: run.subjectId,
      });
      return { value: { taskId: task.id } };
    }
    case 'assign': {
      let agentId: string;
      if ('agentId' in step.to) agentId = step.to.agentId;
      else if (step.to.strategy === 'round_robin') {
        const rule = await services.automationRules!.update(run.ruleId, (draft: { assignments: number }) => void (draft.assignments += 1));
        agentId = step.to.agents[((rule as { assignments: number }).assignments - 1) % step.to.agents.length]!;
      } else {
        const loads = [];
        for (const agent of step.to.agents) {
          loads.push(await services.tasks!.count({ and: [{ field: 'assigneeId', op: 'eq', value: agent }, { field: 'done', op: 'eq', value: false }] } as never));
        }
        agentId = step.to.agents[loads.indexOf(Math.min(...loads))]!;
      }
      await subjects.update(run.subjectId, (draft: { ownerId?: string }) => void (draft.ownerId = agentId));
      return { value: { ownerId: agentId } };
    }
    case 'update':
      await subjects.update(run.subjectId, (draft: Record<string, unknown>) => {
        for (const [path, value] of Object.entries(step.set)) writePath(draft, path, value);
      });
      return {};
    case 'add_tag': {
      const subject = (await subjects.get(run.subjectId)) as { tags: readonly string[] };
      if (subject.tags.includes(step.tag)) return { skipped: true };
      await subjects.update(run.subjectId, (draft: { tags: string[] }) => void draft.tags.push(step.tag));
      return {};
    }
    case 'add_to_campaign':
      try {
        const member = await services.campaignMembers!.create({ campaignId: step.campaignId, customerId: run.subjectId });
        return { value: { memberId: member.id } };
      } catch (error) {
        if (isCrmError(error, 'conflict')) return { skipped: true }; // a member already
        throw error;
      }
    case 'remove_from_campaign': {
      const { items } = await services.campaignMembers!.find({
        where: { and: [{ field: 'campaignId', op: 'eq', value: step.campaignId }, { field: 'customerId', op: 'eq', value: run.subjectId }] },
        limit: 1,
      } as never);
      if (items.length === 0) return { skipped: true };
      await services.campaignMembers!.delete(items[0]!.id);
      return {};
    }
    case 'open_case': {
      const opened = await services.cases!.create({
        customerId: run.subjectId,
        subject: step.subject,
        ...(step.priority === undefined ? {} : { priority: step.priority }),
        ...(step.category === undefined ? {} : { category: step.category }),
      });
      return { value: { caseId: opened.id } };
    }
    case 'emit':
      context.emit('automation.event' as never, { name: step.event, data: step.data, ruleId: run.ruleId, runId: run.id, subjectCollection: run.subjectCollection, subjectId: run.subjectId } as never);
      return {};
  }
}
