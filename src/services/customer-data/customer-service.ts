import type { Customer, CustomerInput } from '../../schema/customer.js';
import type { StorageOperations } from '../../storage/adapter.js';
import { InvalidQueryError, type CrmIssue } from '../../storage/errors.js';
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
  return Buffer.from(JSON.stringify(['s1', hit.score, hit.name, hit.customer.id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or `null` when it is not one. */
function decodeSearchCursor(cursor: unknown): Ranked | null {
  if (typeof cursor !== 'string' || cursor.length > 4096) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
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
