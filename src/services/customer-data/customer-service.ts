import type { Customer, CustomerInput } from '../../schema/customer.js';
import type { StorageOperations } from '../../storage/adapter.js';
import { InvalidQueryError, InvalidTransitionError, ValidationError, type CrmIssue } from '../../storage/errors.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import { fromBase64Url, toBase64Url } from '../../storage/base64-url.js';
import { writeChange } from '../write-hook.js';
import { mergeRules, type CustomerMerge, type MergeRule } from './customer-merge.js';
import { mergedFields, userFields } from './merge-fields.js';
import { sameValue } from './same-value.js';
import { timelineSources, type TimelineEntry, type TimelineSource } from './timeline-source.js';
import { isCondition, type Filter, type FilterValue, type StorageFilter } from '../../storage/filter.js';
import { maxFilterDepth } from '../../storage/resolve-filter.js';
import type { ItemIssues } from '../item-issues.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { foldText, foldedWords } from './fold-text.js';
import { phoneToE164 } from './phone-normalization.js';
import { blockingKeys, duplicateFeatures, type DuplicateFeatures, type DuplicateSubject } from './duplicate-features.js';
import { defaultDuplicateScore, scoreDuplicate, type DuplicateReason } from './duplicate-score.js';
import { searchKeysOf } from './search-keys.js';
import { searchScore, searchTerms } from './search-query.js';

/**
 * Options of {@link CustomerService.search}.
 *
 * @example
 * ```ts
 * const options: SearchOptions = { limit: 10, cursor: previous.nextCursor };
 * ```
 */
