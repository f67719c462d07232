import {
  ModelService,
  defineModel,
  defineModule,
  eventTypes,
  serviceFactory,
  type ModelInput,
  type ModelRecord,
  type ReadonlyRecord,
  type ServiceTypes,
} from 'crmkit';
import * as z from 'zod';

/** A module a host (or the next contributor) adds: its own collection, service and event. */
export const noteModel = defineModel({
  collection: 'notes',
  entity: 'note',
  shape: {
    customerId: z.string().min(1).max(128),
    text: z.string().trim().min(1).max(10_000),
    pinned: z.boolean().default(false),
  },
  references: [{ field: 'customerId', collection: 'customers' }],
  indexes: [{ name: 'notes_customer', fields: ['customerId'] }],
});

/** A stored note. */
export type Note = ModelRecord<typeof noteModel>;

/** The note service: the model's operations plus a domain operation that spans two collections. */
export class NoteService extends ModelService<ReadonlyRecord<Note>, ModelInput<typeof noteModel>> {
  /** Pins a note and emits `note.pinned` after the commit. */
  async pin(id: string): Promise<ReadonlyRecord<Note>> {
    const note = await this.update(id, (draft) => {
      draft.pinned = true;
    });
    this.context.emit('note.pinned' as never, { id: note.id, customerId: note.customerId } as never);
    return note;
  }

  /**
   * Writes a note and tags its customer `noted`, atomically: both through the
   * sibling services (validated, with their events), or neither.
   */
  async noteFor(customerId: string, text: string): Promise<ReadonlyRecord<Note>> {
    return this.context.transaction(async (tx) => {
      await tx.customers!.update(customerId, (draft: { tags: string[] }) => {
        if (!draft.tags.includes('noted')) draft.tags.push('noted');
      });
      return (tx.notes as NoteService).create({ customerId, text });
    });
  }
}

interface NoteServiceTypes extends ServiceTypes {
  readonly service: NoteService;
}

/** The module: one folder's worth, handed to `createCrm({ modules: [notesModule] })`. */
export const notesModule = defineModule({
  name: 'notes',
  models: { notes: noteModel },
  services: { notes: serviceFactory<NoteServiceTypes>((context, model, schema) => new NoteService(context, model, schema)) },
  events: eventTypes<{ 'note.pinned': { readonly id: string; readonly customerId: string } }>(),
});
