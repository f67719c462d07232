import { NotFoundError, ValidationError } from '../../storage/errors.js';
import type { StorageFilter } from '../../storage/filter.js';
import type { StorageOperations } from '../../storage/adapter.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import type { Erasure } from './erasure.js';
import { erasedName, personalFields } from './personal-fields.js';

/**
 * Everything crmkit holds about one person, as `crm.privacy.export` returns
 * it (right of access): the customer, every record that refers to it, by
 * collection, the history of all of those, the merges it took part in, and
 * the erasure tombstone if there is one. `JSON.stringify` it to hand it over
 * (dates become ISO strings).
 *
 * @example
 * ```ts
 * const data: PersonalDataExport = await crm.privacy.export(ada.id);
 * data.records.interactions?.length;
 * ```
 */
export interface PersonalDataExport {
  readonly exportedAt: Date;
  readonly customer: Record<string, unknown>;
  /** Records referring to the customer, per collection (`interactions`, `deals`, `consentRecords`, …). */
  readonly records: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** The history entries of the customer and of those records, oldest first. */
  readonly history: readonly Record<string, unknown>[];
  /** Merges the customer took part in (as survivor or loser). */
  readonly merges: readonly Record<string, unknown>[];
  readonly erasure?: Erasure;
}

/**
 * Options of {@link PrivacyFacade.erase}.
 *
 * @example
 * ```ts
 * const options: EraseOptions = { reason: 'GDPR Art. 17 request, ticket 4711' };
 * ```
 */
export interface EraseOptions {
  /** Why; kept in the tombstone, so never personal data itself. */
  readonly reason: string;
}

/** The fields of a customer erasure anonymizes (every other field is a non-personal fact and stays). */
const customerPersonal = ['name', 'firstName', 'lastName', 'emails', 'phones', 'addresses', 'tags', 'custom', 'consent', 'searchKeys'];

/**
 * `crm.privacy`: the rights of access and erasure.
 *
 * `export(customerId)` gathers what crmkit holds about a person. `erase(customerId, { reason })`
 * anonymizes it in every collection, in one transaction where the adapter has them:
 * the customer keeps its id, kind, organization and business fields but loses its
 * name (`Erased customer`), emails, phones, addresses, tags, custom fields and
 * consent summary; records referring to it (interactions, cases, deals, relationships,
 * consent records, a host's collections) lose their free text and custom fields
 * (`personalFields`) and keep amounts, dates, stages and statuses; merges it took part
 * in (which hold snapshots) are removed; and in the record history of all of these (and
 * of the other customers of those merges, records of the same person) the values of
 * personal fields are replaced by `redacted: true`. The change feed holds only
 * ids and field names. A tombstone (`erasures`) records the erasure; erasing again
 * returns it and changes nothing.
 *
 * @example
 * ```ts
 * const data = await crm.privacy.export(ada.id);
 * const tombstone = await crm.privacy.erase(ada.id, { reason: 'GDPR request 4711' });
 * ```
 */
