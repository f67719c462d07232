// Property: whatever the role, scopes, subject and records, no read through
// crm.as(subject) (find, get, count, aggregate, history, scan) returns a record
// or a field the role does not allow, and no write outside it changes anything,
// on memory and SQLite. The oracle below is written from docs/access.md, not
// from the middleware.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import * as z from 'zod';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';
import { createCrm } from '../../src/crm.js';
import { isCrmError } from '../../src/storage/errors.js';
import type { AccessOperation, RoleInput } from '../../src/services/access/role-definition.js';

const customFields = { customers: z.object({ partnerId: z.string().optional(), notes: z.string().optional() }), interactions: z.object({ partnerId: z.string().optional() }) };
const users = ['u1', 'u2', 'u3'] as const;
const partners = ['p1', 'p2'] as const;
const collections = ['customers', 'interactions'] as const;
type Collection = (typeof collections)[number];

type ScopeInput = { kind: 'all' } | { kind: 'own' } | { kind: 'team' } | { kind: 'assigned'; field: 'ownerId' } | { kind: 'partner' } | { kind: 'shared' };
const scope: fc.Arbitrary<ScopeInput> = fc.constantFrom<ScopeInput>(
  { kind: 'all' },
  { kind: 'own' },
  { kind: 'team' },
  { kind: 'assigned', field: 'ownerId' },
  { kind: 'partner' },
  { kind: 'shared' },
);
const operations = fc.subarray<AccessOperation>(['read', 'create', 'update', 'delete'], { minLength: 1 });
/** Grants for one collection: either read-only ones with field rules, or any operations without. */
const grantsFor = (collection: Collection) =>
  fc.oneof(
    fc.array(fc.record({ collection: fc.constant(collection), operations, scopes: fc.array(scope, { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),
    fc.record({
      collection: fc.constant(collection),
      operations: fc.constant<AccessOperation[]>(['read']),
      scopes: fc.array(scope, { minLength: 1, maxLength: 2 }),
      fields: collection === 'customers'
        ? fc.record({ hidden: fc.subarray(['emails', 'custom.notes']), masked: fc.subarray(['phones']) })
        : fc.record({ hidden: fc.subarray(['subject']), masked: fc.constant([] as string[]) }),
    }).map((grant) => [grant]),
  );
const role = fc.tuple(grantsFor('customers'), grantsFor('interactions')).map(([a, b]): RoleInput => ({ name: 'generated', grants: [...a, ...b] }));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const customer = fc.record({ ownerId: optional(fc.constantFrom(...users)), partnerId: optional(fc.constantFrom(...partners)), emails: fc.boolean(), notes: fc.boolean() });
const interaction = fc.record({ customer: fc.nat(7), ownerId: optional(fc.constantFrom(...users)), partnerId: optional(fc.constantFrom(...partners)) });
const subject = fc.record({ actor: fc.constantFrom(...users), team: fc.subarray([...users]), partnerId: optional(fc.constantFrom(...partners)), shared: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]) });
const write = fc.oneof(
  fc.record({ op: fc.constant('update' as const), target: fc.nat(7), ownerId: optional(fc.constantFrom(...users)) }),
  fc.record({ op: fc.constant('delete' as const), target: fc.nat(7) }),
  fc.record({ op: fc.constant('create' as const), ownerId: optional(fc.constantFrom(...users)), partnerId: optional(fc.constantFrom(...partners)) }),
);

const adapters = [
  { name: 'memory', create: () => memoryAdapter(), runs: 60 },
  { name: 'sqlite', create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }), runs: 25 },
];

