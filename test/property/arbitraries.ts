/**
 * fast-check generators for differential and reference tests: random customers
 * of the conformance suite's crm (with its custom fields), random filters over
 * their fields with every operator, and random sorts. Values are drawn mostly
 * from small pools so that filters match, sorts tie and prefixes overlap, and
 * sometimes from the whole of Unicode (characters above U+FFFF, NUL, combining marks).
 */
import { fc } from '@fast-check/vitest';
import { ago, customerKinds, lifecycleStages, type CustomerInput, type Filter, type RelativeDate, type SortInput } from 'crmkit';
import type { ConformanceCustom } from 'crmkit/testing';

/** The type of a field a filter or sort may name. */
export type PropertyFieldType = 'string' | 'number' | 'boolean' | 'date' | 'string[]';

/** The operators each field type accepts (the documented table, written out independently). */
export const operatorsForType: Readonly<Record<PropertyFieldType, readonly string[]>> = {
  string: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'startsWith', 'endsWith', 'exists'],
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  date: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  boolean: ['eq', 'ne', 'in', 'nin', 'exists'],
  'string[]': ['contains', 'startsWith', 'in', 'nin', 'exists'],
};

/** Characters that make string order and matching interesting: case, accents, combining marks, U+FFFF and above, SQL and LIKE specials. */
export const interestingChars: readonly string[] = [
  'a', 'b', 'z', 'A', 'B', 'Z', '0', '9', ' ', 'é', 'e\u0301', 'ß', 'Ｚ', '\uFFFD', '\uE000', '😀', '𝔸', '\u{10FFFF}', '%', '_', "'", '"', '\\', ';', '-', '\u0000',
];

/** A string of up to `maxLength` characters: mostly from {@link interestingChars}, sometimes any code point. */
export const textArbitrary = (maxLength = 5): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.string({ unit: fc.constantFrom(...interestingChars), maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
  );

/** Strings that recur across records and filters so that equality and prefixes hit. */
export const stringPool: readonly string[] = ['', 'a', 'A', 'ab', 'b', 'é', 'e\u0301', '😀', 'Ｚ', 'gold', 'u1', 'vip', 'lead'];

/** The instant the generated records' clock starts at (the conformance suite's test clock). */
export const propertyClockStart = new Date('2025-01-01T00:00:00.000Z');

/**
 * Dates that recur: milliseconds either side of a boundary, dates before 1970,
 * and instants the clock reaches while records are created (so `createdAt` ties with them).
 */
export const datePool: readonly Date[] = [
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '2020-01-01T00:00:00.000Z',
  '2020-01-01T00:00:00.001Z',
  '2024-12-31T23:59:59.999Z',
  '2025-01-01T00:00:00.000Z',
  '2025-01-01T00:00:00.001Z',
  '2025-01-01T00:00:01.000Z',
  '2025-01-02T00:00:00.000Z',
  '2025-01-03T00:00:00.001Z',
].map((iso) => new Date(iso));

/** Numbers that recur: negative, zero, fractions, a large one. */
export const numberPool: readonly number[] = [-3, -1, -0.5, 0, 0.25, 1, 1.5, 2, 3, 1e9];

/** A finite number: small pool values (ties), sometimes any double. */
export const numberArbitrary: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...numberPool) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }) },
);

/** A valid Date: pool dates (ties), sometimes any date between 1900 and 2100. */
export const dateArbitrary: fc.Arbitrary<Date> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...datePool) },
  { weight: 1, arbitrary: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }) },
);

const stringArbitrary = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...stringPool) }, { weight: 1, arbitrary: textArbitrary() });
const nonBlank = (arbitrary: fc.Arbitrary<string>) => arbitrary.filter((s) => s.trim() !== '');
/** Tags that recur, differing by case and normalization only in places. */
export const tagPool: readonly string[] = ['vip', 'VIP', 'math', '😀', 'a;b', '%_', "it's", 'é', 'e\u0301'];
/** Email addresses records take. */
export const emailPool: readonly string[] = ['a@x.io', 'b@x.io', 'ada@example.com', 'zed@example.org'];
/** Owner ids records take. */
export const ownerPool: readonly string[] = ['u1', 'u2', 'u3', 'U1'];
/** The custom tier enum. */
export const tierPool = ['bronze', 'silver', 'gold'] as const;

