import type { Draft } from 'immer';
import * as z from 'zod';
import type { HandoffPosition, HandoffPositionInput } from '../../schema/handoff-position.js';
import { isOwnedCollection, ownershipTransferShape, recordOwnerFields, type OwnedCollection, type OwnershipTransfer, type OwnershipTransferInput } from '../../schema/ownership-transfer.js';
import { recordNoteShape, type RecordNote, type RecordNoteInput } from '../../schema/record-note.js';
import { InvalidQueryError, InvalidTransitionError, isCrmError, type CrmIssue } from '../../storage/errors.js';
import type { Filter } from '../../storage/filter.js';
import { changeFeedSequenceModel, feedSequenceId } from '../change-feed/change-feed-entry.js';
import { feedPosition } from '../change-feed/feed-cursor.js';
import type { Page } from '../find-options.js';
import type { ModelService } from '../model-service.js';
import type { ServiceContext } from '../service-context.js';
import { isNotableCollection } from './handoff-collections.js';
import { inputIssues, throwIfInvalid } from './handoff-input.js';
import type { HandoffRefusal } from './handoff-refusals.js';
import { changesConcerning, type WhatChangedOptions, type WhatChangedPage } from './what-changed.js';

/**
 * What `crm.handoffs.note` takes besides the record.
 *
 * @example
 * ```ts
 * const input: NoteInput = { body: 'Renewal is at risk, see the last call', mentions: ['u_alan'] };
 * ```
 */
export interface NoteInput {
  /** The text, trimmed, 1 to 10,000 characters. */
  readonly body: string;
  /** Ids of the host's users (actors) to mention, at most 50; duplicates are dropped. */
  readonly mentions?: readonly string[];
}

/**
 * What `crm.handoffs.transfer` takes besides the record.
 *
 * @example
 * ```ts
 * const input: TransferInput = { to: 'u_alan', reason: 'Alan covers the DACH region' };
 * ```
 */
export interface TransferInput {
  /** The new owner's id. */
  readonly to: string;
  /** Why, 1 to 1,000 characters (trimmed). */
  readonly reason: string;
}

/**
 * Paging options of `notes`, `mentions` and `transfers`: like `find`'s.
 *
 * @example
 * ```ts
 * const next = await crm.handoffs.notes('deals', deal.id, { limit: 20, cursor: page.nextCursor });
 * ```
 */
export interface HandoffPageOptions {
  /** Page size, 1 to 1,000; 50 by default. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

const noteInputSchema = z.strictObject({ body: recordNoteShape.body, mentions: recordNoteShape.mentions });
const transferInputSchema = z.strictObject({ to: ownershipTransferShape.to, reason: ownershipTransferShape.reason });
const recordIdSchema = z.string().min(1).max(128);
const actorIdSchema = z.string().min(1).max(256);

type AnyServices = Readonly<Record<string, ModelService<any, any>>>;

/**
 * `crm.handoffs`: handoffs between departments. Shared notes with mentions on any record
 * ({@link note}, {@link notes}, {@link mentions}), ownership transfer with a reason
 * ({@link transfer}, {@link transfers}), and a per-actor "what changed since I last looked"
 * built on the change feed ({@link whatChanged}, {@link markSeen}). Records are read through the
 * collections' own services, so under `crm.as` a record the subject cannot see is not found.
 * See `docs/handoffs.md`.
 *
 * @example
 * ```ts
 * const grace = crm.withActor({ kind: 'user', id: 'u_grace' });
 * await grace.handoffs.note('deals', deal.id, { body: 'Alan, this one is yours now', mentions: ['u_alan'] });
 * await grace.handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: 'Grace moves to support' });
 * const { changes, cursor } = await crm.withActor({ kind: 'user', id: 'u_alan' }).handoffs.whatChanged();
 * ```
 */
export class HandoffsFacade {
  readonly #context: ServiceContext;

  /** @internal Made by `createCrm`. */
  constructor(context: ServiceContext) {
    this.#context = context;
  }

  get #services(): AnyServices {
    return this.#context.services;
  }

