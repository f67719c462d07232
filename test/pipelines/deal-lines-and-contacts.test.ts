// A deal's line items sum, exactly, to its amount; its contacts are customers with roles.
import { afterEach, describe, expect, it } from 'vitest';
import { dealLineItemTotal, type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { salesWorld, stored } from './pipeline-fixture.js';

describe('dealLineItemTotal', () => {
  it('is quantity × unit price less the discount, percentages rounded half up to a whole minor unit, in exact integers', () => {
    expect(dealLineItemTotal({ quantity: 3, unitPrice: 3333 })).toBe(9999n);
    expect(dealLineItemTotal({ quantity: 3, unitPrice: 3333, discountPercent: 12.5 })).toBe(8749n); // 1249.875 → 1250 off
    expect(dealLineItemTotal({ quantity: 1, unitPrice: 10, discountPercent: 15 })).toBe(8n); // 1.5 → 2 off
    expect(dealLineItemTotal({ quantity: 1, unitPrice: 10, discountPercent: 14.99 })).toBe(9n); // 1.499 → 1 off
    expect(dealLineItemTotal({ quantity: 7, unitPrice: 1999, discountAmount: 993 })).toBe(13_000n);
    // 9 007 199 000 000 000 gross (beyond what a double adds exactly), 1 basis point = 900 719 900 000 off
    expect(dealLineItemTotal({ quantity: 1_000_000_000, unitPrice: 9_007_199, discountPercent: 0.01 })).toBe(9_006_298_280_100_000n);
  });
});

describe.each(coreAdapters)('deal line items and contacts on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world() {
    adapter = create();
    return salesWorld(adapter);
  }

  it('make the amount the exact sum of the lines, kept in step when lines change', async () => {
    const { crm, pipeline, acme } = await world();
    const deal = await crm.deals.create({
      pipelineId: pipeline.id,
      stageId: 'lead',
      customerId: acme.id,
      title: 'Seats',
      currency: 'EUR',
      lineItems: [
        { productId: 'seat', name: 'Seat', quantity: 3, unitPrice: 3333, discountPercent: 12.5 },
        { name: 'Onboarding', quantity: 1, unitPrice: 50_000, discountAmount: 5_000 },
        { name: 'Support', quantity: 12, unitPrice: 1_999 },
      ],
    });
    expect(deal.amount).toBe(8749 + 45_000 + 23_988);
    const fewer = await crm.deals.update(deal.id, (d) => void d.lineItems.pop());
    expect(fewer.amount).toBe(8749 + 45_000);
    const matching = await crm.deals.update(deal.id, (d) => {
      d.lineItems[1]!.quantity = 2;
      d.amount = 8749 + 95_000;
    });
    expect(matching.amount).toBe(8749 + 95_000);
    expect((await crm.deals.stageHistory(deal.id))[0]!.amount).toBe(8749 + 45_000 + 23_988);
  });

  it('refuse an amount that is not the lines\' sum, a line without a currency, two discounts, a discount above the line, sub-basis-point percentages, and change nothing', async () => {
    const { crm, pipeline, acme } = await world();
    const base = { pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title: 'x' };
    const line = { name: 'Seat', quantity: 2, unitPrice: 1000 };
    const deal = await crm.deals.create({ ...base, currency: 'EUR', lineItems: [line] });
    const before = await stored(adapter, 'deals');
    const cases: [() => Promise<unknown>, string, (string | number)[]][] = [
      [() => crm.deals.create({ ...base, currency: 'EUR', amount: 1999, lineItems: [line] }), 'amount_mismatch', ['amount']],
      [() => crm.deals.update(deal.id, (d) => void (d.amount = 5)), 'amount_mismatch', ['amount']],
      [() => crm.deals.create({ ...base, lineItems: [line] }), 'custom', ['currency']],
      [() => crm.deals.create({ ...base, currency: 'EUR', lineItems: [{ ...line, discountAmount: 1, discountPercent: 1 }] }), 'custom', ['lineItems', 0, 'discountPercent']],
      [() => crm.deals.create({ ...base, currency: 'EUR', lineItems: [{ ...line, discountAmount: 2001 }] }), 'custom', ['lineItems', 0, 'discountAmount']],
      [() => crm.deals.create({ ...base, currency: 'EUR', lineItems: [{ ...line, discountPercent: 10.005 }] }), 'custom', ['lineItems', 0, 'discountPercent']],
      [() => crm.deals.create({ ...base, currency: 'EUR', lineItems: [{ ...line, quantity: 1.5 }] }), 'invalid_type', ['lineItems', 0, 'quantity']],
      [() => crm.deals.create({ ...base, currency: 'EUR', lineItems: [{ ...line, unitPrice: 10.5 }] }), 'invalid_type', ['lineItems', 0, 'unitPrice']],
      [() => crm.deals.create({ ...base, currency: 'EUR', lineItems: [{ ...line, quantity: 1_000_000_000, unitPrice: 9_007_199_254 }] }), 'too_big', ['amount']],
    ];
    for (const [call, code, path] of cases) {
      await expect(call()).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ code, path })] });
    }
    expect(await stored(adapter, 'deals')).toEqual(before);
  });

  it('keep contacts with roles, each an existing customer, once, with at most one primary', async () => {
    const { crm, pipeline, acme } = await world();
    const ada = await crm.customers.create({ name: 'Ada', organizationId: acme.id });
    const bob = await crm.customers.create({ name: 'Bob', organizationId: acme.id });
    const base = { pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title: 'x' };
    const deal = await crm.deals.create({
      ...base,
      contacts: [
        { customerId: ada.id, role: 'decision_maker', primary: true },
        { customerId: bob.id, role: 'champion' },
      ],
    });
    expect(deal.contacts).toEqual([
      { customerId: ada.id, role: 'decision_maker', primary: true },
      { customerId: bob.id, role: 'champion', primary: false },
    ]);
    const before = await stored(adapter, 'deals');
    const cases: [() => Promise<unknown>, string, (string | number)[]][] = [
      [() => crm.deals.create({ ...base, contacts: [{ customerId: 'nobody', role: 'champion' }] }), 'unknown_reference', ['contacts', 0, 'customerId']],
      [() => crm.deals.update(deal.id, (d) => void d.contacts.push({ customerId: 'ghost', role: 'influencer', primary: false })), 'unknown_reference', ['contacts', 2, 'customerId']],
      [() => crm.deals.update(deal.id, (d) => void d.contacts.push({ customerId: ada.id, role: 'influencer', primary: false })), 'custom', ['contacts', 2, 'customerId']],
      [() => crm.deals.update(deal.id, (d) => void (d.contacts[1]!.primary = true)), 'custom', ['contacts']],
      [() => crm.deals.update(deal.id, (d) => void (d.contacts[1]!.role = 'chief' as never)), 'invalid_value', ['contacts', 1, 'role']],
    ];
    for (const [call, code, path] of cases) {
      await expect(call()).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ code, path })] });
    }
    expect(await stored(adapter, 'deals')).toEqual(before);
  });
});
