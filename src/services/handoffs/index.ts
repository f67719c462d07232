import { handoffPositionModel } from '../../schema/handoff-position.js';
import { ownershipTransferModel } from '../../schema/ownership-transfer.js';
import { recordNoteModel } from '../../schema/record-note.js';
import { defineModule, eventTypes, facadeFactory, serviceFactory, type ServiceTypes } from '../define-module.js';
import type { HandoffEvents } from './handoff-events.js';
import { HandoffsFacade } from './handoffs-facade.js';
import { OwnershipTransferService } from './ownership-transfer-service.js';
import { RecordNoteService } from './record-note-service.js';

export * from './handoff-collections.js';
export * from './handoff-events.js';
export * from './handoff-refusals.js';
export { HandoffsFacade, type HandoffPageOptions, type NoteInput, type TransferInput } from './handoffs-facade.js';
export { OwnershipTransferService } from './ownership-transfer-service.js';
export { RecordNoteService } from './record-note-service.js';
export { maxEntriesScanned, type HandoffChange, type WhatChangedOptions, type WhatChangedPage } from './what-changed.js';

/** The type of `crm.recordNotes`. */
export interface RecordNoteServiceTypes extends ServiceTypes {
  readonly service: RecordNoteService;
}

/** The type of `crm.ownershipTransfers`. */
export interface OwnershipTransferServiceTypes extends ServiceTypes {
  readonly service: OwnershipTransferService;
}

/**
 * Handoffs between departments: shared notes with mentions on any record (`crm.recordNotes`),
 * ownership transfers with a reason (`crm.ownershipTransfers`), per-actor positions in the change
 * feed (`crm.handoffPositions`), the `crm.handoffs` facade over them, and the events
 * `handoff.mentioned` / `handoff.transferred`. See `docs/handoffs.md`.
 *
 * @example
 * ```ts
 * await crm.withActor(grace).handoffs.transfer('customers', ada.id, { to: 'u_alan', reason: 'Account moves to key accounts' });
 * ```
 */
export const handoffsModule = defineModule({
  name: 'handoffs',
  models: { recordNotes: recordNoteModel, ownershipTransfers: ownershipTransferModel, handoffPositions: handoffPositionModel },
  services: {
    recordNotes: serviceFactory<RecordNoteServiceTypes>((context, model, schema) => new RecordNoteService(context, model, schema)),
    ownershipTransfers: serviceFactory<OwnershipTransferServiceTypes>((context, model, schema) => new OwnershipTransferService(context, model, schema)),
  },
  events: eventTypes<HandoffEvents>(),
  facades: { handoffs: facadeFactory((context) => new HandoffsFacade(context)) },
});
