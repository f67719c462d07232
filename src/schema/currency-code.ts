import { z } from 'zod';

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

/** An amount of money with its currency. */
export const moneySchema = z.strictObject({
  /** Integer minor units. */
  amount: minorUnitsSchema,
  /** ISO 4217 code. */
  currency: currencyCodeSchema,
});

/** An amount of money with its currency. */
export type Money = z.infer<typeof moneySchema>;