const tagArbitrary = nonBlank(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...tagPool) }, { weight: 1, arbitrary: textArbitrary(4) }));
const emailArbitrary = fc.constantFrom(...emailPool);

/** A field a generated filter or sort names: its type and, where it has one, the values records take. */
export interface PropertyField {
  /** The dotted path. */
  readonly field: string;
  /** Its type. */
  readonly type: PropertyFieldType;
  /** Values that records hold, so that generated conditions match some records and not others. */
  readonly pool?: readonly (string | number | boolean | Date)[];
}

/** The customer fields the generated filters and sorts use, with their types and value pools. */
export const customerPropertyFields: readonly PropertyField[] = [
  { field: 'id', type: 'string' },
  { field: 'name', type: 'string', pool: stringPool },
  { field: 'firstName', type: 'string', pool: stringPool },
  { field: 'kind', type: 'string', pool: customerKinds },
  { field: 'lifecycleStage', type: 'string', pool: lifecycleStages },
  { field: 'ownerId', type: 'string', pool: ownerPool },
  { field: 'custom.tier', type: 'string', pool: tierPool },
  { field: 'custom.note', type: 'string', pool: stringPool },
  { field: 'custom.score', type: 'number', pool: numberPool },
  { field: 'version', type: 'number', pool: [1, 2] },
  { field: 'custom.vip', type: 'boolean' },
  { field: 'custom.since', type: 'date', pool: datePool },
  { field: 'createdAt', type: 'date', pool: datePool },
  { field: 'updatedAt', type: 'date', pool: datePool },
  { field: 'tags', type: 'string[]', pool: tagPool },
  { field: 'emails', type: 'string[]', pool: emailPool },
];

/** A valid `crm.customers.create` input of the conformance crm: every optional field sometimes absent. */
export const customerInputArbitrary: fc.Arbitrary<CustomerInput<ConformanceCustom>> = fc.record(
  {
    name: nonBlank(stringArbitrary),
    firstName: stringArbitrary,
    kind: fc.constantFrom(...customerKinds),
    lifecycleStage: fc.constantFrom(...lifecycleStages),
    ownerId: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ownerPool) }, { weight: 1, arbitrary: nonBlank(textArbitrary(3)) }),
    tags: fc.uniqueArray(tagArbitrary, { maxLength: 3 }),
    emails: fc.uniqueArray(emailArbitrary, { maxLength: 2 }),
    custom: fc.record(
      {
        tier: fc.constantFrom(...tierPool),
        score: numberArbitrary,
        vip: fc.boolean(),
        since: dateArbitrary,
        note: stringArbitrary,
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name'] },
);

/** One customer to create, and how far to move the clock first (0 makes timestamps tie). */
export interface GeneratedCustomer {
  /** The input to `create`. */
  readonly input: CustomerInput<ConformanceCustom>;
  /** Milliseconds to advance the clock before creating it. */
  readonly advanceMs: number;
}

/** Up to `maxLength` customers with clock steps between them. */
export const customersArbitrary = (maxLength = 25): fc.Arbitrary<GeneratedCustomer[]> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<GeneratedCustomer[]>([]) },
    {
      weight: 9,
      arbitrary: fc.array(fc.record({ input: customerInputArbitrary, advanceMs: fc.constantFrom(0, 0, 1, 1000, 86_400_000) }), { minLength: 1, maxLength, size: 'max' }),
    },
  );

/** A value of a field, as a filter compares with it: mostly from the field's pool, sometimes any value of its type. */
export const scalarValueArbitrary = (type: PropertyFieldType, pool?: PropertyField['pool']): fc.Arbitrary<string | number | boolean | Date> => {
  const any = anyValueArbitrary(type);
  return pool === undefined || pool.length === 0 ? any : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: any });
};

