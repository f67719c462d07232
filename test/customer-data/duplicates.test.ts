// Duplicate detection: findDuplicates(id) from the indexes and the streaming whole-base scan, with scores and reasons.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, defaultDuplicateScore, duplicateFeatures, isCrmError, nameSimilarity, scoreDuplicate, type Crm } from 'crmkit';
import { customerDataAdapters } from './customer-data-adapters.js';

describe.each(customerDataAdapters)('duplicates on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  async function seed() {
    crm = await createCrm({ adapter: create(), defaultRegion: 'GB' });
    const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
    const [robert, bob, lovelace, adaTypo, grace, graceOther, edith, edithAtAcme, acmeTwin] = await crm.customers.createMany([
      { name: 'Robert Smith', emails: ['robert.smith@example.com'], phones: ['07700 900123'] },
      { name: 'Bob Smith', emails: ['Robert.Smith+shop@Example.com'] }, // nickname, plus-addressing, case
      { name: 'Ada Lovelace', addresses: [{ line1: '12 Analytical Row', city: 'London', postalCode: 'SW1A 1AA' }] },
      { name: 'Lovelase Ada', addresses: [{ line1: '12 Analytical Row', city: 'LONDON', postalCode: 'sw1a1aa' }] }, // swapped and a typo
      { name: 'Grace Hopper', phones: ['+44 7700 900456'], emails: ['grace@navy.example'] },
      { name: 'Grace Hopper', phones: ['+44 7700 900999'], emails: ['g.hopper@other.example'] }, // same name, nothing else: another person
      { name: 'Édith Piaf', organizationId: acme.id },
      { name: 'Edith Piaf', organizationId: acme.id }, // accents differ, same organization
      { kind: 'organization', name: 'Acme', phones: ['07700 900123'] }, // an organization never matches a person
    ]);
    return { robert: robert!, bob: bob!, lovelace: lovelace!, adaTypo: adaTypo!, grace: grace!, graceOther: graceOther!, edith: edith!, edithAtAcme: edithAtAcme!, acmeTwin: acmeTwin! };
  }

  it('finds the likely duplicates of one customer from the indexes, best first, with the reasons', async () => {
    const c = await seed();
    const ofRobert = await crm.customers.findDuplicates(c.robert.id);
    expect(ofRobert.map((d) => d.customer.id)).toEqual([c.bob.id]);
    expect(ofRobert[0]!.reasons).toEqual(['same_email', 'same_name']);
    expect(ofRobert[0]!.score).toBeGreaterThanOrEqual(0.9);
    const ofAda = await crm.customers.findDuplicates(c.lovelace.id);
    expect(ofAda.map((d) => [d.customer.id, d.reasons])).toEqual([[c.adaTypo.id, ['similar_name', 'same_address', 'same_city']]]);
    expect((await crm.customers.findDuplicates(c.edith.id)).map((d) => [d.customer.id, d.reasons])).toEqual([[c.edithAtAcme.id, ['same_name', 'same_organization']]]);
    expect(await crm.customers.findDuplicates(c.grace.id)).toEqual([]);
    const loose = await crm.customers.findDuplicates(c.grace.id, { minScore: 0.1 });
    expect(loose.map((d) => d.customer.id)).toEqual([c.graceOther.id]);
    expect(loose[0]!.score).toBeLessThan(defaultDuplicateScore);
  });

  it('streams every likely pair of the base once, the smaller id first', async () => {
    const c = await seed();
    const pairs = [];
    for await (const pair of crm.customers.duplicateCandidates()) pairs.push(pair);
    const key = (ids: readonly string[]) => [...ids].sort().join('|');
    expect(pairs.map((p) => key(p.ids)).sort()).toEqual([key([c.robert.id, c.bob.id]), key([c.lovelace.id, c.adaTypo.id]), key([c.edith.id, c.edithAtAcme.id])].sort());
    for (const pair of pairs) expect(pair.ids[0] < pair.ids[1]).toBe(true);
    const all = [];
    for await (const pair of crm.customers.duplicateCandidates({ minScore: 0 })) all.push(key(pair.ids));
    expect(new Set(all).size).toBe(all.length);
  });

  it('refuses bad options with a typed error', async () => {
    const c = await seed();
    for (const bad of [{ minScore: 2 }, { minScore: Number.NaN }, { maxBlockSize: 1 }]) {
      const error = await crm.customers.findDuplicates(c.robert.id, bad).catch((e: unknown) => e);
      expect(isCrmError(error) && error.code === 'invalid_query', JSON.stringify(bad)).toBe(true);
      const scan = await (async () => {
        for await (const _ of crm.customers.duplicateCandidates(bad)) return 'yielded';
      })().catch((e: unknown) => e);
      expect(isCrmError(scan) && scan.code === 'invalid_query').toBe(true);
    }
    const missing = await crm.customers.findDuplicates('no-such-id').catch((e: unknown) => e);
    expect(isCrmError(missing) && missing.code === 'not_found').toBe(true);
  });
});

describe('duplicate scores', () => {
  const person = (name: string, more: Partial<Parameters<typeof duplicateFeatures>[0]> = {}) =>
    duplicateFeatures({ id: name, kind: 'person', name, emails: [], phones: [], addresses: [], ...more });

  it('read swapped names, nicknames, accents and case as the same name', () => {
    expect(nameSimilarity(person('Robert Smith').nameWords, person('SMITH, Bob').nameWords)).toBe(1);
    expect(nameSimilarity(person('Édith Piaf').nameWords, person('edith piaf').nameWords)).toBe(1);
    expect(nameSimilarity(person('Ada Lovelace').nameWords, person('Ada Lovelase').nameWords)).toBeGreaterThan(0.85);
    expect(nameSimilarity(person('Ada Lovelace').nameWords, person('Grace Hopper').nameWords)).toBeLessThan(0.5);
  });

  it('weigh evidence against a match', () => {
    const a = person('Grace Hopper', { emails: ['a@x.io'] });
    const b = person('Grace Hopper', { emails: ['b@y.io'] });
    expect(scoreDuplicate(a, b).score).toBeLessThan(scoreDuplicate(person('Grace Hopper'), person('Grace Hopper')).score);
    expect(scoreDuplicate(person('Ada', { emails: ['a@x.io'] }), person('Zed Q', { emails: ['a@x.io'] })).score).toBeLessThan(0.5);
    expect(scoreDuplicate(person('Acme', { kind: 'organization' }), person('Acme')).score).toBe(0);
  });
});
