import * as z from 'zod';
import type { Crm } from '../crm.js';
import type { Customer, CustomerInput } from '../schema/customer.js';
import type { ReadonlyRecord } from '../services/readonly-record.js';

/**
 * The custom fields the suite declares: on customers one optional field of each
 * filterable type; on campaign members two required ones (with defaults, so
 * every write through the crm has them), which the suite also stores without
 * them, straight through the adapter, to hold adapters to data the catalogue
 * does not guarantee.
 */
export const conformanceCustomFields = {
  customers: z.strictObject({
    tier: z.enum(['bronze', 'silver', 'gold']).optional(),
    score: z.number().optional(),
    vip: z.boolean().optional(),
    since: z.date().optional(),
    note: z.string().optional(),
    /** Unique (see {@link conformanceUnique}): the key of the upsert cases. */
    externalId: z.string().optional(),
  }),
  campaignMembers: z.strictObject({
    label: z.string().default('none'),
    labels: z.array(z.string()).default([]),
  }),
};

/** The unique fields of the suite's crm: `createCrm({ unique: conformanceUnique })`. */
export const conformanceUnique = { customers: ['custom.externalId'] } as const;

/** The name of the unique index over `custom.externalId`. */
export const externalIdIndex = 'customers_unique_custom_externalId';

/** The custom fields' type. */
export type ConformanceCustom = z.output<(typeof conformanceCustomFields)['customers']>;

/** A customer of the suite's crm. */
export type ConformanceCustomer = ReadonlyRecord<Customer<ConformanceCustom>>;

/**
 * The people the operator, logic, sort and pagination tests run on, keyed by a
 * one-letter label, in creation order (so `id` order is label order A T G E M Z F B).
 * They cover absent fields, ties, case, accents, characters above U+FFFF, an
 * empty string, negative and huge numbers, and SQL's special characters.
 */
export const seedPeople = {
  A: {
    name: 'Ada Lovelace',
    firstName: 'Ada',
    emails: ['ada@example.com'],
    tags: ['vip', 'math'],
    lifecycleStage: 'customer',
    ownerId: 'u1',
    custom: { tier: 'gold', score: 90, vip: true, since: new Date('2020-01-01T00:00:00.000Z'), note: 'first' },
  },
  T: {
    name: 'alan turing',
    tags: ['math'],
    lifecycleStage: 'lead',
    ownerId: 'u2',
    custom: { tier: 'silver', score: 75.5, vip: false, since: new Date('2021-06-01T00:00:00.000Z') },
  },
  G: {
    name: 'Grace Hopper',
    lifecycleStage: 'customer',
    custom: { tier: 'bronze', score: -3, since: new Date('2019-12-31T23:59:59.999Z') },
  },
  E: { name: 'Édith Piaf', tags: ['vip'], lifecycleStage: 'evangelist', ownerId: 'u1', custom: { score: 0, note: 'ümlaut' } },
  M: { kind: 'organization', name: '😀 Emoji Co', tags: ['😀'], lifecycleStage: 'other', custom: { tier: 'gold', score: 1e9, note: '' } },
  Z: {
    name: `Zed "Quote" O'Brien; --`,
    tags: ["it's", 'a;b', '%_'],
    lifecycleStage: 'churned',
    ownerId: 'u3',
    custom: { note: '50%_off\\' },
  },
  F: { name: 'Ｚenkaku', lifecycleStage: 'qualified' },
  B: { name: 'Bob', lifecycleStage: 'lead' },
} as const satisfies Record<string, CustomerInput<ConformanceCustom>>;

/** A label of {@link seedPeople}. */
export type SeedLabel = keyof typeof seedPeople;

/** The labels in creation order. */
export const seedLabels = Object.keys(seedPeople) as SeedLabel[];

/** The seeded customers by label, and the label of each id. */
export interface Seeded {
  /** The stored customer of each label. */
  readonly byLabel: Readonly<Record<SeedLabel, ConformanceCustomer>>;
  /** The labels of a list of customers, in order. */
  labelsOf(records: readonly { id: string }[]): string[];
}

/**
 * Creates {@link seedPeople} one by one (so ids ascend in label order).
 *
 * @example
 * ```ts
 * const { labelsOf } = await seedCustomers(crm);
 * labelsOf((await crm.customers.find({ where })).items); // ['A', 'E']
 * ```
 */
export async function seedCustomers(crm: Crm<typeof conformanceCustomFields>): Promise<Seeded> {
  const byLabel = {} as Record<SeedLabel, ConformanceCustomer>;
  const labelById = new Map<string, string>();
  for (const label of seedLabels) {
    const record = await crm.customers.create(seedPeople[label] as CustomerInput<ConformanceCustom>);
    byLabel[label] = record;
    labelById.set(record.id, label);
  }
  return { byLabel, labelsOf: (records) => records.map((r) => labelById.get(r.id) ?? `?${r.id}`) };
}