export interface SearchOptions {
  /** Hits per page, 1 to 100; 20 by default. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/**
 * One customer found by {@link CustomerService.search}, with how well it fits.
 *
 * @example
 * ```ts
 * const [best]: readonly SearchHit<Customer>[] = (await crm.customers.search('ada')).items;
 * ```
 */
export interface SearchHit<R> {
  readonly customer: R;
  /** Higher is a better fit (see `searchScore`). */
  readonly score: number;
}

/**
 * A page of {@link SearchHit}s, best first.
 *
 * @example
 * ```ts
 * const page: SearchPage<Customer> = await crm.customers.search('lov');
 * ```
 */
export interface SearchPage<R> {
  readonly items: readonly SearchHit<R>[];
  /** Present when more hits follow. */
  readonly nextCursor?: string;
}

/**
 * Search ranks at most this many matching customers; a text matching more should be typed further.
 *
 * @example
 * ```ts
 * if (page.items.length === 0 && text.length < 2) showHint(`type more: at most ${maxSearchCandidates} matches are ranked`);
 * ```
 */
export const maxSearchCandidates = 2000;

/**
 * Options of {@link CustomerService.findDuplicates} and {@link CustomerService.duplicateCandidates}.
 *
 * @example
 * ```ts
 * const options: DuplicateOptions = { minScore: 0.8 };
 * ```
 */
export interface DuplicateOptions {
  /** Report pairs scoring at least this, from 0 to 1; `defaultDuplicateScore` (0.7) by default. */
  readonly minScore?: number;
  /**
   * Whole-base scan only: blocks (customers sharing a blocking key) larger than this are
   * compared by their email and phone keys only, so a very common name cannot make the scan
   * quadratic; 200 by default.
   */
  readonly maxBlockSize?: number;
}

/**
 * A customer that looks like the one asked about, with the score and the reasons.
 *
 * @example
 * ```ts
 * const [likely]: DuplicateCandidate<Customer>[] = await crm.customers.findDuplicates(ada.id);
 * likely.reasons; // ['same_email', 'similar_name']
 * ```
 */
export interface DuplicateCandidate<R> {
  readonly customer: R;
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
}

/**
 * Two customers of the base that look like one person or organization.
 *
 * @example
 * ```ts
 * for await (const pair of crm.customers.duplicateCandidates()) console.log(pair.ids, pair.score, pair.reasons);
 * ```
 */
export interface DuplicatePair {
  /** The two customers' ids, the smaller first. */
  readonly ids: readonly [string, string];
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
}

/**
 * Options of {@link CustomerService.merge}.
 *
 * @example
 * ```ts
 * const options: MergeOptions = { rules: { lifecycleStage: 'newest', tags: 'survivor' } };
 * ```
 */
export interface MergeOptions {
  /** How to combine each field (see `mergeRules`); lists are joined and other fields kept from the survivor by default. */
  readonly rules?: Readonly<Record<string, MergeRule>>;
}

type Services = Readonly<Record<string, ModelService<any, any>>>;

/**
 * Options of {@link CustomerService.timeline}.
 *
 * @example
 * ```ts
 * const options: TimelineOptions = { limit: 50, kinds: ['interaction', 'deal_stage_change'] };
 * ```
 */
export interface TimelineOptions {
  /** Entries per page, 1 to 200; 50 by default. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Only these kinds (of `timelineSources` and `sources`); every kind by default. */
  readonly kinds?: readonly string[];
  /** More sources for this call, beside the built-in `timelineSources` (another module's). */
  readonly sources?: readonly TimelineSource[];
}

/**
 * A page of a customer's timeline, newest first.
 *
 * @example
 * ```ts
 * const page: TimelinePage = await crm.customers.timeline(ada.id);
 * ```
 */
export interface TimelinePage {
  readonly items: readonly TimelineEntry[];
  readonly nextCursor?: string;
}

/** At most this many customers are compared by findDuplicates. */
const maxDuplicateLookups = 1000;

/** At most this many organizations per term lend their members to a search. */
const maxOrganizationsPerTerm = 200;

/**
 * `crm.customers`: the model service plus what customer data needs.
 *
 * - **Search as a person types** ({@link search}): over names, emails, phones and
 *   organization names; case- and accent-insensitive, by prefix, phone numbers
 *   in any format, ranked. It reads the managed `searchKeys` list
 *   (`searchKeysOf`), so every adapter answers it from its list index.
 * - **Normalized filter values**: a filter on `emails` is compared lower-cased
 *   (`emails contains 'Ada@Example.com'` finds `ada@example.com`), one on
 *   `phones` in E.164 (a number as typed, national ones in `createCrm({ defaultRegion })`),
 *   one on `searchKeys` folded.
 * - **Phones without a country code** are read in `createCrm({ defaultRegion })`
 *   on every write; without a default region they are refused as before.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter, defaultRegion: 'GB' });
 * await crm.customers.create({ name: 'Ada Lovelace', phones: ['020 7946 0018'] }); // stored as +442079460018
 * const { items } = await crm.customers.search('lov');
 * items[0]?.customer.name; // 'Ada Lovelace'
 * ```
 */
export class CustomerService<C = Record<string, unknown>, CI = Record<string, unknown>> extends ModelService<ReadonlyRecord<Customer<C>>, CustomerInput<CI>> {
  /**
   * The customers matching every term of `text`, best first (ties by name,
   * then id). A term matches a customer whose search keys begin with it, or
   * whose organization's do. An empty text finds nothing. At most
   * {@link maxSearchCandidates} matches are ranked.
   *
   * @example
   * ```ts
   * const page = await crm.customers.search('+44 20 7946', { limit: 10 });
   * const next = page.nextCursor ? await crm.customers.search('+44 20 7946', { limit: 10, cursor: page.nextCursor }) : undefined;
   * ```
   */
  async search(text: string, options: SearchOptions = {}): Promise<SearchPage<ReadonlyRecord<Customer<C>>>> {
    const issues: CrmIssue[] = [];
    if (typeof text !== 'string' || text.length > 500) issues.push({ code: 'invalid_type', path: ['text'], message: 'search takes a text of at most 500 characters' });
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) issues.push({ code: 'invalid_limit', path: ['limit'], message: 'limit must be an integer from 1 to 100' });
    const after = options.cursor === undefined ? undefined : decodeSearchCursor(options.cursor);
    if (after === null) issues.push({ code: 'invalid_cursor', path: ['cursor'], message: 'not a cursor of this search' });
    if (issues.length > 0) throw new InvalidQueryError(`search: ${issues.map((i) => i.message).join('; ')}`, issues);
    const terms = searchTerms(text, this.context.defaultRegion);
    if (terms.length === 0) return { items: [] };
    const storage = this.context.storage;
    const parts: Filter[] = [];
    for (const term of terms) {
      const startsWith = (prefix: string): Filter => ({ field: 'searchKeys', op: 'startsWith', value: prefix });
      const own: Filter =
        term.alternatives === undefined
          ? startsWith(term.prefix)
          : { or: [startsWith(term.prefix), ...term.alternatives.map((all) => ({ and: all.map(startsWith) }))] };
      if (term.kind !== 'word') {
        parts.push(own);
        continue;
      }
      const organizations = await storage.find(this.collection, {
        filter: this.resolveWhere({ and: [own, { field: 'kind', op: 'eq', value: 'organization' }] })!,
        sort: [{ field: 'id', direction: 'asc' }],
        limit: maxOrganizationsPerTerm,
      });
      parts.push(organizations.length === 0 ? own : { or: [own, { field: 'organizationId', op: 'in', value: organizations.map((o) => o.id) }] });
    }
    const candidates = (await storage.find(this.collection, {
      filter: this.resolveWhere({ and: parts })!,
      sort: [{ field: 'id', direction: 'asc' }],
      limit: maxSearchCandidates,
    })) as unknown as ReadonlyRecord<Customer<C>>[];
    const organizationIds = [...new Set(candidates.flatMap((c) => (c.organizationId === undefined ? [] : [c.organizationId])))];
    const organizations = organizationIds.length === 0 ? [] : await storage.getMany(this.collection, organizationIds);
    const organizationWords = new Map(organizationIds.map((id, i) => [id, foldedWords(String((organizations[i] as { name?: string } | undefined)?.name ?? ''))]));
    const ranked = candidates
      .map((customer) => ({
        customer,
        score: searchScore(customer, terms, text, customer.organizationId === undefined ? [] : (organizationWords.get(customer.organizationId) ?? [])),
        name: foldText(customer.name),
      }))
      .sort(compareRanked);
    const start = after === undefined || after === null ? 0 : ranked.findIndex((hit) => compareRanked(hit, after) > 0);
    const page = start < 0 ? [] : ranked.slice(start, start + limit);
    const items = page.map(({ customer, score }) => ({ customer, score }));
    const last = page.at(-1);
    return start >= 0 && start + limit < ranked.length && last !== undefined ? { items, nextCursor: encodeSearchCursor(last) } : { items };
  }

