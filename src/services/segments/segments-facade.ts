import type { Customer } from '../../schema/customer.js';
import { NotFoundError, ValidationError, type CrmIssue } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import { resolveFilter } from '../../storage/resolve-filter.js';
import type { Page } from '../find-options.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import { parseFilter, segmentIdOf, serializeFilter } from './segment-filter.js';
import type { Segment } from './segment-model.js';
import type { SegmentMember } from './segment-member-model.js';

/**
 * A segment as the methods of `crm.segments` take it: its id, or the record.
 *
 * @example
 * ```ts
 * await crm.segments.count(vips); // or crm.segments.count(vips.id)
 * ```
 */
export type SegmentRef = string | { readonly id: string };

/**
 * What `crm.segments.define` takes.
 *
 * @example
 * ```ts
 * const definition: SegmentDefinition = { name: 'Frequent buyers', where: frequent, description: '3+ purchases in 90 days' };
 * ```
 */
export interface SegmentDefinition {
  /** The segment's name, unique; defining a name again makes a new version of that segment. */
  readonly name: string;
  /** The filter on customers; may hold related filters and `where.inSegment`. */
  readonly where: Filter;
  /** What it is for. */
  readonly description?: string;
}

/**
 * Options of `crm.segments.evaluate`.
 *
 * @example
 * ```ts
 * const options: EvaluateOptions = { limit: 100 };
 * ```
 */
export interface EvaluateOptions {
  /** Page size (as `find`). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/**
 * Who entered and who left, as customer ids in ascending order.
 *
 * @example
 * ```ts
 * const { entered, left }: SegmentDiff = await crm.segments.diff(lastWeek, now);
 * ```
 */
export interface SegmentDiff {
  /** In the second segment and not in the first. */
  readonly entered: readonly string[];
  /** In the first segment and not in the second. */
  readonly left: readonly string[];
}

/**
 * What `crm.segments.refresh` found and stored.
 *
 * @example
 * ```ts
 * const { entered, left, count }: SegmentRefresh = await crm.segments.refresh(vips);
 * ```
 */
export interface SegmentRefresh extends SegmentDiff {
  /** Members now. */
  readonly count: number;
  /** The segment with its `evaluatedAt` and `memberCount` updated. */
  readonly segment: Segment;
}

/**
 * The payload of `segment.entered` and `segment.left`: one customer entering
 * or leaving a segment, found by `crm.segments.refresh`.
 *
 * @example
 * ```ts
 * crm.events.on('segment.entered', ({ segmentId, customerId }) => welcome(customerId, segmentId));
 * ```
 */
export interface SegmentMembershipEvent {
  /** The segment. */
  readonly segmentId: string;
  /** Its name. */
  readonly segmentName: string;
  /** The customer. */
  readonly customerId: string;
  /** When the refresh ran (the crm clock). */
  readonly at: Date;
}

/** Segments nested deeper than this (through `where.inSegment`) are refused. */
const maxSegmentDepth = 16;
/** Ids read per page when listing members. */
const pageSize = 1000;

type Services = Readonly<Record<string, ModelService<any, any>>>;

/**
 * `crm.segments`: named, versioned customer filters. `define` stores one
 * (validated: its filter must resolve on customers; the segments it names
 * must exist and not lead back to it), `evaluate` / `count` / `contains`
 * answer it against the current data in one query where the adapter pushes
 * related filters down, `snapshot` freezes its members into a static segment,
 * `diff` compares two segments, and `refresh` stores the current membership and
 * emits `segment.entered` / `segment.left` for the change since the last one.
 * The records are `crm.segmentDefinitions` and `crm.segmentMembers`.
 *
 * @example
 * ```ts
 * const frequent = await crm.segments.define({
 *   name: 'Frequent buyers',
 *   where: where.related('interactions', {
 *     where: where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 90 }))),
 *     having: { fn: 'count', op: 'gte', value: 3 },
 *   }),
 * });
 * await crm.segments.count(frequent);
 * ```
 */
export class SegmentsFacade {
  readonly #context: ServiceContext;

  constructor(context: ServiceContext) {
    this.#context = context;
  }

  get #definitions(): ModelService<Segment, any> {
    return this.#context.services.segmentDefinitions as ModelService<Segment, any>;
  }

