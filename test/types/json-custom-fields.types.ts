/**
 * Type tests: a free-JSON custom field (`z.json()`, alone or inside `z.record`)
 * keeps the typed queries and readonly records within TypeScript's limits (it
 * used to end in "Type instantiation is excessively deep"). Checked by
 * `npm run typecheck`; nothing here runs. Every `@ts-expect-error` line must
 * fail to compile.
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import type { Crm, ReadonlyJson } from 'crmkit';

const customFields = {
  customers: z.object({
    notes: z.record(z.string(), z.json()).optional(),
    raw: z.json().optional(),
    tier: z.enum(['bronze', 'gold']).optional(),
  }),
};
declare const crm: Crm<typeof customFields>;

export async function jsonCustomFields(id: string): Promise<void> {
  await crm.customers.count({ field: 'tags', op: 'in', value: ['ok', 'x'] });
  await crm.customers.count({ and: [{ field: 'custom.tier', op: 'eq', value: 'gold' }] });
  await crm.customers.find({ where: { field: 'custom.tier', op: 'eq', value: 'gold' }, sort: [{ field: 'name', direction: 'asc' }] });
  // @ts-expect-error free JSON is not a filterable field
  await crm.customers.count({ field: 'custom.notes', op: 'exists', value: true });
  // @ts-expect-error ... nor is anything inside it
  await crm.customers.count({ field: 'custom.notes.visits', op: 'eq', value: 1 });
  // @ts-expect-error the declared fields keep their value types
  await crm.customers.count({ field: 'custom.tier', op: 'eq', value: 'platinum' });

  const ada = await crm.customers.get(id);
  expectTypeOf(ada.custom.notes).toEqualTypeOf<{ readonly [key: string]: ReadonlyJson } | undefined>();
  expectTypeOf(ada.custom.raw).toEqualTypeOf<ReadonlyJson | undefined>();
  // @ts-expect-error free JSON in a returned record is readonly too
  ada.custom.notes!.visits = 2;

  await crm.customers.create({ name: 'Ada', custom: { notes: { visits: [1, { at: '2026-01-01' }] }, raw: 'anything' } });
  await crm.customers.update(id, (draft) => {
    draft.custom.notes = { visits: 3 };
  });
}
