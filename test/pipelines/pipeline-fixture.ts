import { createCrm, type Actor, type Crm, type CrmAdapter, type PipelineInput } from 'crmkit';

/** A clock the test moves by hand. */
export interface TestClock {
  now(): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

/** A clock at `iso` that moves only when told. */
export function testClock(iso = '2025-01-06T09:00:00.000Z'): TestClock {
  let at = new Date(iso).getTime();
  return {
    now: () => new Date(at),
    set: (next) => void (at = new Date(next).getTime()),
    advance: (ms) => void (at += ms),
  };
}

export const hour = 3_600_000;
export const day = 24 * hour;

/** The sales pipeline the tests use: lead → qualified → proposal → negotiation, won, lost. */
export const salesPipeline: PipelineInput = {
  name: 'New business',
  currency: 'EUR',
  stages: [
    { id: 'lead', name: 'Lead', probability: 0.1 },
    { id: 'qualified', name: 'Qualified', probability: 0.25 },
    { id: 'proposal', name: 'Proposal', probability: 0.5, forecastCategory: 'best_case' },
    { id: 'negotiation', name: 'Negotiation', probability: 0.8, forecastCategory: 'commit' },
    { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
    { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
  ],
  lostReasons: ['price', 'competitor', 'no decision'],
};

export const grace: Actor = { kind: 'user', id: 'u_grace', name: 'Grace' };
export const alan: Actor = { kind: 'user', id: 'u_alan', name: 'Alan' };

/** A crm on `adapter` with a test clock, one organisation and the sales pipeline. */
export async function salesWorld(adapter: CrmAdapter, clock = testClock()) {
  const crm: Crm = await createCrm({ adapter, clock });
  const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
  const pipeline = await crm.pipelines.create(structuredClone(salesPipeline));
  return { crm, clock, acme, pipeline };
}

/** Every record of a collection, read straight from the adapter (no service in between). */
export async function stored(adapter: CrmAdapter, collection: string): Promise<readonly Record<string, unknown>[]> {
  return (await adapter.find(collection, { sort: [{ field: 'id', direction: 'asc' }] })) as unknown as Record<string, unknown>[];
}
