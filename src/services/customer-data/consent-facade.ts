import type { Channel } from '../../schema/channel.js';
import { NotFoundError, ValidationError } from '../../storage/errors.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import type { ConsentRecord, ConsentRecordInput } from './consent-record.js';
import { contactPermission } from './contact-permission.js';

/**
 * Why {@link ConsentFacade.canContact} answers as it does:
 * `consent_granted`; `consent_withdrawn`, `consent_denied`, `consent_expired`
 * (the latest decision); `no_consent_recorded` (no decision, and the purpose
 * needs one); `transactional` (no decision needed for order and account
 * messages); `erased` (the person's data was erased).
 *
 * @example
 * ```ts
 * const { allowed, reason } = await crm.consent.canContact(id, 'email', 'marketing'); // false, 'consent_withdrawn'
 * ```
 */
export const contactReasons = ['consent_granted', 'consent_withdrawn', 'consent_denied', 'consent_expired', 'no_consent_recorded', 'transactional', 'erased'] as const;

/**
 * One of {@link contactReasons}.
 *
 * @example
 * ```ts
 * const reason: ContactReason = 'no_consent_recorded';
 * ```
 */
export type ContactReason = (typeof contactReasons)[number];

/**
 * The answer of {@link ConsentFacade.canContact}: whether, why, and the decision it rests on.
 *
 * @example
 * ```ts
 * const answer: ContactPermission = { allowed: true, reason: 'consent_granted', decision };
 * ```
 */
export interface ContactPermission {
  readonly allowed: boolean;
  readonly reason: ContactReason;
  /** The ledger record the answer rests on, if any. */
  readonly decision?: ConsentRecord;
}

/**
 * `crm.consent`: the consent ledger (collection `consentRecords`) and what
 * campaigns ask of it. Every decision is a record; the current consent per
 * channel and purpose is the latest decision (by `at`, then id). Recording a
 * marketing decision also updates the customer's `consent` field (its
 * per-channel marketing summary) in the same transaction. Unsubscribes arrive
 * by themselves: a campaign membership set to `unsubscribed`, or an inbound
 * sms reading STOP, writes a `withdrawn` record in the same write.
 *
 * @example
 * ```ts
 * await crm.consent.record({ customerId, channel: 'email', purpose: 'marketing', status: 'granted', source: 'signup-form', proof: 'Yes, send me news' });
 * const { allowed, reason } = await crm.consent.canContact(customerId, 'email', 'marketing');
 * ```
 */
export class ConsentFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
  }

  /**
   * Appends a decision to the ledger (validated; the customer must exist).
   *
   * @example
   * ```ts
   * await crm.consent.record({ customerId, channel: 'sms', purpose: 'marketing', status: 'withdrawn', source: 'support-call' });
   * ```
   */
  async record(input: ConsentRecordInput): Promise<ConsentRecord> {
    const run = <T>(fn: (services: ServiceContext['services']) => Promise<T>) =>
      this.#context.adapter.capabilities.transactions ? this.#context.transaction(fn) : fn(this.#context.services);
    return run(async (services) => {
      const record = (await services.consentRecords!.create(input)) as ConsentRecord;
      if (record.purpose === 'marketing') {
        const current = await this.#latest(services, record.customerId, record.channel, 'marketing');
        if (current?.id === record.id) {
          await services.customers!.update(record.customerId, (draft: { consent: Record<string, unknown> }) => {
            draft.consent[record.channel] = { status: record.status === 'granted' ? 'granted' : 'denied', at: record.at, source: record.source };
          });
        }
      }
      return record;
    });
  }

  /**
   * The customer's decisions, oldest first.
   *
   * @example
   * ```ts
   * const ledger = await crm.consent.history(customerId);
   * ```
   */
  async history(customerId: string): Promise<ConsentRecord[]> {
    const out: ConsentRecord[] = [];
    for await (const batch of this.#ledger(this.#context.services).scan({ where: { field: 'customerId', op: 'eq', value: customerId } } as never)) out.push(...(batch as ConsentRecord[]));
    return out.sort(byTime);
  }

  /**
   * The current decision per `channel:purpose` (the latest of each).
   *
   * @example
   * ```ts
   * (await crm.consent.current(customerId))['email:marketing']?.status; // 'granted'
   * ```
   */
  async current(customerId: string): Promise<Record<string, ConsentRecord>> {
    const out: Record<string, ConsentRecord> = {};
    for (const record of await this.history(customerId)) out[`${record.channel}:${record.purpose}`] = record;
    return out;
  }

  /**
   * Whether the customer may be contacted on `channel` for `purpose` now, with
   * the reason (see {@link contactReasons}). An unknown customer is a `NotFoundError`.
   *
   * @example
   * ```ts
   * const { allowed, reason } = await crm.consent.canContact(customerId, 'email', 'marketing');
   * ```
   */
  async canContact(customerId: string, channel: Channel, purpose: string): Promise<ContactPermission> {
    if (typeof customerId !== 'string' || typeof channel !== 'string' || typeof purpose !== 'string') {
      throw new ValidationError('canContact takes a customer id, a channel and a purpose', [
        { code: 'invalid_type', path: [], message: 'customerId, channel and purpose are strings' },
      ]);
    }
    const [customer] = await this.#context.services.customers!.getMany([customerId]);
    if (customer === undefined) throw new NotFoundError('customers', customerId);
    const erased = await this.#context.storage.find('erasures', {
      filter: { field: 'customerId', op: 'eq', value: customerId },
      sort: [{ field: 'id', direction: 'asc' }],
      limit: 1,
    });
    if (erased.length > 0) return { allowed: false, reason: 'erased' };
    const decision = await this.#latest(this.#context.services, customerId, channel, purpose);
    return contactPermission(decision, purpose, this.#context.clock.now());
  }

  #ledger(services: ServiceContext['services']): ModelService<any, any> {
    return services.consentRecords!;
  }

  async #latest(services: ServiceContext['services'], customerId: string, channel: string, purpose: string): Promise<ConsentRecord | undefined> {
    const { items } = await this.#ledger(services).find({
      where: {
        and: [
          { field: 'customerId', op: 'eq', value: customerId },
          { field: 'channel', op: 'eq', value: channel },
          { field: 'purpose', op: 'eq', value: purpose },
        ],
      },
      sort: [
        { field: 'at', direction: 'desc' },
        { field: 'id', direction: 'desc' },
      ],
      limit: 1,
    } as never);
    return items[0] as ConsentRecord | undefined;
  }
}

function byTime(a: ConsentRecord, b: ConsentRecord): number {
  return a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
