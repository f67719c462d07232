import * as z from 'zod';
import { nonNegativeMinorUnitsSchema } from './currency-code.js';

/**
 * One line of a deal: a product, a whole quantity, a unit price in integer minor units of the
 * deal's currency, and at most one discount, either an amount off the line (`discountAmount`,
 * minor units, at most the line's gross) or a percentage (`discountPercent`, 0 to 100 in steps of
 * 0.01). {@link dealLineItemTotal} is the line's net, exactly.
 */
export const dealLineItemSchema = z
  .strictObject({
    /** The host's product id, if the host has a catalogue. */
    productId: z.string().trim().min(1).max(128).optional(),
    name: z.string().trim().min(1).max(300),
    quantity: z.number().int().positive().max(1_000_000_000),
    unitPrice: nonNegativeMinorUnitsSchema,
    discountAmount: nonNegativeMinorUnitsSchema.optional(),
    discountPercent: z.number().min(0).max(100).optional(),
  })
  .superRefine((item, ctx) => {
    if (item.discountAmount !== undefined && item.discountPercent !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['discountPercent'], message: 'a line has one discount: an amount or a percentage, not both' });
    }
    if (item.discountPercent !== undefined && Math.abs(item.discountPercent * 100 - Math.round(item.discountPercent * 100)) > 1e-7) {
      ctx.addIssue({ code: 'custom', path: ['discountPercent'], message: 'a discount percentage has at most two decimals (basis points)' });
    }
    if (item.discountAmount !== undefined && BigInt(item.discountAmount) > BigInt(item.quantity) * BigInt(item.unitPrice)) {
      ctx.addIssue({ code: 'custom', path: ['discountAmount'], message: 'a discount is at most the line\'s quantity times its unit price' });
    }
  });

/** One line of a deal. */
export type DealLineItem = z.output<typeof dealLineItemSchema>;

/**
 * A line's net in minor units, in exact integer arithmetic: quantity × unit price, less the
 * discount amount, or less the percentage of it rounded half away from zero to a whole minor unit.
 * A `bigint`, so a sum of lines never rounds; the caller checks it fits a safe integer.
 *
 * @example
 * ```ts
 * dealLineItemTotal({ name: 'Seat', quantity: 3, unitPrice: 3333, discountPercent: 12.5 }); // 8749n (9999 − 1249.875 → 1250)
 * ```
 */
export function dealLineItemTotal(item: Pick<DealLineItem, 'quantity' | 'unitPrice' | 'discountAmount' | 'discountPercent'>): bigint {
  const gross = BigInt(item.quantity) * BigInt(item.unitPrice);
  if (item.discountAmount !== undefined) return gross - BigInt(item.discountAmount);
  if (item.discountPercent === undefined) return gross;
  const basisPoints = BigInt(Math.round(item.discountPercent * 100));
  // round(gross × bp / 10 000), half away from zero (gross and bp are never negative)
  const discount = (gross * basisPoints * 2n + 10_000n) / 20_000n;
  return gross - discount;
}