export class PrivacyFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
  }

  /**
   * Everything crmkit holds about the customer (see {@link PersonalDataExport}).
   *
   * @example
   * ```ts
   * const json = JSON.stringify(await crm.privacy.export(ada.id));
   * ```
   */
  async export(customerId: string): Promise<PersonalDataExport> {
    const services = this.#context.services;
    const storage = this.#context.storage;
    const customer = (await services.customers!.get(customerId)) as Record<string, unknown>;
    const records: Record<string, Record<string, unknown>[]> = {};
    const ids = [customerId];
    for (const [collection, found] of await this.#referring(storage, customerId)) {
      records[collection] = found;
      ids.push(...found.map((record) => record.id as string));
    }
    const merges = await this.#merges(storage, customerId);
    ids.push(...merges.map((merge) => merge.id as string));
    const history = (await this.#history(storage, ids)).sort(
      (a, b) => (a.at as Date).getTime() - (b.at as Date).getTime() || String(a.id).localeCompare(String(b.id)),
    );
    const erasure = await this.#tombstone(storage, customerId);
    return { exportedAt: this.#context.clock.now(), customer, records, history, merges, ...(erasure === undefined ? {} : { erasure }) };
  }

  /**
   * Erases the person's data (see the class). Idempotent: an erased customer's
   * tombstone is returned as it is. An unknown customer is a `NotFoundError`,
   * a missing reason a `ValidationError`.
   *
   * @example
   * ```ts
   * await crm.privacy.erase(ada.id, { reason: 'GDPR request 4711' });
   * ```
   */
  async erase(customerId: string, options: EraseOptions): Promise<Erasure> {
    if (typeof customerId !== 'string' || customerId.length === 0) {
      throw new ValidationError('erase takes a customer id', [{ code: 'invalid_type', path: ['customerId'], message: 'customerId must be a string' }]);
    }
    if (typeof options?.reason !== 'string' || options.reason.trim().length === 0) {
      throw new ValidationError('erase needs a reason', [{ code: 'invalid_type', path: ['reason'], message: 'reason is required' }]);
    }
    const run = <T>(fn: (services: ServiceContext['services']) => Promise<T>) =>
      this.#context.adapter.capabilities.transactions ? this.#context.transaction(fn) : fn(this.#context.services);
    return run(async (services) => {
      const storage = this.#context.storage;
      const existing = await this.#tombstone(storage, customerId);
      if (existing !== undefined) return existing;
      const [customer] = await services.customers!.getMany([customerId]);
      if (customer === undefined) throw new NotFoundError('customers', customerId);
      const counts: Record<string, number> = {};
      const touched = new Map<string, Set<string>>([['customers', new Set([customerId])]]);
      for (const [collection, found] of await this.#referring(storage, customerId)) {
        const service = services[collection] as ModelService<any, any> | undefined;
        if (service === undefined || found.length === 0) continue;
        const rule = personalFields[collection] ?? { remove: [], placeholder: {} };
        const results = await service.updateMany(
          found.map((record) => ({
            id: record.id as string,
            recipe: (draft: Record<string, unknown>) => {
              for (const path of rule.remove) removePath(draft, path);
              Object.assign(draft, rule.placeholder);
              if (draft.custom !== undefined) draft.custom = {};
            },
          })),
        );
        for (const result of results) if (!result.ok) throw result.error;
        counts[collection] = found.length;
        touched.set(collection, new Set(found.map((record) => record.id as string)));
      }
      await services.customers!.update(customerId, (draft: Record<string, unknown>) => {
        draft.name = erasedName;
        delete draft.firstName;
        delete draft.lastName;
        draft.emails = [];
        draft.phones = [];
        draft.addresses = [];
        draft.tags = [];
        draft.custom = {};
        draft.consent = {};
      });
      counts.customers = 1;
      const merges = await this.#merges(storage, customerId);
      if (merges.length > 0) {
        await storage.deleteMany('customerMerges', merges.map((merge) => ({ id: merge.id as string })));
        counts.customerMerges = merges.length;
        touched.set('customerMerges', new Set(merges.map((merge) => merge.id as string)));
        // The other customers of those merges were records of the same person: their history is redacted too.
        const people = touched.get('customers')!;
        for (const merge of merges) for (const id of [merge.survivorId, ...(merge.loserIds as string[])] as string[]) people.add(id);
      }
      counts.historyEntries = await this.#redactHistory(storage, touched);
      return (await services.erasures!.create({ customerId, reason: options.reason, erasedAt: this.#context.clock.now(), actor: this.#context.actor, counts })) as Erasure;
    });
  }

  /** The records of every collection that refer to the customer (its own people excepted: they are other persons). */
  async #referring(storage: StorageOperations, customerId: string): Promise<Map<string, Record<string, unknown>[]>> {
    const out = new Map<string, Record<string, unknown>[]>();
    for (const { collection, field } of this.#context.referencesTo('customers')) {
      if (collection === 'customers') continue;
      const list = out.get(collection) ?? [];
      const seen = new Set(list.map((record) => record.id));
      for (const record of await findAll(storage, collection, { field, op: 'eq', value: customerId })) {
        if (!seen.has(record.id)) list.push(record as Record<string, unknown>);
      }
      out.set(collection, list);
    }
    return out;
  }

  async #merges(storage: StorageOperations, customerId: string): Promise<Record<string, unknown>[]> {
    if (this.#context.schema.collections.customerMerges === undefined) return [];
    const all = await findAll(storage, 'customerMerges', { field: 'survivorId', op: 'eq', value: customerId });
    const asLoser = await findAll(storage, 'customerMerges', { field: 'loserIds', op: 'contains', value: customerId });
    const seen = new Set(all.map((merge) => merge.id));
    return [...all, ...asLoser.filter((merge) => !seen.has(merge.id))] as Record<string, unknown>[];
  }

  async #tombstone(storage: StorageOperations, customerId: string): Promise<Erasure | undefined> {
    const [found] = await storage.find('erasures', { filter: { field: 'customerId', op: 'eq', value: customerId }, sort: [{ field: 'id', direction: 'asc' }], limit: 1 });
    return found as unknown as Erasure | undefined;
  }

  async #history(storage: StorageOperations, ids: readonly string[]): Promise<Record<string, unknown>[]> {
    if (this.#context.schema.collections.historyEntries === undefined) return [];
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      out.push(...((await findAll(storage, 'historyEntries', { field: 'recordId', op: 'in', value: ids.slice(i, i + 500) })) as Record<string, unknown>[]));
    }
    return out;
  }

  /** Replaces the values of personal fields in the history of the touched records by `redacted: true`; returns how many entries changed. */
  async #redactHistory(storage: StorageOperations, touched: ReadonlyMap<string, ReadonlySet<string>>): Promise<number> {
    const ids = [...touched.values()].flatMap((set) => [...set]);
    let changed = 0;
    const entries = await this.#history(storage, ids);
    const writes = [];
    for (const entry of entries) {
      const collection = entry.collection as string;
      if (!touched.get(collection)?.has(entry.recordId as string)) continue;
      const personal =
        collection === 'customers'
          ? customerPersonal
          : collection === 'customerMerges'
            ? undefined // every field of a merge record holds snapshots
            : [...(personalFields[collection]?.remove ?? []), ...Object.keys(personalFields[collection]?.placeholder ?? {}), 'custom'];
      const fields = entry.fields as { path: string; old?: unknown; new?: unknown; redacted?: true }[];
      let dirty = false;
      const redacted = fields.map((field) => {
        const isPersonal = personal === undefined || personal.some((path) => field.path === path || field.path.startsWith(`${path}.`));
        if (!isPersonal || (field.redacted === true && field.old === undefined && field.new === undefined)) return field;
        dirty = true;
        return { path: field.path, redacted: true as const };
      });
      if (!dirty) continue;
      writes.push({ record: { ...entry, fields: redacted, version: (entry.version as number) + 1, updatedAt: this.#context.clock.now() } as unknown as StoredRecord, expectedVersion: entry.version as number });
    }
    for (let i = 0; i < writes.length; i += 500) {
      const outcomes = await storage.updateMany('historyEntries', writes.slice(i, i + 500));
      changed += outcomes.filter((outcome) => outcome.ok).length;
    }
    return changed;
  }
}

async function findAll(storage: StorageOperations, collection: string, filter: StorageFilter): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let after: readonly (string | null)[] | undefined;
  for (;;) {
    const page = await storage.find(collection, { filter: after === undefined ? filter : { and: [filter, { field: 'id', op: 'gt', value: after[0]! }] }, sort: [{ field: 'id', direction: 'asc' }], limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
    after = [page.at(-1)!.id];
  }
}

function removePath(draft: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let target: Record<string, unknown> | undefined = draft;
  for (const part of parts.slice(0, -1)) {
    const next: unknown = target?.[part];
    target = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
  }
  if (target !== undefined && parts.at(-1)! in target) delete target[parts.at(-1)!];
}
