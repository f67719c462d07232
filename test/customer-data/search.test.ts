// crm.customers.search: what a support agent types finds the customer, on every adapter, from the list index.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, where, type Crm } from 'crmkit';
import { customerDataAdapters } from './customer-data-adapters.js';

describe.each(customerDataAdapters)('customer search on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  async function seed() {
    crm = await createCrm({ adapter: create(), defaultRegion: 'GB' });
    const acme = await crm.customers.create({ kind: 'organization', name: 'Acme Gläser GmbH', emails: ['info@ag.example'] });
    const ada = await crm.customers.create({
      name: 'Ada Lovelace',
      emails: ['Ada.Lovelace+crm@Example.com'],
      phones: ['020 7946 0018'],
      organizationId: acme.id,
    });
    const edith = await crm.customers.create({ name: 'Édith Piaf', emails: ['edith@chanson.fr'], phones: ['+33 1 42 68 53 00'] });
    const strasse = await crm.customers.create({ name: 'Jürgen Straße', firstName: 'Jürgen', lastName: 'Straße' });
    const adam = await crm.customers.create({ name: 'Adam Smith', emails: ['adam@smith.example'] });
    return { acme, ada, edith, strasse, adam };
  }
  const names = (page: { items: readonly { customer: { name: string } }[] }) => page.items.map((hit) => hit.customer.name);

  it('finds by a name prefix, case- and accent-insensitively, best fit first', async () => {
    const { ada, adam } = await seed();
    expect(names(await crm.customers.search('ada'))).toEqual(['Ada Lovelace', 'Adam Smith']);
    expect(names(await crm.customers.search('ADA LOV'))).toEqual(['Ada Lovelace']);
    expect(names(await crm.customers.search('edith'))).toEqual(['Édith Piaf']);
    expect(names(await crm.customers.search('ÉDI'))).toEqual(['Édith Piaf']);
    expect(names(await crm.customers.search('strasse'))).toEqual(['Jürgen Straße']);
    expect(names(await crm.customers.search('jurg'))).toEqual(['Jürgen Straße']);
    const [first, second] = (await crm.customers.search('ada')).items;
    expect(first!.customer.id).toBe(ada.id);
    expect(second!.customer.id).toBe(adam.id);
    expect(first!.score).toBeGreaterThan(second!.score);
  });

  it('finds by email, whole or in part, whatever its case, and by plus-address tag', async () => {
    await seed();
    expect(names(await crm.customers.search('ada.lovelace+crm@example.com'))).toEqual(['Ada Lovelace']);
    expect(names(await crm.customers.search('ADA.LOVELACE@'))).toEqual(['Ada Lovelace']); // the address without its tag
    expect(names(await crm.customers.search('ada.lovelace@example.com'))).toEqual(['Ada Lovelace']);
    expect(names(await crm.customers.search('Ada.Love'))).toEqual(['Ada Lovelace']);
    expect(names(await crm.customers.search('chanson'))).toEqual(['Édith Piaf']); // the domain
    expect(names(await crm.customers.search('hanson'))).toEqual([]); // prefixes, not substrings
    expect(names(await crm.customers.search('chanson.fr'))).toEqual(['Édith Piaf']);
    expect(names(await crm.customers.search('edith@chan'))).toEqual(['Édith Piaf']);
  });

  it('finds a phone number in any format, national ones in the default region', async () => {
    await seed();
    for (const typed of ['020 7946 0018', '+44 20 7946 0018', '+44 (0)20 7946 0018'.replace('(0)', ''), '02079460018', '442079460018', '020 794', '2079']) {
      expect(names(await crm.customers.search(typed)), typed).toEqual(['Ada Lovelace']);
    }
    expect(names(await crm.customers.search('+33 1 42 68'))).toEqual(['Édith Piaf']);
    expect(names(await crm.customers.search('01 42 68 53 00'))).toEqual(['Édith Piaf']); // French national form, as digits
    expect(names(await crm.customers.search('7946'))).toEqual([]); // a number is found from its start
  });

  it("finds an organization's people by the organization's name, below the organization", async () => {
    const { acme } = await seed();
    expect(names(await crm.customers.search('acme'))).toEqual(['Acme Gläser GmbH', 'Ada Lovelace']);
    expect(names(await crm.customers.search('glaser'))).toEqual(['Acme Gläser GmbH', 'Ada Lovelace']);
    expect(names(await crm.customers.search('ada acme'))).toEqual(['Ada Lovelace']);
    // A renamed organization is found by its new name, with its people.
    await crm.customers.update(acme.id, (draft) => void (draft.name = 'Zenith Ltd'));
    expect(names(await crm.customers.search('acme'))).toEqual([]);
    expect(names(await crm.customers.search('zenith'))).toEqual(['Zenith Ltd', 'Ada Lovelace']);
  });

  it('keeps the keys up to date on updates, and pages with one cursor without repeats', async () => {
    await seed();
    const many = Array.from({ length: 25 }, (_, i) => ({ name: `Zoë Number ${String(i).padStart(2, '0')}` }));
    await crm.customers.createMany(many);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await crm.customers.search('zoe', { limit: 10, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...names(page));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(many.map((m) => m.name));
    const [zoe] = (await crm.customers.search('zoe number 07')).items;
    await crm.customers.update(zoe!.customer.id, (draft) => void (draft.name = 'Renamed Person'));
    expect(names(await crm.customers.search('zoe number 07'))).toEqual([]);
    expect(names(await crm.customers.search('renamed'))).toEqual(['Renamed Person']);
  });

  it('finds nothing for an empty text, and refuses bad options with a typed error', async () => {
    await seed();
    expect((await crm.customers.search('   ')).items).toEqual([]);
    expect((await crm.customers.search('--')).items).toEqual([]);
    for (const bad of [
      () => crm.customers.search('ada', { limit: 0 }),
      () => crm.customers.search('ada', { limit: 101 }),
      () => crm.customers.search('ada', { cursor: 'not-a-cursor' }),
      () => crm.customers.search(42 as never),
      () => crm.customers.search('x'.repeat(501)),
    ]) {
      const error = await bad().catch((e: unknown) => e);
      expect(isCrmError(error) && error.code === 'invalid_query', String(error)).toBe(true);
    }
  });

  it('normalizes filter values on normalized fields as the stored values are', async () => {
    const { ada } = await seed();
    const ids = async (filter: Parameters<typeof crm.customers.count>[0]) => (await crm.customers.find({ where: filter })).items.map((c) => c.id);
    expect(await ids(where('emails', 'contains', ' Ada.Lovelace+CRM@Example.com '))).toEqual([ada.id]);
    expect(await ids(where('emails', 'in', ['ADA.LOVELACE+crm@example.com']))).toEqual([ada.id]);
    expect(await ids(where('phones', 'contains', '020 7946 0018'))).toEqual([ada.id]);
    expect(await ids(where('phones', 'contains', '+44 20 7946 0018'))).toEqual([ada.id]);
    expect(await ids(where.not(where('phones', 'contains', '020 7946 0018')))).not.toContain(ada.id);
    expect(await ids(where('searchKeys', 'startsWith', 'LOVÉ'))).toEqual([ada.id]);
    expect(await crm.customers.count(where('emails', 'contains', 'ADA.LOVELACE+CRM@EXAMPLE.COM'))).toBe(1);
  });

  it('stores national numbers in E.164 under a default region, and refuses them without one', async () => {
    const { ada } = await seed();
    expect((await crm.customers.get(ada.id)).phones).toEqual(['+442079460018']);
    const updated = await crm.customers.update(ada.id, (draft) => void draft.phones.push('07700 900123'));
    expect(updated.phones).toEqual(['+442079460018', '+447700900123']);
    const plain = await createCrm({ adapter: create() });
    const error = await plain.customers.create({ name: 'X', phones: ['020 7946 0018'] }).catch((e: unknown) => e);
    expect(isCrmError(error) && error.code === 'validation').toBe(true);
    expect(await plain.customers.count()).toBe(0);
    await plain.close();
    const bad = await createCrm({ adapter: create(), defaultRegion: 'XX' }).catch((e: unknown) => e);
    expect(isCrmError(bad) && bad.code === 'validation').toBe(true);
  });

  it('keeps search keys out of reach of recipes and inputs', async () => {
    const { ada } = await seed();
    const error = await crm.customers.update(ada.id, (draft) => void (draft as { searchKeys: string[] }).searchKeys.push('x')).catch((e: unknown) => e);
    expect(isCrmError(error) && error.code === 'validation').toBe(true);
    const created = await crm.customers.create({ name: 'X', searchKeys: ['hack'] } as never).catch((e: unknown) => e);
    expect(isCrmError(created) && created.code === 'validation').toBe(true);
    expect((await crm.customers.get(ada.id)).searchKeys).not.toContain('x');
  });
});
