import type { Filter } from '../../storage/filter.js';
import { NotFoundError } from '../../storage/errors.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import { shareableCollections, type Share, type ShareInput, type ShareableCollection } from './share.js';

/**
 * What {@link SharingFacade.list} selects: by partner, collection, record;
 * expired shares only with `includeExpired`.
 *
 * @example
 * ```ts
 * const options: ShareListOptions = { partnerId: 'p_7', collection: 'customers' };
 * ```
 */
export interface ShareListOptions {
  readonly partnerId?: string;
  readonly collection?: ShareableCollection;
  readonly recordId?: string;
  /** Include shares whose `expiresAt` has passed. Default `false`. */
  readonly includeExpired?: boolean;
}

/**
 * `crm.sharing`: share a customer, deal or case with a partner organization,
 * revoke it, list what is shared with whom. A partner acting through
 * `crm.as({ actor, role, partnerId })` reaches a shared record through its
 * role's `shared` scope while the share lasts (read shares for reads, write
 * shares for writes too); see `docs/access.md`.
 *
 * @example
 * ```ts
 * const share = await crm.sharing.share({ collection: 'deals', recordId: deal.id, partnerId: 'p_7', access: 'write', expiresAt });
 * await crm.sharing.list({ partnerId: 'p_7' });
 * await crm.sharing.revoke(share.id);
 * ```
 */
export class SharingFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
  }

  get #shares(): ModelService<Share, ShareInput> {
    return this.#context.services.shares as ModelService<Share, ShareInput>;
  }

  /**
   * Shares a record with a partner. The record must exist (and be readable by
   * this crm): else `NotFoundError`. An invalid share is a `ValidationError`.
   *
   * @example
   * ```ts
   * await crm.sharing.share({ collection: 'customers', recordId: ada.id, partnerId: 'p_7', reason: 'reseller account' });
   * ```
   */
  async share(input: ShareInput): Promise<Share> {
    const collection = (input as { collection?: unknown })?.collection;
    // An unshareable collection is the create's ValidationError; a shareable one's record must exist.
    const service = (shareableCollections as readonly unknown[]).includes(collection) ? this.#context.services[collection as string] : undefined;
    if (service !== undefined && typeof input.recordId === 'string') {
      const [record] = await service.getMany([input.recordId]);
      if (record === undefined) throw new NotFoundError(collection as string, input.recordId);
    }
    return this.#shares.create(input);
  }

  /**
   * Ends a share now (deletes it; its history keeps who shared and who revoked,
   * when). An unknown id is a `NotFoundError`.
   *
   * @example
   * ```ts
   * await crm.sharing.revoke(share.id);
   * ```
   */
  async revoke(shareId: string): Promise<void> {
    await this.#shares.delete(shareId);
  }

  /**
   * The shares that match, oldest first (at most 1,000).
   *
   * @example
   * ```ts
   * const shares = await crm.sharing.list({ recordId: ada.id }); // who sees Ada
   * ```
   */
  async list(options: ShareListOptions = {}): Promise<readonly Share[]> {
    const conditions: Filter[] = [];
    if (options.partnerId !== undefined) conditions.push({ field: 'partnerId', op: 'eq', value: options.partnerId });
    if (options.collection !== undefined) conditions.push({ field: 'collection', op: 'eq', value: options.collection });
    if (options.recordId !== undefined) conditions.push({ field: 'recordId', op: 'eq', value: options.recordId });
    if (options.includeExpired !== true) {
      conditions.push({ or: [{ field: 'expiresAt', op: 'exists', value: false }, { field: 'expiresAt', op: 'gt', value: this.#context.clock.now() }] });
    }
    const find = this.#shares.find.bind(this.#shares) as unknown as (options: { where: Filter; limit: number }) => Promise<{ items: readonly Share[] }>;
    return (await find({ where: { and: conditions }, limit: 1000 })).items;
  }
}
