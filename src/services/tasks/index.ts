import { taskModel } from '../../schema/task.js';
import { defineModule, serviceFactory, type ServiceTypes } from '../define-module.js';
import { TaskService } from './task-service.js';

export { TaskService, taskRefusals, type DueOptions, type DueTasks, type TaskRefusal } from './task-service.js';

/** The type of `crm.tasks` for the host's task custom fields. */
export interface TaskServiceTypes extends ServiceTypes {
  readonly service: TaskService<this['custom']>;
}

/**
 * Tasks and activities: follow-ups on customers, deals and cases (`crm.tasks`, events `task.*`),
 * with `complete` logging an activity on the customer's timeline and `due` listing what is due.
 *
 * @example
 * ```ts
 * await crm.tasks.create({ title: 'Call back', customerId: ada.id, dueAt: tomorrow, assigneeId: 'u_42' });
 * ```
 */
export const tasksModule = defineModule({
  name: 'tasks',
  models: { tasks: taskModel },
  services: { tasks: serviceFactory<TaskServiceTypes>((context, model, schema) => new TaskService(context, model, schema)) },
});