  get #customers(): ModelService<Customer, any> {
    return this.#context.services.customers as ModelService<Customer, any>;
  }

  /**
   * Stores a segment under `name`: a new one, or a new version of the segment
   * of that name. The filter is checked against customers (relative dates stay
   * relative) and stored serializably; every `where.inSegment` in it must name
   * an existing segment that does not refer back to this one. Bad input is a
   * `ValidationError` (or the filter's `InvalidQueryError`) and stores nothing.
   *
   * @example
   * ```ts
   * const lapsed = await crm.segments.define({ name: 'Lapsed', where: where.not(where.related('interactions', { where: recentPurchase })) });
   * ```
   */
  async define(definition: SegmentDefinition): Promise<Segment> {
    if (typeof definition !== 'object' || definition === null) {
      throw new ValidationError('define takes { name, where }', [{ code: 'invalid_segment', path: [], message: 'define takes { name, where }' }]);
    }
    const { name, where, description } = definition;
    if (where === undefined || typeof where !== 'object' || where === null) {
      throw new ValidationError('a segment needs a filter', [{ code: 'invalid_segment', path: ['where'], message: 'where must be a filter' }]);
    }
    const existing = typeof name === 'string' ? await this.#byName(name.trim()) : undefined;
    const refersTo = [...new Set(collectSegmentIds(where))];
    const issues: CrmIssue[] = [];
    const known = await this.#definitions.getMany(refersTo);
    refersTo.forEach((id, i) => {
      if (known[i] === undefined) issues.push({ code: 'unknown_segment', path: ['where'], message: `no segment ${JSON.stringify(id)}` });
    });
    if (issues.length > 0) throw new ValidationError(`Invalid segment: ${issues.map((i) => i.message).join('; ')}`, issues);
    if (existing !== undefined) await this.#refuseCycle(existing.id, refersTo);
    // The filter must hold on customers as expanded (dynamic segments inline).
    this.#resolve(await this.#expand(where, existing === undefined ? [] : [existing.id]));
    const serialized = serializeFilter(where);
    if (existing === undefined) {
      return (await this.#definitions.create({
        name,
        kind: 'dynamic',
        filter: serialized,
        refersTo,
        ...(description === undefined ? {} : { description }),
      })) as Segment;
    }
    if (existing.kind === 'static') {
      throw new ValidationError(`${existing.name} is a static segment (a snapshot); its members are fixed`, [
        { code: 'invalid_segment', path: ['name'], message: 'a static segment cannot take a filter' },
      ]);
    }
    return (await this.#definitions.update(existing.id, (draft: any) => {
      draft.filter = serialized;
      draft.refersTo = refersTo;
      if (description !== undefined) draft.description = description;
    })) as Segment;
  }

  /**
   * The segment's record, by id or by name.
   *
   * @example
   * ```ts
   * const vips = await crm.segments.get('VIPs');
   * ```
   */
  async get(segment: SegmentRef): Promise<Segment> {
    if (typeof segment === 'string') {
      const [byId] = await this.#definitions.getMany([segment]);
      if (byId !== undefined) return byId;
      const named = await this.#byName(segment);
      if (named !== undefined) return named;
      throw new NotFoundError('segmentDefinitions', segment);
    }
    return this.#definitions.get(segment.id);
  }

  /**
   * The filter the segment stands for, with every dynamic segment it names
   * inlined (its members by list for a static one): what `evaluate` runs.
   *
   * @example
   * ```ts
   * await crm.customers.find({ where: await crm.segments.filterOf(vips) });
   * ```
   */
  async filterOf(segment: SegmentRef): Promise<Filter> {
    const record = await this.get(segment);
    if (record.kind === 'static') return { related: { collection: 'segmentMembers', where: { field: 'segmentId', op: 'eq', value: record.id } } };
    return this.#expand(parseFilter(record.filter ?? '{"and":[]}'), [record.id]);
  }

  /**
   * One page of the segment's customers now, by id.
   *
   * @example
   * ```ts
   * const { items, nextCursor } = await crm.segments.evaluate(frequent, { limit: 100 });
   * ```
   */
  async evaluate(segment: SegmentRef, options: EvaluateOptions = {}): Promise<Page<Customer>> {
    return this.#customers.find({ where: await this.filterOf(segment), ...options } as never);
  }

  /**
   * How many customers are in the segment now.
   *
   * @example
   * ```ts
   * await crm.segments.count('Frequent buyers'); // 1204
   * ```
   */
  async count(segment: SegmentRef): Promise<number> {
    return this.#customers.count((await this.filterOf(segment)) as never);
  }

  /**
   * Whether the customer is in the segment now.
   *
   * @example
   * ```ts
   * if (await crm.segments.contains(vips, ada.id)) offer(ada);
   * ```
   */
  async contains(segment: SegmentRef, customerId: string): Promise<boolean> {
    if (typeof customerId !== 'string' || customerId.length === 0) {
      throw new ValidationError('contains takes a customer id', [{ code: 'invalid_type', path: ['customerId'], message: 'a customer id is a non-empty string' }]);
    }
    const filter = { and: [{ field: 'id', op: 'eq', value: customerId }, await this.filterOf(segment)] } as Filter;
    return (await this.#customers.count(filter as never)) > 0;
  }

  /**
   * Freezes the segment's current members into a new static segment named
   * `name` (its members stored in `segmentMembers`), and returns it.
   *
   * @example
   * ```ts
   * const monday = await crm.segments.snapshot(frequent, { name: 'Frequent buyers 2025-01-06' });
   * ```
   */
  async snapshot(segment: SegmentRef, options: { readonly name: string; readonly description?: string }): Promise<Segment> {
    const source = await this.get(segment);
    const ids = await this.#memberIds(source);
    const now = this.#context.clock.now();
    return this.#atomically(async (services) => {
      const definitions = services.segmentDefinitions as ModelService<Segment, any>;
      const created = (await definitions.create({
        name: options?.name,
        kind: 'static',
        refersTo: [],
        sourceSegmentId: source.id,
        evaluatedAt: now,
        memberCount: ids.length,
        ...(options?.description === undefined ? {} : { description: options.description }),
      })) as Segment;
      await this.#writeMembers(services, created.id, ids, []);
      return created;
    });
  }

  /**
   * Who is in `b` and not in `a` (entered), and in `a` and not in `b` (left),
   * each segment as it is now (a static one: its list).
   *
   * @example
   * ```ts
   * const { entered, left } = await crm.segments.diff(lastWeeksSnapshot, frequent);
   * ```
   */
  async diff(a: SegmentRef, b: SegmentRef): Promise<SegmentDiff> {
    const before = new Set(await this.#memberIds(await this.get(a)));
    const after = new Set(await this.#memberIds(await this.get(b)));
    return { entered: [...after].filter((id) => !before.has(id)).sort(), left: [...before].filter((id) => !after.has(id)).sort() };
  }

  /**
   * Re-evaluates a dynamic segment, stores its membership (so
   * `where.inSegment` reads it) and emits `segment.entered` and `segment.left`
   * for each customer who entered or left since the last refresh (the first
   * refresh: everyone entered). Events are emitted after the write committed.
   *
   * @example
   * ```ts
   * crm.events.on('segment.entered', ({ customerId }) => sendWelcome(customerId));
   * await crm.segments.refresh(frequent);
   * ```
   */
  async refresh(segment: SegmentRef): Promise<SegmentRefresh> {
    const record = await this.get(segment);
    if (record.kind === 'static') {
      throw new ValidationError(`${record.name} is a static segment; it has nothing to re-evaluate`, [
        { code: 'invalid_segment', path: ['segment'], message: 'refresh takes a dynamic segment' },
      ]);
    }
    const now = this.#context.clock.now();
    const current = await this.#memberIds(record);
    const stored = await this.#storedIds(record.id);
    const before = new Set(stored);
    const after = new Set(current);
    const entered = current.filter((id) => !before.has(id)).sort();
    const left = stored.filter((id) => !after.has(id)).sort();
    const updated = await this.#atomically(async (services) => {
      await this.#writeMembers(services, record.id, entered, left);
      return (await (services.segmentDefinitions as ModelService<Segment, any>).update(record.id, (draft: any) => {
        draft.evaluatedAt = now;
        draft.memberCount = current.length;
      })) as Segment;
    });
    for (const customerId of entered) this.#context.emit('segment.entered', { segmentId: record.id, segmentName: record.name, customerId, at: now });
    for (const customerId of left) this.#context.emit('segment.left', { segmentId: record.id, segmentName: record.name, customerId, at: now });
    return { entered, left, count: current.length, segment: updated };
  }

  async #byName(name: string): Promise<Segment | undefined> {
    const page = await this.#definitions.find({ where: { field: 'name', op: 'eq', value: name }, limit: 1 } as never);
    return page.items[0];
  }

  /** Refuses a definition of `id` whose named segments lead back to it. */
  async #refuseCycle(id: string, refersTo: readonly string[]): Promise<void> {
    const seen = new Set<string>();
    const stack = refersTo.map((next) => [id, next]);
    while (stack.length > 0) {
      const path = stack.pop()!;
      const at = path.at(-1)!;
      if (at === id) {
        throw new ValidationError(`segment ${id} would refer to itself through ${path.join(' -> ')}`, [
          { code: 'segment_cycle', path: ['where'], message: `cycle ${path.join(' -> ')}` },
        ]);
      }
      if (seen.has(at)) continue;
      seen.add(at);
      const [record] = await this.#definitions.getMany([at]);
      for (const next of record?.refersTo ?? []) stack.push([...path, next]);
    }
  }

  /** The filter with every `inSegment` of a dynamic segment replaced by that segment's filter, expanded. */
  async #expand(filter: Filter, path: readonly string[]): Promise<Filter> {
    const id = segmentIdOf(filter);
    if (id !== undefined) {
      if (path.includes(id)) {
        throw new ValidationError(`segments refer to each other in a cycle: ${[...path, id].join(' -> ')}`, [
          { code: 'segment_cycle', path: ['where'], message: `cycle ${[...path, id].join(' -> ')}` },
        ]);
      }
      if (path.length >= maxSegmentDepth) {
        throw new ValidationError(`segments nest at most ${maxSegmentDepth} deep`, [{ code: 'invalid_segment', path: ['where'], message: 'too deep' }]);
      }
      const [record] = await this.#definitions.getMany([id]);
      if (record === undefined) throw new ValidationError(`no segment ${JSON.stringify(id)}`, [{ code: 'unknown_segment', path: ['where'], message: `no segment ${id}` }]);
      if (record.kind === 'static') return filter;
      return this.#expand(parseFilter(record.filter ?? '{"and":[]}'), [...path, id]);
    }
    if (typeof filter !== 'object' || filter === null) return filter;
    if ('and' in filter && Array.isArray(filter.and)) return { and: await Promise.all(filter.and.map((part) => this.#expand(part, path))) };
    if ('or' in filter && Array.isArray(filter.or)) return { or: await Promise.all(filter.or.map((part) => this.#expand(part, path))) };
    if ('not' in filter && Object.keys(filter).length === 1) return { not: await this.#expand(filter.not, path) };
    return filter;
  }

  /** Checks the expanded filter on customers: the filter's `InvalidQueryError` when it does not hold. */
  #resolve(filter: Filter): void {
    const { schema, clock, timeZone } = this.#context;
    resolveFilter(filter, schema.collections.customers!, clock.now(), timeZone, schema);
  }

  /** The segment's members now, ascending. */
  async #memberIds(segment: Segment): Promise<string[]> {
    if (segment.kind === 'static') return this.#storedIds(segment.id);
    const ids: string[] = [];
    for await (const batch of this.#customers.scan({ where: await this.filterOf(segment), batchSize: pageSize } as never)) {
      for (const customer of batch) ids.push(customer.id);
    }
    return ids.sort();
  }

  /** The members stored for a segment (its list, or its last refresh), ascending. */
  async #storedIds(segmentId: string): Promise<string[]> {
    const ids: string[] = [];
    const members = this.#context.services.segmentMembers as ModelService<SegmentMember, any>;
    for await (const batch of members.scan({ where: { field: 'segmentId', op: 'eq', value: segmentId }, batchSize: pageSize } as never)) {
      for (const member of batch) ids.push(member.customerId);
    }
    return [...new Set(ids)].sort(); // a merge may have left two rows for one customer
  }

  /** Adds and removes stored members of a segment. */
  async #writeMembers(services: Services, segmentId: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    const members = services.segmentMembers as ModelService<SegmentMember, any>;
    for (let i = 0; i < add.length; i += pageSize) {
      await members.createMany(add.slice(i, i + pageSize).map((customerId) => ({ segmentId, customerId })));
    }
    for (let i = 0; i < remove.length; i += pageSize) {
      const chunk = remove.slice(i, i + pageSize);
      const found = await members.find({
        where: { and: [{ field: 'segmentId', op: 'eq', value: segmentId }, { field: 'customerId', op: 'in', value: chunk }] },
        limit: pageSize,
      } as never);
      await members.deleteMany(found.items.map((member) => member.id));
    }
  }

  /** Runs `fn` in a transaction where the adapter has them, else directly. */
  #atomically<T>(fn: (services: Services) => Promise<T>): Promise<T> {
    return this.#context.adapter.capabilities.transactions ? this.#context.transaction(fn) : fn(this.#context.services);
  }
}

/** The segment ids a filter names through `where.inSegment`, anywhere in it. */
function collectSegmentIds(filter: unknown, depth = 0): string[] {
  if (typeof filter !== 'object' || filter === null || depth > 64) return [];
  const id = segmentIdOf(filter);
  if (id !== undefined) return [id];
  const node = filter as Record<string, unknown>;
  if (Array.isArray(node.and)) return node.and.flatMap((part) => collectSegmentIds(part, depth + 1));
  if (Array.isArray(node.or)) return node.or.flatMap((part) => collectSegmentIds(part, depth + 1));
  if ('not' in node) return collectSegmentIds(node.not, depth + 1);
  return [];
}