  /**
   * The customers that look like this one (same email or phone, similar name
   * with the same organization, city or postal code, …), best first, each
   * with a score from 0 to 1 and the reasons. Candidates come from the
   * indexes (emails without `+` tags, phones, name-word prefixes), not a scan.
   *
   * @example
   * ```ts
   * const candidates = await crm.customers.findDuplicates(ada.id, { minScore: 0.8 });
   * ```
   */
  async findDuplicates(id: string, options: DuplicateOptions = {}): Promise<DuplicateCandidate<ReadonlyRecord<Customer<C>>>[]> {
    const minScore = checkDuplicateOptions(options).minScore;
    const customer = await this.get(id);
    const features = duplicateFeatures(customer as unknown as DuplicateSubject);
    const ors: Filter[] = [];
    if (features.emails.length > 0) ors.push({ field: 'searchKeys', op: 'in', value: features.emails });
    if (customer.phones.length > 0) ors.push({ field: 'phones', op: 'in', value: [...customer.phones] });
    for (const word of new Set([...features.nameWords, ...foldedWords(customer.name)])) {
      if (word.length >= 2) ors.push({ field: 'searchKeys', op: 'startsWith', value: word.slice(0, 3) });
    }
    if (ors.length === 0) return [];
    const found = (await this.context.storage.find(this.collection, {
      filter: this.resolveWhere({ and: [{ or: ors }, { field: 'kind', op: 'eq', value: customer.kind }] })!,
      sort: [{ field: 'id', direction: 'asc' }],
      limit: maxDuplicateLookups,
    })) as unknown as ReadonlyRecord<Customer<C>>[];
    return found
      .filter((other) => other.id !== customer.id)
      .map((other) => ({ customer: other, ...scoreDuplicate(features, duplicateFeatures(other as unknown as DuplicateSubject)) }))
      .filter((candidate) => candidate.score >= minScore)
      .sort((a, b) => b.score - a.score || (a.customer.id < b.customer.id ? -1 : 1));
  }