function anyValueArbitrary(type: PropertyFieldType): fc.Arbitrary<string | number | boolean | Date> {
  switch (type) {
    case 'string':
    case 'string[]':
      return stringArbitrary;
    case 'number':
      return numberArbitrary;
    case 'boolean':
      return fc.boolean();
    case 'date':
      return dateArbitrary;
  }
}

/** A piece of a string for contains / startsWith / endsWith: a pool value, or one or two characters. */
const needleArbitrary = (pool?: PropertyField['pool']): fc.Arbitrary<string> => {
  const strings = (pool ?? []).filter((v): v is string => typeof v === 'string');
  const pieces = strings.flatMap((v) => [v, Array.from(v)[0] ?? '', Array.from(v).at(-1) ?? '']);
  return pieces.length === 0 ? textArbitrary(2) : fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...pieces) }, { weight: 1, arbitrary: textArbitrary(2) });
};

/** A relative date a few seconds to days before the clock. */
export const relativeDateArbitrary: fc.Arbitrary<RelativeDate> = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((seconds) => ago({ seconds })),
  fc.integer({ min: 0, max: 3 }).map((days) => ago({ days })),
);

/** One condition over one of `fields`: an operator the type allows and a value of the type (a list for in / nin). */
export const conditionArbitrary = (
  fields: readonly PropertyField[] = customerPropertyFields,
  options: { readonly relativeDates?: boolean } = {},
): fc.Arbitrary<Filter> =>
  fc.constantFrom(...fields).chain(({ field, type, pool }) =>
    fc.constantFrom(...operatorsForType[type]).chain((op) => {
      const scalar =
        type === 'date' && options.relativeDates !== false
          ? fc.oneof({ weight: 4, arbitrary: scalarValueArbitrary(type, pool) }, { weight: 1, arbitrary: relativeDateArbitrary })
          : scalarValueArbitrary(type, pool);
      const value =
        op === 'exists'
          ? fc.boolean()
          : op === 'in' || op === 'nin'
            ? fc.array(scalar, { maxLength: 3 })
            : (type === 'string' && (op === 'contains' || op === 'startsWith' || op === 'endsWith')) || (type === 'string[]' && op === 'startsWith')
              ? needleArbitrary(pool)
              : scalar;
      return value.map((v) => ({ field, op, value: v }) as Filter);
    }),
  );

/** The parts of an and / or: sometimes none (all / nothing), mostly one to three. */
const junction = (part: fc.Arbitrary<Filter>): fc.Arbitrary<Filter[]> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant<Filter[]>([]) }, { weight: 6, arbitrary: fc.array(part, { minLength: 1, maxLength: 3 }) });

/** A filter nested up to `maxDepth` levels with and / or / not, including empty and / or. */
export const filterArbitrary = (
  fields: readonly PropertyField[] = customerPropertyFields,
  options: { readonly maxDepth?: number; readonly relativeDates?: boolean } = {},
): fc.Arbitrary<Filter> => {
  const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: options.maxDepth ?? 3, depthIdentifier: 'filter' },
      { weight: 4, arbitrary: conditionArbitrary(fields, options) },
      { weight: 2, arbitrary: junction(tie('filter')).map((and) => ({ and })) },
      { weight: 2, arbitrary: junction(tie('filter')).map((or) => ({ or })) },
      { weight: 1, arbitrary: tie('filter').map((not) => ({ not })) },
    ),
  }));
  return filter;
};

/** A sort of up to three distinct scalar fields, directions sometimes left to the default. */
export const sortArbitrary = (
  fields: readonly PropertyField[] = customerPropertyFields,
): fc.Arbitrary<SortInput> =>
  fc.uniqueArray(
    fc.record(
      { field: fc.constantFrom(...fields.filter((f) => f.type !== 'string[]').map((f) => f.field)), direction: fc.constantFrom('asc', 'desc') as fc.Arbitrary<'asc' | 'desc'> },
      { requiredKeys: ['field'] },
    ),
    { maxLength: 3, selector: (key) => key.field },
  );