for (const { name, create, runs } of adapters) {
  test.prop([role, fc.array(customer, { minLength: 1, maxLength: 8 }), fc.array(interaction, { maxLength: 8 }), subject, fc.array(write, { maxLength: 4 })], { numRuns: runs })(
    `no read through crm.as returns what the role forbids, and no forbidden write changes anything (${name})`,
    async (roleInput, customerInputs, interactionInputs, subjectInput, writes) => {
      const crm = await createCrm({ adapter: create(), customFields });
      try {
        const stored: { id: string }[] = [];
        for (const [i, c] of customerInputs.entries()) {
          stored.push(
            await crm.customers.create({
              name: `C${i}`,
              ...(c.ownerId === undefined ? {} : { ownerId: c.ownerId }),
              ...(c.emails ? { emails: [`c${i}@example.com`] } : {}),
              phones: ['+442079460018'],
              custom: { ...(c.partnerId === undefined ? {} : { partnerId: c.partnerId }), ...(c.notes ? { notes: `secret ${i}` } : {}) },
            }),
          );
        }
        for (const [i, c] of interactionInputs.entries()) {
          await crm.interactions.create({
            customerId: stored[c.customer % stored.length]!.id,
            channel: 'email',
            kind: 'message',
            subject: `subject ${i}`,
            ...(c.ownerId === undefined ? {} : { ownerId: c.ownerId }),
            custom: c.partnerId === undefined ? {} : { partnerId: c.partnerId },
          });
        }
        const sharedIds = subjectInput.shared.filter((index) => index < stored.length).map((index) => stored[index]!.id);
        const who = {
          actor: { kind: 'user' as const, id: subjectInput.actor },
          role: roleInput,
          team: subjectInput.team,
          ...(subjectInput.partnerId === undefined ? {} : { partnerId: subjectInput.partnerId }),
          shared: { customers: sharedIds, interactions: [] },
        };
        // The oracle, from the role as data.
        const reaches = (collection: Collection, operation: AccessOperation, record: Record<string, any>): boolean =>
          roleInput.grants.some(
            (grant) =>
              grant.collection === collection &&
              grant.operations.includes(operation) &&
              (grant.scopes ?? [{ kind: 'all' }]).some((s) => {
                switch (s.kind) {
                  case 'all':
                    return true;
                  case 'own':
                  case 'assigned':
                    return record.ownerId === who.actor.id;
                  case 'team':
                    return record.ownerId !== undefined && who.team.includes(record.ownerId);
                  case 'partner':
                    return who.partnerId !== undefined && record.custom?.partnerId === who.partnerId;
                  case 'shared':
                    return collection === 'customers' && sharedIds.includes(record.id);
                }
              }),
          );
        const rules = (collection: Collection) => {
          const grants = roleInput.grants.filter((grant) => grant.collection === collection);
          return { hidden: grants.flatMap((g) => g.fields?.hidden ?? []), masked: grants.flatMap((g) => g.fields?.masked ?? []) };
        };
        const restricted = crm.as(who);

        const check = async () => {
          for (const collection of collections) {
            const all = (await crm[collection].find({ limit: 1000 })).items as unknown as Record<string, any>[];
            const visible = all.filter((record) => reaches(collection, 'read', record));
            const seen = (await restricted[collection].find({ limit: 1000 })).items as unknown as Record<string, any>[];
            expect(seen.map((r) => r.id)).toEqual(visible.map((r) => r.id));
            expect(await restricted[collection].count()).toBe(visible.length);
            const got = await restricted[collection].getMany(all.map((r) => r.id));
            expect(got.map((r) => r !== undefined)).toEqual(all.map((r) => reaches(collection, 'read', r)));
            const { hidden, masked } = rules(collection);
            for (const record of [...seen, ...got.filter((r) => r !== undefined)] as Record<string, any>[]) {
              const original = all.find((r) => r.id === record.id)!;
              if (hidden.includes('emails')) expect(record).not.toHaveProperty('emails');
              if (hidden.includes('custom.notes')) expect(record.custom ?? {}).not.toHaveProperty('notes');
              if (hidden.includes('subject')) expect(record).not.toHaveProperty('subject');
              if (masked.includes('phones')) expect(record.phones.every((p: string) => p === '***')).toBe(true);
              expect(record.ownerId).toEqual(original.ownerId);
            }
            const grouped = await restricted[collection].aggregate({ groupBy: ['ownerId'], measures: [{ name: 'n', fn: 'count' }] } as never);
            const expected = new Map<string | null, number>();
            for (const record of visible) expected.set(record.ownerId ?? null, (expected.get(record.ownerId ?? null) ?? 0) + 1);
            expect(new Map((grouped as { key: (string | null)[]; values: { n: number } }[]).map((row) => [row.key[0]!, row.values.n]))).toEqual(expected);
            let scanned = 0;
            for await (const batch of restricted[collection].scan({ batchSize: 3 })) scanned += batch.length;
            expect(scanned).toBe(visible.length);
          }
          const customers = (await crm.customers.find({ limit: 1000 })).items;
          for (const record of customers) {
            const entries = (await restricted.customers.history(record.id)).items;
            expect(entries.length > 0).toBe(reaches('customers', 'read', record));
            const text = JSON.stringify(entries);
            if (rules('customers').hidden.includes('emails')) expect(text).not.toContain('@example.com');
            if (rules('customers').hidden.includes('custom.notes')) expect(text).not.toContain('secret');
            if (rules('customers').masked.includes('phones')) expect(text).not.toContain('2079460018');
          }
        };
        await check();

        const snapshot = async () => JSON.stringify([(await crm.customers.find({ limit: 1000 })).items, (await crm.interactions.find({ limit: 1000 })).items, (await crm.changes.read({ limit: 1000 })).entries]);
        for (const w of writes) {
          const before = await snapshot();
          const all = (await crm.customers.find({ limit: 1000 })).items as unknown as Record<string, any>[];
          let allowed: boolean;
          let attempt: Promise<unknown>;
          if (w.op === 'create') {
            const record = { ownerId: w.ownerId, custom: w.partnerId === undefined ? {} : { partnerId: w.partnerId } };
            allowed = reaches('customers', 'create', record);
            attempt = restricted.customers.create({ name: 'New', ...(w.ownerId === undefined ? {} : { ownerId: w.ownerId }), custom: record.custom });
          } else {
            const target = all[w.target % all.length];
            if (target === undefined) continue;
            const visible = reaches('customers', 'read', target);
            if (w.op === 'update') {
              const after = { ...target, ...(w.ownerId === undefined ? {} : { ownerId: w.ownerId }) };
              allowed = visible && reaches('customers', 'update', target) && reaches('customers', 'update', after);
              attempt = restricted.customers.update(target.id, (draft: any) => {
                draft.tags.push('touched');
                if (w.ownerId !== undefined) draft.ownerId = w.ownerId;
              });
            } else {
              const referenced = (await crm.interactions.count({ field: 'customerId', op: 'eq', value: target.id })) > 0;
              allowed = visible && reaches('customers', 'delete', target) && !referenced;
              attempt = restricted.customers.delete(target.id);
            }
          }
          const outcome = await attempt.then(() => 'ok', (error: unknown) => error);
          if (allowed) expect(outcome).toBe('ok');
          else {
            expect(isCrmError(outcome, 'forbidden') || isCrmError(outcome, 'not_found') || isCrmError(outcome, 'conflict'), String(outcome)).toBe(true);
            expect(await snapshot()).toBe(before);
          }
        }
        await check();
      } finally {
        await crm.close();
      }
    },
  );
}