  /**
   * Every pair of customers of the base that look like one, streamed. One
   * scan reads the customers' comparable parts; customers are compared only
   * within blocks sharing a key (an email, a phone, name-word prefixes; see
   * `blockingKeys`), so the work grows with the base, not its square.
   *
   * @example
   * ```ts
   * for await (const { ids, score, reasons } of crm.customers.duplicateCandidates({ minScore: 0.8 })) review(ids, score, reasons);
   * ```
   */
  async *duplicateCandidates(options: DuplicateOptions = {}): AsyncGenerator<DuplicatePair> {
    const { minScore, maxBlockSize } = checkDuplicateOptions(options);
    const all: DuplicateFeatures[] = [];
    const blocks = new Map<string, number[]>();
    for await (const batch of this.scan({ batchSize: 5000 })) {
      for (const customer of batch) {
        const features = duplicateFeatures(customer as unknown as DuplicateSubject);
        const index = all.push(features) - 1;
        for (const key of blockingKeys(features)) {
          const members = blocks.get(key);
          if (members === undefined) blocks.set(key, [index]);
          else members.push(index);
        }
      }
    }
    const compared = new Set<number>();
    const n = all.length;
    for (const [key, members] of blocks) {
      if (members.length < 2 || (members.length > maxBlockSize && key.startsWith('n:'))) continue;
      for (let i = 0; i < members.length; i++) {
        for (let j = i + 1; j < members.length; j++) {
          const a = members[i]!;
          const b = members[j]!;
          const pair = a * n + b;
          if (compared.has(pair)) continue;
          compared.add(pair);
          const match = scoreDuplicate(all[a]!, all[b]!);
          if (match.score < minScore) continue;
          const [x, y] = all[a]!.id < all[b]!.id ? [all[a]!.id, all[b]!.id] : [all[b]!.id, all[a]!.id];
          yield { ids: [x, y], score: match.score, reasons: match.reasons };
        }
      }
    }
  }

  /**
   * Merges `loserIds` into `survivorId`: every record of every collection
   * that refers to a loser (interactions, deals, cases, campaign memberships,
   * relationships, the people of a merged organization, a host's own: found
   * through the declared references) is moved to the survivor; a record that
   * would then point at its own customer (a relationship between the two) is
   * removed. The survivor's fields are combined by `rules`, the losers are
   * deleted, the merge is recorded (in `customerMerges`, and in every moved
   * record's history) and `customer.merged` is emitted. All of it commits
   * together on adapters with transactions. Returns the merge record, whose
   * id `unmerge` takes.
   *
   * @example
   * ```ts
   * const merge = await crm.customers.merge(ada.id, [dupe.id], { rules: { lifecycleStage: 'newest' } });
   * ```
   */
  async merge(survivorId: string, loserIds: readonly string[], options: MergeOptions = {}): Promise<CustomerMerge> {
    const issues: CrmIssue[] = [];
    if (typeof survivorId !== 'string' || survivorId.length === 0) issues.push({ code: 'invalid_type', path: ['survivorId'], message: 'survivorId must be a customer id' });
    if (!Array.isArray(loserIds) || loserIds.length === 0 || loserIds.length > 100 || loserIds.some((id) => typeof id !== 'string' || id.length === 0)) {
      issues.push({ code: 'invalid_type', path: ['loserIds'], message: 'loserIds is a list of 1 to 100 customer ids' });
    } else {
      if (new Set(loserIds).size !== loserIds.length) issues.push({ code: 'invalid_option', path: ['loserIds'], message: 'a loser is listed twice' });
      if (loserIds.includes(survivorId)) issues.push({ code: 'invalid_option', path: ['loserIds'], message: 'the survivor cannot be one of the losers' });
    }
    for (const [field, rule] of Object.entries(options.rules ?? {})) {
      if (!(mergeRules as readonly string[]).includes(rule)) issues.push({ code: 'invalid_option', path: ['rules', field], message: `a merge rule is one of ${mergeRules.join(', ')}` });
    }
    if (issues.length > 0) throw new ValidationError(`merge: ${issues.map((i) => i.message).join('; ')}`, issues);
    return this.#atomic((tx) => (tx.customers as CustomerService).#mergeIn(tx, survivorId, [...loserIds], options.rules ?? {}));
  }

