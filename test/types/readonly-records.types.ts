/**
 * Type tests: the records services return are deeply readonly; update
 * recipes get a mutable immer draft. Checked by `npm run typecheck`; nothing
 * here runs. Every `@ts-expect-error` line must fail to compile.
 */
import { expectTypeOf } from 'vitest';
import type { Crm, ReadonlyRecord, Customer } from 'crmkit';

declare const crm: Crm;

export async function returnedRecordsAreReadonly(id: string): Promise<void> {
  const ada = await crm.customers.get(id);
  expectTypeOf(ada).toEqualTypeOf<ReadonlyRecord<Customer>>();
  // @ts-expect-error a returned record's arrays are readonly
  ada.tags.push('vip');
  // @ts-expect-error ... and so are its fields
  ada.name = 'Ada';
  // @ts-expect-error ... down into nested objects
  ada.addresses[0]!.city = 'London';
  expectTypeOf(ada.createdAt).toEqualTypeOf<Date>(); // dates stay dates

  const page = await crm.customers.find({});
  // @ts-expect-error records in pages are readonly
  page.items[0]!.tags.push('vip');
  for await (const batch of crm.interactions.scan()) {
    // @ts-expect-error records in scanned batches are readonly
    batch[0]!.purchase!.lineItems.push({ sku: 'x', quantity: 1, unitPrice: 1 });
  }
  const [created] = await crm.customers.createMany([{ name: 'Grace' }]);
  // @ts-expect-error createMany returns readonly records
  created!.emails.push('grace@example.com');
  const [result] = await crm.customers.updateMany([{ id, recipe: (draft) => void draft.tags.push('vip') }]);
  // @ts-expect-error updateMany's records are readonly
  if (result?.ok) result.record.tags.push('vip');
  const deal = await crm.deals.get(id);
  // @ts-expect-error deals too
  deal.title = 'renamed';

  // recipes still get a mutable draft
  const updated = await crm.customers.update(id, (draft) => {
    draft.tags.push('vip');
    draft.name = 'Ada King';
    draft.addresses.push({ type: 'home', line1: '12 St James Square' });
  });
  // @ts-expect-error and what update returns is readonly again
  updated.tags.push('again');
  await crm.deals.update(id, (draft) => {
    draft.title = 'renamed';
  });
}
