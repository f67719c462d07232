import type { Deal } from '../../schema/deal.js';
import { dealStageEntryModel, type DealStageEntry } from '../../schema/deal-stage-entry.js';
import type { Pipeline } from '../../schema/pipeline.js';
import type { StorageOperations } from '../../storage/adapter.js';
import { AdapterError } from '../../storage/errors.js';
import { scanStorage } from '../../storage/scan-storage.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import type { Actor } from '../actor.js';
import type { IdGenerator } from '../id-generator.js';
import type { WriteChange } from '../write-hook.js';

/** The collection of the deal stage history. */
export const stageHistoryCollection = 'dealStageHistory';

/** What {@link stageHistoryWrites} needs of the write. */
export interface StageHistoryContext {
  readonly now: Date;
  readonly actor: Actor;
  readonly ids: IdGenerator;
  readonly keysetAfter: boolean;
}

/**
 * Writes the stage history of a batch of deal changes into the write's atomic block: a created
 * deal opens its first stay; a deal whose stage (or pipeline) changed closes its open stay (left
 * when, by whom, for which stage, after how long) and opens the next one (with the deal's amount,
 * owner and the stage's probability now); a deleted deal takes its history with it. Other changes
 * write nothing. One read of the batch's earlier stays, one insert, one update.
 *
 * @example
 * ```ts
 * await stageHistoryWrites(storage, changes, { now, actor, ids, keysetAfter: true });
 * ```
 */
export async function stageHistoryWrites(storage: StorageOperations, changes: readonly WriteChange[], context: StageHistoryContext): Promise<void> {
  const deals = changes.filter((change) => change.collection === 'deals');
  if (deals.length === 0) return;
  const moved = deals.filter((change) => change.operation === 'update' && enteredNewStage(change));
  const created = deals.filter((change) => change.operation === 'create');
  const deleted = deals.filter((change) => change.operation === 'delete');
  const earlier = await readStays(storage, [...moved, ...deleted].map((change) => change.id), context.keysetAfter);
  const entering = [...created, ...moved];
  const pipelineIds = [...new Set(entering.map((change) => (change.record as unknown as Deal).pipelineId))];
  const pipelines = (await storage.getMany('pipelines', pipelineIds)) as unknown as (Pipeline | undefined)[];
  const pipelineById = new Map(pipelineIds.map((id, i) => [id, pipelines[i]]));
  const inserts: StoredRecord[] = [];
  const updates: { record: StoredRecord; expectedVersion: number }[] = [];
  const { now, actor } = context;
  for (const change of entering) {
    const deal = change.record as unknown as Deal;
    const stays = earlier.get(change.id) ?? [];
    const open = stays.at(-1);
    const dealOutcome = deal.status === 'open' ? undefined : deal.status;
    for (const stay of stays) {
      const next: Record<string, unknown> = { ...stay };
      if (stay === open && stay.leftAt === undefined) {
        Object.assign(next, { leftAt: now, leftBy: actor, toStageId: deal.stageId, durationMs: Math.max(0, now.getTime() - stay.enteredAt.getTime()) });
      }
      if (dealOutcome === undefined) delete next.dealOutcome;
      else next.dealOutcome = dealOutcome;
      if (next.leftAt === stay.leftAt && next.dealOutcome === stay.dealOutcome) continue;
      updates.push({ record: parse({ ...next, updatedAt: now, version: stay.version + 1 }), expectedVersion: stay.version });
    }
    const stage = pipelineById.get(deal.pipelineId)?.stages.find((s) => s.id === deal.stageId);
    if (stage === undefined) throw new AdapterError(`deal ${deal.id}: stage ${deal.stageId} vanished from its pipeline during the write`);
    const entry: Record<string, unknown> = {
      id: context.ids(),
      createdAt: now,
      updatedAt: now,
      version: 1,
      dealId: deal.id,
      customerId: deal.customerId,
      pipelineId: deal.pipelineId,
      stageId: deal.stageId,
      outcome: stage.outcome,
      probability: stage.probability,
      enteredAt: now,
      enteredBy: actor,
      firstEntry: !stays.some((stay) => stay.stageId === deal.stageId && stay.pipelineId === deal.pipelineId),
      sequence: (open?.sequence ?? 0) + 1,
      custom: {},
    };
    if (deal.amount !== undefined) entry.amount = deal.amount;
    if (deal.currency !== undefined) entry.currency = deal.currency;
    if (deal.ownerId !== undefined) entry.ownerId = deal.ownerId;
    if (change.previous !== undefined) entry.fromStageId = (change.previous as unknown as Deal).stageId;
    if (dealOutcome !== undefined) entry.dealOutcome = dealOutcome;
    inserts.push(parse(entry));
  }
  if (updates.length > 0) failOn(await storage.updateMany(stageHistoryCollection, updates));
  if (inserts.length > 0) failOn(await storage.insertMany(stageHistoryCollection, inserts));
  const gone = deleted.flatMap((change) => (earlier.get(change.id) ?? []).map((stay) => ({ id: stay.id, expectedVersion: stay.version })));
  if (gone.length > 0) failOn(await storage.deleteMany(stageHistoryCollection, gone));
}

function enteredNewStage(change: WriteChange): boolean {
  const record = change.record as unknown as Deal;
  const previous = change.previous as unknown as Deal;
  return record.stageId !== previous.stageId || record.pipelineId !== previous.pipelineId;
}

/** The stays of these deals, each deal's in sequence order. */
async function readStays(storage: StorageOperations, dealIds: readonly string[], keysetAfter: boolean): Promise<Map<string, DealStageEntry[]>> {
  const byDeal = new Map<string, DealStageEntry[]>();
  if (dealIds.length === 0) return byDeal;
  const query = {
    filter: dealIds.length === 1 ? { field: 'dealId', op: 'eq' as const, value: dealIds[0]! } : { field: 'dealId', op: 'in' as const, value: [...new Set(dealIds)] },
    sort: [
      { field: 'dealId', direction: 'asc' as const },
      { field: 'sequence', direction: 'asc' as const },
      { field: 'id', direction: 'asc' as const },
    ],
  };
  for await (const batch of scanStorage(storage, stageHistoryCollection, query, 1000, { keysetAfter })) {
    for (const record of batch) {
      const stay = record as unknown as DealStageEntry;
      const list = byDeal.get(stay.dealId) ?? [];
      list.push(stay);
      byDeal.set(stay.dealId, list);
    }
  }
  return byDeal;
}

function parse(entry: unknown): StoredRecord {
  return dealStageEntryModel.recordSchema.parse(entry) as unknown as StoredRecord;
}

function failOn(outcomes: readonly { ok: boolean }[]): void {
  if (outcomes.some((outcome) => !outcome.ok)) throw new AdapterError('the deal stage history could not be written');
}