  /**
   * Undoes a merge: the losers come back as they were stored (same ids,
   * fields and creation time), the records moved to the survivor move back,
   * removed records return, and each survivor field the merge changed gets
   * its value from before (unless it was edited since). Records added to the
   * survivor after the merge stay with it. Emits `customer.unmerged`. A merge
   * already undone is an `InvalidTransitionError`.
   *
   * @example
   * ```ts
   * await crm.customers.unmerge(merge.id);
   * ```
   */
  async unmerge(mergeId: string): Promise<CustomerMerge> {
    if (typeof mergeId !== 'string' || mergeId.length === 0) {
      throw new ValidationError('unmerge takes a merge id', [{ code: 'invalid_type', path: ['mergeId'], message: 'mergeId must be a string' }]);
    }
    return this.#atomic((tx) => (tx.customers as CustomerService).#unmergeIn(tx, mergeId));
  }

  /** Runs `fn` in a transaction where the adapter has them, else directly. */
  #atomic<T>(fn: (services: Services) => Promise<T>): Promise<T> {
    return this.context.adapter.capabilities.transactions ? this.context.transaction(fn) : fn(this.context.services);
  }

  async #mergeIn(tx: Services, survivorId: string, loserIds: string[], rules: Readonly<Record<string, MergeRule>>): Promise<CustomerMerge> {
    const survivor = await this.get(survivorId);
    const losers = await this.getMany(loserIds);
    const missing = loserIds.filter((_, i) => losers[i] === undefined);
    if (missing.length > 0) throw new ValidationError(`merge: no customer ${missing.join(', ')}`, missing.map((id) => ({ code: 'unknown_reference', path: ['loserIds', loserIds.indexOf(id)], message: `no customer ${id}` })));
    const loserRecords = losers as ReadonlyRecord<Customer<C>>[];
    const kindIssues = loserRecords.flatMap((loser, i) =>
      loser.kind === survivor.kind ? [] : [{ code: 'invalid_option', path: ['loserIds', i], message: `a ${loser.kind} cannot be merged into a ${survivor.kind}` }],
    );
    if (survivor.organizationId !== undefined && loserIds.includes(survivor.organizationId)) {
      kindIssues.push({ code: 'invalid_option', path: ['survivorId'], message: 'a customer cannot be merged with its own organization' });
    }
    if (kindIssues.length > 0) throw new ValidationError(`merge: ${kindIssues.map((i) => i.message).join('; ')}`, kindIssues);
    const losing = new Set(loserIds);
    const moved: CustomerMerge['moved'] = [];
    const removed: CustomerMerge['removed'] = [];
    const byCollection = new Map<string, string[]>();
    for (const { collection, field } of this.context.referencesTo(this.collection)) byCollection.set(collection, [...(byCollection.get(collection) ?? []), field]);
    for (const [collection, fields] of byCollection) {
      const service = tx[collection];
      if (service === undefined) continue;
      const updates = new Map<string, { record: Record<string, unknown>; set: Record<string, string> }>();
      for (const field of fields) {
        for await (const batch of service.scan({ where: { field, op: 'in', value: loserIds } } as never)) {
          for (const record of batch as readonly Record<string, unknown>[]) {
            const id = record.id as string;
            if (collection === this.collection && losing.has(id)) continue; // a loser referring to a loser: restored from its snapshot
            const entry = updates.get(id) ?? { record, set: {} };
            entry.set[field] = survivorId;
            updates.set(id, entry);
          }
        }
      }
      const items = [];
      for (const [id, { record, set }] of updates) {
        const after = { ...record, ...set };
        const pointingAtSurvivor = fields.filter((field) => after[field] === survivorId).length;
        if (pointingAtSurvivor >= 2) {
          removed.push({ collection, record: { ...record } });
          continue;
        }
        for (const [field, from] of Object.entries(set)) moved.push({ collection, id, field, from: record[field] as string });
        items.push({ id, recipe: (draft: Record<string, unknown>) => void Object.assign(draft, set) });
      }
      const gone = removed.filter((entry) => entry.collection === collection).map((entry) => entry.record.id as string);
      if (gone.length > 0) throwFailures(await service.deleteMany(gone));
      if (items.length > 0) throwFailures(await service.updateMany(items));
    }
    const before = userFields(survivor);
    const after = mergedFields(survivor, loserRecords, rules);
    const merged = await this.update(survivorId, (draft) => {
      const target = draft as Record<string, unknown>;
      for (const key of Object.keys(before)) if (!(key in after)) delete target[key];
      Object.assign(target, after);
    });
    throwFailures(await this.deleteMany(loserIds));
    const merge = (await tx.customerMerges!.create({
      survivorId,
      loserIds,
      status: 'merged',
      mergedAt: this.context.clock.now(),
      survivorBefore: before,
      survivorAfter: userFields(merged),
      losers: loserRecords.map((loser) => ({ ...loser })),
      moved,
      removed,
    })) as CustomerMerge;
    this.context.emit('customer.merged', { mergeId: merge.id, survivor: merged as unknown as Customer, loserIds, actor: this.context.actor });
    return merge;
  }

  async #unmergeIn(tx: Services, mergeId: string): Promise<CustomerMerge> {
    const merge = (await tx.customerMerges!.get(mergeId)) as CustomerMerge;
    if (merge.status !== 'merged') throw new InvalidTransitionError(`merge ${mergeId} is already undone`);
    const now = this.context.clock.now();
    // The losers and the removed records come back exactly as they were stored, with history and change-feed entries.
    const restore = async (collection: string, records: readonly Record<string, unknown>[]) => {
      if (records.length === 0) return;
      await this.context.atomically(async (storage) => {
        const outcomes = await storage.insertMany(collection, records as unknown as StoredRecord[]);
        const failed = outcomes.findIndex((outcome) => !outcome.ok);
        if (failed >= 0) throw new InvalidTransitionError(`unmerge: ${collection} ${String(records[failed]!.id)} cannot be restored (its id is taken)`);
        await this.runWriteHooks(storage, now, records.map((record) => writeChange(collection, 'create', record.id as string, record as never, undefined)));
      });
    };
    await restore(this.collection, merge.losers);
    for (const loser of merge.losers) this.emit('created', { record: loser });
    const removedBy = new Map<string, Record<string, unknown>[]>();
    for (const { collection, record } of merge.removed) removedBy.set(collection, [...(removedBy.get(collection) ?? []), record]);
    for (const [collection, records] of removedBy) await restore(collection, records);
    const movedBy = new Map<string, CustomerMerge['moved'][number][]>();
    for (const entry of merge.moved) movedBy.set(entry.collection, [...(movedBy.get(entry.collection) ?? []), entry]);
    for (const [collection, entries] of movedBy) {
      const service = tx[collection];
      if (service === undefined) continue;
      const byId = new Map<string, Record<string, string>>();
      for (const { id, field, from } of entries) byId.set(id, { ...(byId.get(id) ?? {}), [field]: from });
      const existing = await service.getMany([...byId.keys()]);
      const items = [...byId].flatMap(([id, set], i) => {
        const record = existing[i] as Record<string, unknown> | undefined;
        if (record === undefined) return []; // deleted since the merge
        const back = Object.fromEntries(Object.entries(set).filter(([field]) => record[field] === merge.survivorId));
        return Object.keys(back).length === 0 ? [] : [{ id, recipe: (draft: Record<string, unknown>) => void Object.assign(draft, back) }];
      });
      if (items.length > 0) throwFailures(await service.updateMany(items));
    }
    const current = userFields(await this.get(merge.survivorId));
    const fields = new Set([...Object.keys(merge.survivorBefore), ...Object.keys(merge.survivorAfter)]);
    await this.update(merge.survivorId, (draft) => {
      const target = draft as Record<string, unknown>;
      for (const field of fields) {
        if (!sameValue(current[field], merge.survivorAfter[field])) continue; // edited since the merge: keep
        if (merge.survivorBefore[field] === undefined) delete target[field];
        else target[field] = merge.survivorBefore[field];
      }
    });
    const undone = (await tx.customerMerges!.update(mergeId, (draft: Record<string, unknown>) => {
      draft.status = 'unmerged';
      draft.unmergedAt = now;
    })) as CustomerMerge;
    this.context.emit('customer.unmerged', { mergeId, survivorId: merge.survivorId, loserIds: merge.loserIds, actor: this.context.actor });
    return undone;
  }

  /**
   * The customer's timeline, newest first, one cursor across every kind:
   * interactions, changes of its fields, deal stage changes, case events and
   * campaign touches (`timelineSources`), and the `sources` a caller adds.
   * Ties in time go by kind, then id, so pages never repeat or skip an entry.
   *
   * @example
   * ```ts
   * const page = await crm.customers.timeline(ada.id, { limit: 20, kinds: ['interaction', 'field_change'] });
   * const next = page.nextCursor && (await crm.customers.timeline(ada.id, { limit: 20, cursor: page.nextCursor }));
   * ```
   */
  async timeline(id: string, options: TimelineOptions = {}): Promise<TimelinePage> {
    const issues: CrmIssue[] = [];
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) issues.push({ code: 'invalid_limit', path: ['limit'], message: 'limit must be an integer from 1 to 200' });
    const sources = [...timelineSources, ...(options.sources ?? [])];
    const known = new Set(sources.map((source) => source.kind));
    for (const kind of options.kinds ?? []) if (!known.has(kind)) issues.push({ code: 'invalid_option', path: ['kinds'], message: `no timeline kind ${JSON.stringify(kind)}` });
    const cursor = options.cursor === undefined ? undefined : decodeTimelineCursor(options.cursor);
    if (cursor === null) issues.push({ code: 'invalid_cursor', path: ['cursor'], message: 'not a timeline cursor' });
    if (issues.length > 0) throw new InvalidQueryError(`timeline: ${issues.map((i) => i.message).join('; ')}`, issues);
    await this.get(id);
    const chosen = sources.filter((source) => options.kinds === undefined || options.kinds.includes(source.kind));
    const storage = this.context.storage;
    const read = await Promise.all(
      chosen.map((source) => {
        const before =
          cursor === undefined || cursor === null
            ? undefined
            : source.kind === cursor.kind
              ? { at: cursor.at, id: cursor.id, inclusive: false }
              : { at: cursor.at, inclusive: source.kind > cursor.kind };
        return source.read({ customerId: id, storage, ...(before === undefined ? {} : { before }), limit: limit + 1 });
      }),
    );
    const merged = read.flat().sort(compareTimeline);
    const items = merged.slice(0, limit);
    const last = items.at(-1);
    return merged.length > limit && last !== undefined ? { items, nextCursor: encodeTimelineCursor(last) } : { items };
  }

  /** @internal Reads phones without a country code in the crm's default region before validating. */
  protected override parseRecord(candidate: unknown, prefix: readonly PropertyKey[], issues: CrmIssue[]): ReadonlyRecord<Customer<C>> | undefined {
    const region = this.context.defaultRegion;
    const phones = (candidate as { phones?: unknown }).phones;
    if (region !== undefined && Array.isArray(phones)) {
      const read = phones.map((phone) => (typeof phone === 'string' ? (phoneToE164(phone, region) ?? phone) : phone));
      return super.parseRecord({ ...(candidate as object), phones: read }, prefix, issues);
    }
    return super.parseRecord(candidate, prefix, issues);
  }

  /** @internal Completes the managed `searchKeys`. */
  protected override async prepareWrites(
    storage: StorageOperations,
    writes: readonly { record: ReadonlyRecord<Customer<C>>; previous: ReadonlyRecord<Customer<C>> | undefined }[],
    now: Date,
    issues: ItemIssues,
  ): Promise<ReadonlyRecord<Customer<C>>[]> {
    const prepared = await super.prepareWrites(storage, writes, now, issues);
    return prepared.map((record) => ({ ...record, searchKeys: searchKeysOf(record) }) as ReadonlyRecord<Customer<C>>);
  }

  /** @internal Normalizes filter values on `emails`, `phones` and `searchKeys` as the stored values are. */
  protected override resolveWhere(filter: Filter | undefined): StorageFilter | undefined {
    return super.resolveWhere(filter === undefined ? undefined : normalizeFilter(filter, this.context.defaultRegion));
  }
}

