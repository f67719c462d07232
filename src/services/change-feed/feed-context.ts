import type { ServiceContext } from '../service-context.js';

/**
 * What the change feed's reader and consumers use of a crm: its storage (the
 * adapter or the open transaction, through the storage middleware), atomic
 * blocks, clock, ids and tenant.
 *
 * @example
 * ```ts
 * const feed = new ChangeFeed(context satisfies FeedContext);
 * ```
 */
export type FeedContext = Pick<ServiceContext, 'storage' | 'atomically' | 'clock' | 'ids' | 'adapter' | 'tenant'>;
