import * as z from 'zod';

const knownCurrencies = new Set(
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [],
);

/**
 * An ISO 4217 currency code such as `EUR`, upper-cased. Codes the runtime's
 * `Intl` does not know are rejected.
 *
 * @example
 * ```ts
 * currencyCodeSchema.parse('usd'); // 'USD'
 * ```
 */
export const currencyCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'a currency is a three-letter ISO 4217 code')
  .refine((code) => knownCurrencies.size === 0 || knownCurrencies.has(code), {
    message: 'unknown ISO 4217 currency code',
  });

/** An amount of money in integer minor units (cents for USD, yen for JPY). Never a float. */
export const minorUnitsSchema = z.number().int('money is an integer number of minor units').refine(Number.isSafeInteger, {
  message: 'amount is beyond the safe integer range',
});

/**
 * An amount of money that is never negative, in integer minor units: prices,
 * order totals, deal values, budgets. A refund is recorded as its own
 * interaction kind (`refund`) with a positive amount, never as a negative one.
 *
 * @example
 * ```ts
 * nonNegativeMinorUnitsSchema.safeParse(-1).success; // false (issue code `negative_amount` in a crm)
 * ```
 */
export const nonNegativeMinorUnitsSchema = minorUnitsSchema.refine((amount) => amount >= 0, {
  message: 'an amount is never negative (record a refund as an interaction of kind "refund" with a positive amount)',
  params: { code: 'negative_amount' },
});

/** An amount of money with its currency. */
export const moneySchema = z.strictObject({
  /** Integer minor units, never negative. */
  amount: nonNegativeMinorUnitsSchema,
  /** ISO 4217 code. */
  currency: currencyCodeSchema,
});

/** An amount of money with its currency. */
export type Money = z.infer<typeof moneySchema>;