type Ranked = { readonly score: number; readonly name: string; readonly customer: { readonly id: string } };

function compareRanked(a: Ranked, b: Ranked): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.customer.id < b.customer.id ? -1 : a.customer.id > b.customer.id ? 1 : 0;
}

function encodeSearchCursor(hit: Ranked): string {
  return toBase64Url(JSON.stringify(['s1', hit.score, hit.name, hit.customer.id]));
}

/** The position a cursor names, or `null` when it is not one. */
function decodeSearchCursor(cursor: unknown): Ranked | null {
  if (typeof cursor !== 'string' || cursor.length > 4096) return null;
  try {
    const value: unknown = JSON.parse(fromBase64Url(cursor));
    if (!Array.isArray(value) || value.length !== 4 || value[0] !== 's1') return null;
    const [, score, name, id] = value as unknown[];
    if (typeof score !== 'number' || typeof name !== 'string' || typeof id !== 'string') return null;
    return { score, name, customer: { id } };
  } catch {
    return null;
  }
}

/** The filter with values on normalized fields normalized the way the stored values are. */
function normalizeFilter(filter: Filter, region: Parameters<typeof phoneToE164>[1], depth = 0): Filter {
  // Anything malformed, or nested too deep, goes on as it is for resolveFilter to refuse.
  if (typeof filter !== 'object' || filter === null || depth > maxFilterDepth) return filter;
  if (!isCondition(filter)) {
    if (Object.keys(filter).length !== 1) return filter;
    if ('and' in filter && Array.isArray(filter.and)) return { and: filter.and.map((part) => normalizeFilter(part, region, depth + 1)) };
    if ('or' in filter && Array.isArray(filter.or)) return { or: filter.or.map((part) => normalizeFilter(part, region, depth + 1)) };
    if ('not' in filter) return { not: normalizeFilter(filter.not, region, depth + 1) };
    return filter;
  }
  const normalize =
    filter.field === 'emails'
      ? (value: string) => value.trim().toLowerCase()
      : filter.field === 'phones'
        ? (value: string) => phoneToE164(value, region) ?? value
        : filter.field === 'searchKeys'
          ? foldText
          : undefined;
  if (normalize === undefined || filter.op === 'exists') return filter;
  const each = (value: unknown) => (typeof value === 'string' ? normalize(value) : value);
  const value = Array.isArray(filter.value) ? filter.value.map(each) : each(filter.value);
  return { ...filter, value: value as FilterValue };
}

