import { v7 as uuidv7 } from 'uuid';

/**
 * Makes a new unique record id. crmkit's default makes UUIDv7s, which sort by
 * creation time (monotonic within one process), so `id` order is creation order.
 */
export type IdGenerator = () => string;

/**
 * The default id generator: time-sortable UUIDv7.
 *
 * @example
 * ```ts
 * uuidV7Ids(); // '019356c1-6a2e-7cc1-9a4b-1f0e2d3c4b5a'
 * ```
 */
export const uuidV7Ids: IdGenerator = () => uuidv7();
