/**
 * Type tests: filters and sorts are checked against the model at compile time.
 * `npm run typecheck` checks this file; nothing here runs (the calls sit in a
 * function that is never called). Every `@ts-expect-error` line must fail to
 * compile: if one compiled, tsc would report the directive as unused.
 * The same forms run on the memory adapter in `typed-queries.test.ts`.
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  ago,
  fromNow,
  where,
  type Condition,
  type Crm,
  type CustomFieldSchemas,
  type Customer,
  type Filter,
  type FilterOperator,
  type ModelFilter,
  type ModelPath,
  type ReadonlyRecord,
  type SortInput,
} from 'crmkit';

const customFields = {
  customers: z.object({
    loyaltyTier: z.enum(['bronze', 'silver', 'gold']).optional(),
    shoeSize: z.number().optional(),
    newsletter: z.boolean().optional(),
    labels: z.array(z.string()).optional(),
    lastSeenAt: z.date().optional(),
  }),
};

declare const crm: Crm<typeof customFields>;
declare const plain: Crm;

export async function filtersCompileWhenTheyFitTheModel(): Promise<void> {
  // the README's query
  await crm.customers.find({
    where: where.and(where('tags', 'contains', 'vip'), where('updatedAt', 'gte', ago({ days: 30 }))),
    sort: [{ field: 'name', direction: 'asc' }],
    limit: 50,
  });
  await crm.customers.find({ where: where('name', 'startsWith', 'Ada') });
  await crm.customers.find({ where: where('lifecycleStage', 'in', ['lead', 'customer']) });
  await crm.customers.find({ where: where('emails', 'in', ['ada@example.com']) });
  await crm.customers.find({ where: where('organizationId', 'exists', false) });
  await crm.customers.find({ where: where('consent.email.status', 'eq', 'granted') });
  await crm.customers.find({ where: where.or(where('version', 'gt', 1), where.not(where('kind', 'eq', 'organization'))) });
  await crm.interactions.count(where('occurredAt', 'lt', fromNow({ hours: 4 })));
  await crm.interactions.count(where('purchase.amount', 'gte', 1000));
  await crm.deals.count(where('status', 'ne', 'lost'));
  await crm.cases.count(where('priority', 'in', ['high', 'urgent']));
  await crm.pipelines.count(where('archived', 'eq', false));
  await crm.customers.count();
  // custom fields declared by the host are paths of the model, with their types
  await crm.customers.find({ where: where('custom.loyaltyTier', 'eq', 'gold') });
  await crm.customers.find({ where: where('custom.shoeSize', 'lte', 44) });
  await crm.customers.find({ where: where('custom.newsletter', 'eq', true) });
  await crm.customers.find({ where: where('custom.labels', 'contains', 'wholesale') });
  await crm.customers.find({ where: where('custom.lastSeenAt', 'gte', ago({ days: 7 })) });
  await crm.customers.find({ sort: [{ field: 'custom.shoeSize', direction: 'desc' }, { field: 'createdAt' }] });
  // plain objects are checked the same way
  await crm.customers.find({ where: { field: 'tags', op: 'contains', value: 'vip' } });
  await crm.customers.find({ where: { and: [{ field: 'name', op: 'eq', value: 'Ada' }, { not: { field: 'tags', op: 'exists', value: true } }] } });
  await crm.customers.find({ where: { or: [] } });
  // related filters compile beside checked conditions (their inner filter is checked when the query runs)
  await crm.customers.find({
    where: where.and(
      where('lifecycleStage', 'eq', 'customer'),
      where.related('interactions', { where: where('kind', 'eq', 'purchase'), having: { fn: 'count', op: 'gte', value: 3 } }),
      where.not(where.inSegment('s1')),
    ),
  });
}

export async function misspellingsAndWrongTypesDoNotCompile(): Promise<void> {
  // @ts-expect-error 'tgas' is not a field of customers
  await crm.customers.find({ where: where('tgas', 'contains', 'vip') });
  // @ts-expect-error string[] fields take contains / in / nin / exists, not gt
  await crm.customers.find({ where: where('tags', 'gt', 3) });
  // @ts-expect-error a name is a string, not a number
  await crm.customers.find({ where: where('name', 'eq', 42) });
  // @ts-expect-error a typo beside a related filter is still found
  await crm.customers.find({ where: where.and(where.related('interactions', {}), where('lifecycleStag', 'eq', 'lead')) });
  // @ts-expect-error a having takes one of the closed functions
  await crm.customers.count(where.related('interactions', { having: { fn: 'avg', op: 'gt', value: 1 } }));
  // @ts-expect-error a typo nested inside and() is found too
  await crm.customers.find({ where: where.and(where('name', 'eq', 'Ada'), where('lifecycleStag', 'eq', 'lead')) });
  // @ts-expect-error ... and inside not()
  await crm.customers.count(where.not(where('tgas', 'exists', true)));
  // @ts-expect-error 'churnd' is not a lifecycle stage
  await crm.customers.find({ where: where('lifecycleStage', 'eq', 'churnd') });
  // @ts-expect-error lt / gt do not apply to booleans
  await crm.pipelines.count(where('archived', 'lt', true));
  // startsWith on a string array: an element's prefix
  await crm.customers.find({ where: where('tags', 'startsWith', 'v') });
  // @ts-expect-error endsWith is for strings only
  await crm.customers.find({ where: where('tags', 'endsWith', 'v') });
  // @ts-expect-error startsWith is for strings only, not numbers
  await crm.interactions.count(where('purchase.amount', 'startsWith', '1'));
  // @ts-expect-error contains is not a number operator
  await crm.interactions.count(where('purchase.amount', 'contains', 1));
  // @ts-expect-error a date compares with a Date or ago(...), not a string
  await crm.customers.find({ where: where('updatedAt', 'gte', '2024-01-01') });
  // @ts-expect-error ago(...) is a date: not for a number field
  await crm.interactions.count(where('purchase.amount', 'gte', ago({ days: 1 })));
  // @ts-expect-error in takes a list
  await crm.customers.find({ where: where('name', 'in', 'Ada') });
  // @ts-expect-error exists takes a boolean
  await crm.customers.find({ where: where('name', 'exists', 'yes') });
  // @ts-expect-error arrays of objects (addresses) are not filterable
  await crm.customers.find({ where: where('addresses', 'exists', true) });
  // @ts-expect-error an object (purchase) is not a field; its leaves are
  await crm.interactions.count(where('purchase', 'exists', true));
  // @ts-expect-error a plain object literal is checked like where()
  await crm.customers.find({ where: { field: 'tgas', op: 'contains', value: 'vip' } });
  // @ts-expect-error a custom field typo under the host's schema
  await crm.customers.find({ where: where('custom.loyaltyTeir', 'eq', 'gold') });
  // @ts-expect-error a custom field's value of the wrong type
  await crm.customers.find({ where: where('custom.shoeSize', 'eq', '44') });
  // @ts-expect-error an enum custom field takes its members
  await crm.customers.find({ where: where('custom.loyaltyTier', 'eq', 'platinum') });
  // @ts-expect-error without a host schema, custom fields are free JSON and not filterable
  await plain.customers.find({ where: where('custom.loyaltyTier', 'eq', 'gold') });
  // @ts-expect-error a sort on an unknown field
  await crm.customers.find({ sort: [{ field: 'nmae', direction: 'asc' }] });
  // @ts-expect-error a sort on a string[] field
  await crm.customers.find({ sort: [{ field: 'tags' }] });
  // @ts-expect-error a sort on an unknown custom field
  await crm.customers.find({ sort: [{ field: 'custom.shoeSiz' }] });
  // @ts-expect-error scan's options are checked too
  crm.customers.scan({ where: where('tgas', 'contains', 'vip') });
  // @ts-expect-error an unknown option (a typo of limit)
  await crm.customers.find({ where: where('name', 'eq', 'Ada'), limt: 5 });
}

export async function filtersBuiltAtRunTimeStillCompile(field: string, op: FilterOperator, value: string): Promise<void> {
  // a field held in a string: checked when the query runs (invalid_query if it does not fit)
  await crm.customers.find({ where: where(field, op, value) });
  await crm.customers.find({ where: { field, op: 'eq', value } });
  const saved: Filter = JSON.parse('{"field":"tags","op":"contains","value":"vip"}') as Filter;
  await crm.customers.find({ where: saved });
  await crm.customers.count(saved);
  await crm.customers.find({ where: where.and(saved, where('name', 'eq', 'Ada')) });
  const conditions: Condition[] = [{ field: 'tags', op: 'contains', value: 'vip' }];
  await crm.customers.find({ where: { and: conditions } });
  const maybe: Filter | undefined = undefined;
  await crm.customers.count(maybe);
  const sort: SortInput = [{ field, direction: 'desc' }];
  await crm.customers.find({ sort });
  // a typed helper function
  const recentVips = (days: number): ModelFilter<ReadonlyRecord<Customer>> =>
    where.and(where('tags', 'contains', 'vip'), where('updatedAt', 'gte', ago({ days })));
  await plain.customers.find({ where: recentVips(30) });
}

export async function genericCodeOverTheHostsSchemas<S extends CustomFieldSchemas>(generic: Crm<S>): Promise<void> {
  // the model's own fields are checked even where the custom fields are a type parameter
  await generic.customers.find({ where: where('name', 'eq', 'Ada'), sort: [{ field: 'name' }] });
  await generic.customers.count(where('tags', 'contains', 'vip'));
  const rows = await generic.interactions.aggregate({ groupBy: ['customerId'], measures: [{ name: 'n', fn: 'count' }] });
  expectTypeOf(rows[0]!.values.n).toEqualTypeOf<number>();
  // @ts-expect-error a typo still fails
  await generic.customers.count(where('tgas', 'contains', 'vip'));
  // @ts-expect-error and so does a wrong value type
  await generic.customers.count(where('name', 'eq', 42));
}

export function pathsAreTheModelsFields(): void {
  expectTypeOf<'custom.loyaltyTier'>().toExtend<ModelPath<Customer<z.output<typeof customFields.customers>>>>();
  expectTypeOf<'consent.email.at'>().toExtend<ModelPath<Customer>>();
  expectTypeOf<'tgas'>().not.toExtend<ModelPath<Customer>>();
  expectTypeOf<'addresses'>().not.toExtend<ModelPath<Customer>>();
  expectTypeOf<'custom.anything'>().not.toExtend<ModelPath<Customer>>();
  expectTypeOf(where('tags', 'contains', 'vip')).toEqualTypeOf<Condition<'vip', 'tags', 'contains'>>();
}
