/**
 * Type tests: aggregate group keys and measures are checked against the model,
 * and the rows are typed from the measures. Checked by `npm run typecheck`;
 * nothing here runs. Every `@ts-expect-error` line must fail to compile.
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { where, type AggregateGroupKey, type AggregateMeasure, type AggregateRow, type Crm } from 'crmkit';

const customFields = {
  interactions: z.object({ store: z.enum(['online', 'retail']).optional(), basketSize: z.number().optional() }),
};

declare const crm: Crm<typeof customFields>;

export async function rowsAreTypedFromTheMeasures(): Promise<void> {
  const rows = await crm.interactions.aggregate({
    where: where('kind', 'eq', 'purchase'),
    groupBy: ['customerId', { field: 'occurredAt', bucket: 'week' }, 'custom.store'],
    measures: [
      { name: 'orders', fn: 'count' },
      { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
      { name: 'lastOrderAt', fn: 'max', field: 'occurredAt' },
      { name: 'firstCurrency', fn: 'min', field: 'purchase.currency' },
      { name: 'biggestBasket', fn: 'max', field: 'custom.basketSize' },
      { name: 'withSubject', fn: 'count', field: 'subject' },
    ],
  });
  const row = rows[0]!;
  expectTypeOf(row.values.orders).toEqualTypeOf<number>();
  expectTypeOf(row.values.revenue).toEqualTypeOf<number>();
  expectTypeOf(row.values.lastOrderAt).toEqualTypeOf<Date | null>();
  expectTypeOf(row.values.firstCurrency).toEqualTypeOf<string | null>();
  expectTypeOf(row.values.biggestBasket).toEqualTypeOf<number | null>();
  expectTypeOf(row.values.withSubject).toEqualTypeOf<number>();
  expectTypeOf(row.key).toEqualTypeOf<readonly [string | null, Date | null, 'online' | 'retail' | null]>();
  // @ts-expect-error unknown measure names are errors
  void row.values.revnue;
  // a typed row is still an AggregateRow
  expectTypeOf(row).toExtend<AggregateRow>();

  // the streaming form gives the same rows
  for await (const streamed of crm.interactions.aggregateStream({ groupBy: [], measures: [{ name: 'n', fn: 'count' }] })) {
    expectTypeOf(streamed.values.n).toEqualTypeOf<number>();
    expectTypeOf(streamed.key).toEqualTypeOf<readonly []>();
  }
  // custom fields of other models and enums in keys
  const byStage = await crm.deals.aggregate({ groupBy: ['status'], measures: [{ name: 'value', fn: 'sum', field: 'amount' }] });
  expectTypeOf(byStage[0]!.key).toEqualTypeOf<readonly ['open' | 'won' | 'lost' | null]>();
}

export async function misspelledKeysAndMeasuresDoNotCompile(): Promise<void> {
  // @ts-expect-error groupBy on an unknown field
  await crm.customers.aggregate({ groupBy: ['nope'], measures: [{ name: 'n', fn: 'count' }] });
  // @ts-expect-error groupBy on a string[] field
  await crm.customers.aggregate({ groupBy: ['tags'], measures: [{ name: 'n', fn: 'count' }] });
  // @ts-expect-error a bucket on a field that is not a date
  await crm.interactions.aggregate({ groupBy: [{ field: 'customerId', bucket: 'day' }], measures: [] });
  // @ts-expect-error sum of a string field
  await crm.customers.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'sum', field: 'name' }] });
  // @ts-expect-error sum of a date field
  await crm.interactions.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'sum', field: 'occurredAt' }] });
  // @ts-expect-error max of a boolean field
  await crm.pipelines.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'max', field: 'archived' }] });
  // @ts-expect-error a measure on an unknown field
  await crm.interactions.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'sum', field: 'purchase.amout' }] });
  // @ts-expect-error sum needs a field
  await crm.interactions.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'sum' }] });
  // @ts-expect-error a custom field typo under the host's schema
  await crm.interactions.aggregate({ groupBy: ['custom.stor'], measures: [] });
  // @ts-expect-error the filter is checked too
  await crm.interactions.aggregate({ where: where('knd', 'eq', 'purchase'), groupBy: [], measures: [] });
}

export async function aggregatesBuiltAtRunTimeStillCompile(field: string, groupBy: AggregateGroupKey[], measures: AggregateMeasure[]): Promise<void> {
  const rows = await crm.interactions.aggregate({ groupBy, measures });
  expectTypeOf(rows[0]!.values).toEqualTypeOf<Readonly<Record<string, number | Date | string | null>>>();
  await crm.interactions.aggregate({ groupBy: [field], measures: [{ name: 'total', fn: 'sum', field }] });
}