function checkDuplicateOptions(options: DuplicateOptions): { minScore: number; maxBlockSize: number } {
  const minScore = options.minScore ?? defaultDuplicateScore;
  const maxBlockSize = options.maxBlockSize ?? 200;
  const issues: CrmIssue[] = [];
  if (typeof minScore !== 'number' || !(minScore >= 0 && minScore <= 1)) issues.push({ code: 'invalid_option', path: ['minScore'], message: 'minScore is a number from 0 to 1' });
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 2) issues.push({ code: 'invalid_option', path: ['maxBlockSize'], message: 'maxBlockSize is an integer of at least 2' });
  if (issues.length > 0) throw new InvalidQueryError(`duplicates: ${issues.map((i) => i.message).join('; ')}`, issues);
  return { minScore, maxBlockSize };
}

/** Throws the first failure of a bulk call, so the enclosing transaction rolls back. */
function throwFailures(results: readonly ({ ok: true } | { ok: false; error: Error })[]): void {
  for (const result of results) if (!result.ok) throw result.error;
}

/** Timeline order: newest first, then kind ascending, then id descending. */
function compareTimeline(a: TimelineEntry, b: TimelineEntry): number {
  const time = b.at.getTime() - a.at.getTime();
  if (time !== 0) return time;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function encodeTimelineCursor(entry: TimelineEntry): string {
  return toBase64Url(JSON.stringify(['t1', entry.at.getTime(), entry.kind, entry.id]));
}

function decodeTimelineCursor(cursor: unknown): { at: Date; kind: string; id: string } | null {
  if (typeof cursor !== 'string' || cursor.length > 4096) return null;
  try {
    const value: unknown = JSON.parse(fromBase64Url(cursor));
    if (!Array.isArray(value) || value.length !== 4 || value[0] !== 't1') return null;
    const [, at, kind, id] = value as unknown[];
    if (typeof at !== 'number' || !Number.isFinite(at) || typeof kind !== 'string' || typeof id !== 'string') return null;
    return { at: new Date(at), kind, id };
  } catch {
    return null;
  }
}