  /**
   * Writes a shared note on a record and emits `handoff.mentioned` once per mention after the
   * commit. The record must exist and be visible to this crm (`crm.as`): else `NotFoundError`.
   * Bad input (an unknown collection, an empty body, more than 50 mentions, a mention that is not
   * a non-empty string) is a `ValidationError` with the issues' paths, and nothing is written.
   *
   * @example
   * ```ts
   * const note = await crm.withActor(grace).handoffs.note('cases', ticket.id, { body: 'Billing knows', mentions: ['u_alan', 'u_ada'] });
   * ```
   */
  async note(collection: string, recordId: string, input: NoteInput): Promise<RecordNote> {
    const issues: CrmIssue[] = [];
    if (!isNotableCollection(this.#context, collection)) {
      issues.push({ code: 'invalid_value', path: ['collection'], message: `notes are not taken on ${JSON.stringify(collection)}: not a collection of this crm` });
    }
    issues.push(...inputIssues(recordIdSchema, recordId, ['recordId']).issues);
    const parsed = inputIssues(noteInputSchema, input, []);
    issues.push(...parsed.issues);
    throwIfInvalid('Invalid note', issues);
    const { body, mentions } = parsed.data as z.output<typeof noteInputSchema>;
    const note = await this.#context.transaction(async (tx) => {
      await tx[collection]!.get(recordId);
      return (tx.recordNotes as ModelService<RecordNote, RecordNoteInput>).create({ collection, recordId, body, mentions });
    });
    for (const mentioned of note.mentions) this.#context.emit('handoff.mentioned', { mentioned, note, actor: this.#context.actor });
    return note;
  }

  /**
   * The notes on a record, newest first, paged like `find`. The record must be visible (else
   * `NotFoundError`; a record deleted since still lists its notes only through `crm.recordNotes`).
   *
   * @example
   * ```ts
   * const { items, nextCursor } = await crm.handoffs.notes('deals', deal.id, { limit: 20 });
   * ```
   */
  async notes(collection: string, recordId: string, options: HandoffPageOptions = {}): Promise<Page<RecordNote>> {
    const issues: CrmIssue[] = [];
    if (!isNotableCollection(this.#context, collection)) {
      issues.push({ code: 'invalid_value', path: ['collection'], message: `notes are not taken on ${JSON.stringify(collection)}: not a collection of this crm` });
    }
    issues.push(...inputIssues(recordIdSchema, recordId, ['recordId']).issues);
    if (issues.length > 0) throw new InvalidQueryError(`Invalid notes query: ${issues[0]!.message}`, issues);
    await this.#services[collection]!.get(recordId);
    return this.#newestFirst(this.#services.recordNotes!, { and: [{ field: 'collection', op: 'eq', value: collection }, { field: 'recordId', op: 'eq', value: recordId }] }, 'createdAt', options);
  }

  /**
   * The notes that mention `actorId`, newest first, paged like `find`.
   *
   * @example
   * ```ts
   * const { items } = await crm.handoffs.mentions('u_alan', { limit: 50 });
   * ```
   */
  async mentions(actorId: string, options: HandoffPageOptions = {}): Promise<Page<RecordNote>> {
    const { issues } = inputIssues(actorIdSchema, actorId, ['actorId']);
    if (issues.length > 0) throw new InvalidQueryError(`Invalid mentions query: ${issues[0]!.message}`, issues);
    return this.#newestFirst(this.#services.recordNotes!, { field: 'mentions', op: 'contains', value: actorId }, 'createdAt', options);
  }

  /**
   * Transfers a record to a new owner, with a reason: in one transaction, sets the record's owner
   * field (`recordOwnerFields`: `ownerId` of customers and deals, `assigneeId` of cases and tasks)
   * through the collection's own service (validation, history, change feed, events, access checks;
   * a case through `crm.cases.assign`, so its timeline shows it) and writes an `ownershipTransfers`
   * row; emits `handoff.transferred` after the commit. A collection without an owner field or bad
   * input is a `ValidationError`; a record already owned by `to` is an `InvalidTransitionError`
   * (`already_owner`); a missing or invisible record is a `NotFoundError`. Nothing is written then.
   *
   * @example
   * ```ts
   * await crm.withActor(grace).handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: 'Alan covers DACH' });
   * ```
   */
  async transfer(collection: string, recordId: string, input: TransferInput): Promise<OwnershipTransfer> {
    const issues: CrmIssue[] = [];
    if (!isOwnedCollection(collection) || !Object.hasOwn(this.#services, collection)) {
      issues.push({ code: 'invalid_value', path: ['collection'], message: `${JSON.stringify(collection)} has no owner field: transfer takes ${Object.keys(recordOwnerFields).join(', ')}` });
    }
    issues.push(...inputIssues(recordIdSchema, recordId, ['recordId']).issues);
    const parsed = inputIssues(transferInputSchema, input, []);
    issues.push(...parsed.issues);
    throwIfInvalid('Invalid transfer', issues);
    const { to, reason } = parsed.data as z.output<typeof transferInputSchema>;
    const owned = collection as OwnedCollection;
    const field = recordOwnerFields[owned];
    const transfer = await this.#context.transaction(async (tx) => {
      const service = tx[owned]!;
      const record = (await service.get(recordId)) as Record<string, unknown>;
      const from = record[field] as string | undefined;
      if (from === to) {
        throw new InvalidTransitionError(`${owned} record ${recordId} is owned by ${to} already`, { reason: 'already_owner' satisfies HandoffRefusal });
      }
      if (owned === 'cases') await (service as unknown as { assign(id: string, target: { agentId: string }): Promise<unknown> }).assign(recordId, { agentId: to });
      else await service.update(recordId, (draft: Draft<Record<string, unknown>>) => void (draft[field] = to));
      return (tx.ownershipTransfers as ModelService<OwnershipTransfer, OwnershipTransferInput>).create({
        collection: owned,
        recordId,
        field,
        ...(from === undefined ? {} : { from }),
        to,
        reason,
        at: this.#context.clock.now(),
      });
    });
    this.#context.emit('handoff.transferred', { transfer, actor: this.#context.actor });
    return transfer;
  }

  /**
   * The ownership transfers of a record, oldest first, paged like `find`. The record must be
   * visible (else `NotFoundError`); a collection without an owner field is an `InvalidQueryError`.
   *
   * @example
   * ```ts
   * const { items } = await crm.handoffs.transfers('deals', deal.id); // [{ from: 'u_grace', to: 'u_alan', reason, actor, at }]
   * ```
   */
  async transfers(collection: string, recordId: string, options: HandoffPageOptions = {}): Promise<Page<OwnershipTransfer>> {
    const issues: CrmIssue[] = [];
    if (!isOwnedCollection(collection) || !Object.hasOwn(this.#services, collection)) {
      issues.push({ code: 'invalid_value', path: ['collection'], message: `${JSON.stringify(collection)} has no owner field` });
    }
    issues.push(...inputIssues(recordIdSchema, recordId, ['recordId']).issues);
    if (issues.length > 0) throw new InvalidQueryError(`Invalid transfers query: ${issues[0]!.message}`, issues);
    await this.#services[collection]!.get(recordId);
    const find = this.#services.ownershipTransfers!.find.bind(this.#services.ownershipTransfers) as unknown as (options: object) => Promise<Page<OwnershipTransfer>>;
    return find({
      where: { and: [{ field: 'collection', op: 'eq', value: collection }, { field: 'recordId', op: 'eq', value: recordId }] },
      sort: [{ field: 'at', direction: 'asc' }, { field: 'id', direction: 'asc' }],
      limit: options.limit ?? 50,
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
  }

  /**
   * What changed since this crm's actor last looked: the change-feed entries committed after the
   * actor's stored position (`markSeen`; the start of the feed before the first) that concern a
   * record the actor can see and owns (its owner field holds the actor's id, judged now) or on which
   * a note mentions the actor, and the notes that mention the actor, leaving out the actor's own
   * writes. At most `limit` changes, in commit order; it reads at most 10,000 entries per call
   * (`maxEntriesScanned`) and returns the cursor it got to. It does not move the position: call
   * {@link markSeen} with the cursor. A bad limit or cursor is an `InvalidQueryError`.
   *
   * @example
   * ```ts
   * const me = crm.withActor({ kind: 'user', id: 'u_alan' });
   * const { changes, cursor } = await me.handoffs.whatChanged({ limit: 50 });
   * await me.handoffs.markSeen(cursor);
   * ```
   */
  async whatChanged(options: WhatChangedOptions = {}): Promise<WhatChangedPage> {
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new InvalidQueryError('limit must be an integer from 1 to 1,000', [{ code: 'invalid_limit', path: ['limit'], message: 'limit must be an integer from 1 to 1,000' }]);
    }
    const after = options.after === undefined ? ((await this.#position())?.position ?? 0) : await this.#cursor(options.after, ['after']);
    return changesConcerning(this.#context, after, limit);
  }

  /**
   * Stores `cursor` (one `whatChanged` returned) as this crm's actor's position, so the next
   * `whatChanged` starts after it. The position never moves back: a cursor behind the stored one
   * is ignored. A cursor that is not a change-feed cursor, or one past the end of the feed, is an
   * `InvalidQueryError`. Returns the position stored, as a cursor.
   *
   * @example
   * ```ts
   * const { cursor } = await me.handoffs.whatChanged();
   * await me.handoffs.markSeen(cursor); // '42'
   * ```
   */
  async markSeen(cursor: string): Promise<string> {
    const position = await this.#cursor(cursor, ['cursor']);
    const actorId = this.#context.actor.id;
    try {
      return await this.#storePosition(actorId, position);
    } catch (error) {
      // Another call made the actor's first position at the same time (the unique key): move that one.
      // Not inside the host's transaction, which the failed insert may have spoilt.
      if (!isCrmError(error, 'conflict') || this.#context.inTransaction) throw error;
      return this.#storePosition(actorId, position);
    }
  }

  /** Creates the actor's position, or moves it forward to `position`; returns the position stored. */
  async #storePosition(actorId: string, position: number): Promise<string> {
    return this.#context.transaction(async (tx) => {
      const positions = tx.handoffPositions as ModelService<HandoffPosition, HandoffPositionInput>;
      const [stored] = (await positions.find({ where: { field: 'actorId', op: 'eq', value: actorId }, limit: 1 } as never)).items;
      if (stored === undefined) return String((await positions.create({ actorId, position })).position);
      if (position <= stored.position) return String(stored.position);
      const updated = await positions.update(stored.id, (draft) => void (draft.position = Math.max(draft.position, position)));
      return String(updated.position);
    });
  }

  /** This crm's actor's stored position, if any. */
  async #position(): Promise<HandoffPosition | undefined> {
    const positions = this.#services.handoffPositions as ModelService<HandoffPosition, HandoffPositionInput>;
    return (await positions.find({ where: { field: 'actorId', op: 'eq', value: this.#context.actor.id }, limit: 1 } as never)).items[0];
  }

  /** A change-feed cursor as a sequence number, refused past the end of the feed. */
  async #cursor(cursor: unknown, path: readonly PropertyKey[]): Promise<number> {
    const message = 'a cursor is the string whatChanged returned';
    if (typeof cursor !== 'string') throw new InvalidQueryError(message, [{ code: 'invalid_cursor', path: [...path], message }]);
    const position = feedPosition(cursor, path);
    const last = await lastFeedSequence(this.#context);
    if (position > last) {
      const past = `cursor ${cursor} is past the end of the change feed (${last})`;
      throw new InvalidQueryError(past, [{ code: 'invalid_cursor', path: [...path], message: past }]);
    }
    return position;
  }

  /** One page of `service`'s records matching `where`, `field` descending, then id descending. */
  async #newestFirst<R>(service: ModelService<any, any>, where: Filter, field: string, options: HandoffPageOptions): Promise<Page<R>> {
    const find = service.find.bind(service) as unknown as (options: object) => Promise<Page<R>>;
    return find({
      where,
      sort: [{ field, direction: 'desc' }, { field: 'id', direction: 'desc' }],
      limit: options.limit ?? 50,
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
  }
}

/** The feed's last sequence number as stored (0 before the first write). */
async function lastFeedSequence(context: Pick<ServiceContext, 'storage'>): Promise<number> {
  const [sequence] = await context.storage.getMany(changeFeedSequenceModel.collection, [feedSequenceId]);
  return typeof sequence?.last === 'number' ? sequence.last : 0;
}
