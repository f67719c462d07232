import 'fake-indexeddb/auto';
import { createCrm, type Actor, type CrmAdapter, type RoleInput } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { coreAdapters } from '../core/core-adapters.js';
import { salesPipeline, testClock } from '../pipelines/pipeline-fixture.js';

let databases = 0;
/** The core adapters (memory, SQLite) and fake-indexeddb: the handoffs module needs no adapter code. */
export const handoffAdapters: readonly { readonly name: string; readonly create: () => CrmAdapter }[] = [
  ...coreAdapters,
  { name: 'fake-indexeddb', create: () => indexedDbAdapter({ name: `handoffs-${process.pid}-${databases++}` }) },
];

export const grace: Actor = { kind: 'user', id: 'u_grace', name: 'Grace' };
export const alan: Actor = { kind: 'user', id: 'u_alan', name: 'Alan' };
export const ada: Actor = { kind: 'user', id: 'u_ada', name: 'Ada' };

/** A rep who reads and writes deals and customers they own, and their notes, transfers and positions. */
export const ownDealsRep: RoleInput = {
  name: 'own deals rep',
  grants: [
    { collection: 'deals', operations: ['read', 'update'], scopes: [{ kind: 'own' }] },
    { collection: 'customers', operations: ['read'] },
    { collection: 'pipelines', operations: ['read'] },
    { collection: 'recordNotes', operations: ['read', 'create'] },
    { collection: 'ownershipTransfers', operations: ['read', 'create'] },
    { collection: 'handoffPositions', operations: ['read', 'create', 'update'] },
  ],
};

/** A crm with a test clock, an organisation, a deal owned by Grace, and a case assigned to Grace. */
export async function handoffWorld(adapter: CrmAdapter) {
  const clock = testClock('2025-03-03T10:00:00.000Z');
  const crm = await createCrm({ adapter, clock });
  const acme = await crm.customers.create({ kind: 'organization', name: 'Acme', ownerId: grace.id });
  const pipeline = await crm.pipelines.create(structuredClone(salesPipeline));
  const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title: 'Pilot', ownerId: grace.id });
  const other = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title: 'Other', ownerId: 'u_zed' });
  const ticket = await crm.cases.create({ customerId: acme.id, subject: 'Invoice missing', assigneeId: grace.id });
  return { crm, clock, acme, pipeline, deal, other, ticket };
}
