// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { builtinModules, createCrm, isCrmError, systemActor, type CrmAdapter } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { describe, expect, it } from 'vitest';
import { notesModule } from './notes-module.js';

let databases = 0;
/** Every adapter stores a collection the host's module declares, with no adapter code. */
const adapters: readonly { readonly name: string; readonly create: () => CrmAdapter }[] = [
  { name: 'memory', create: () => memoryAdapter() },
  {
    name: 'sqlite',
    create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }),
  },
  { name: 'fake-indexeddb', create: () => indexedDbAdapter({ name: `module-seam-${process.pid}-${databases++}` }) },
];

describe.each(adapters)('a module added by the host, on $name', ({ create }) => {
  const open = async () => {
    const crm = await createCrm({ adapter: create(), modules: [notesModule] });
    const events: [string, unknown][] = [];
    crm.events.on('*', (name, payload) => void events.push([String(name), payload]));
    const ada = await crm.customers.create({ name: 'Ada Lovelace' });
    events.length = 0;
    return { crm, events, ada };
  };

  it('tells the adapter its collection, with its indexes and references', async () => {
    const { crm } = await open();
    expect(crm.schema.collections.notes).toMatchObject({
      name: 'notes',
      indexes: [{ name: 'notes_customer', fields: ['customerId'] }],
      references: [{ field: 'customerId', collection: 'customers' }],
    });
    expect(crm.schema.collections.notes!.fields.text).toEqual({ type: 'string', optional: false, maxLength: 10_000 });
    await crm.close();
  });

  it('gives the collection its service: validated writes, typed records, its CRUD events', async () => {
    const { crm, events, ada } = await open();
    const note = await crm.notes.create({ customerId: ada.id, text: '  met at the expo  ' });
    expect(note).toMatchObject({ text: 'met at the expo', pinned: false, version: 1 });
    expect(events).toEqual([['note.created', { record: note, actor: systemActor }]]);
    await expect(crm.notes.create({ customerId: ada.id, text: '' })).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.notes.create({ customerId: 'nobody', text: 'x' })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ code: 'unknown_reference', path: ['customerId'] }],
    });
    expect((await crm.notes.find({ where: { field: 'customerId', op: 'eq', value: ada.id } })).items).toEqual([note]);
    await crm.close();
  });

  it("runs the module service's own operation and emits its domain event after the commit", async () => {
    const { crm, events, ada } = await open();
    const note = await crm.notes.create({ customerId: ada.id, text: 'call back' });
    events.length = 0;
    const pinned = await crm.notes.pin(note.id);
    expect(pinned.pinned).toBe(true);
    expect(events.map(([name]) => name)).toEqual(['note.updated', 'note.pinned']);
    expect(events[1]![1]).toEqual({ id: note.id, customerId: ada.id });
    await crm.close();
  });

  it('writes through sibling services atomically: both collections change, or neither', async () => {
    const { crm, events, ada } = await open();
    const note = await crm.notes.noteFor(ada.id, 'renewal due');
    expect((await crm.customers.get(ada.id)).tags).toEqual(['noted']);
    expect(events.map(([name]) => name)).toEqual(['customer.updated', 'note.created']);
    events.length = 0;

    const bob = await crm.customers.create({ name: 'Bob' });
    events.length = 0;
    // The customer update succeeds, the note is invalid: the update is rolled back, nothing is emitted.
    await expect(crm.notes.noteFor(bob.id, '   ')).rejects.toMatchObject({ code: 'validation' });
    const [storedBob] = await crm.adapter.getMany('customers', [bob.id]);
    expect(storedBob).toMatchObject({ tags: [], version: 1 });
    expect(await crm.adapter.count('notes')).toBe(1);
    expect(events).toEqual([]);
    expect(note.customerId).toBe(ada.id);
    await crm.close();
  });

  it("keeps a customer its notes refer to (the model's references hold across modules)", async () => {
    const { crm, ada } = await open();
    await crm.notes.create({ customerId: ada.id, text: 'x' });
    const error = await crm.customers.delete(ada.id).catch((e: unknown) => e);
    expect(isCrmError(error, 'conflict') && error.reason).toBe('still_referenced');
    await crm.close();
  });

  it('joins crm.transaction: a module service inside it commits and rolls back with it', async () => {
    const { crm, ada } = await open();
    await expect(
      crm.transaction(async (tx) => {
        await tx.notes.create({ customerId: ada.id, text: 'inside' });
        await tx.notes.noteFor(ada.id, 'nested');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await crm.adapter.count('notes')).toBe(0);
    await crm.close();
  });
});

describe('module composition', () => {
  it('refuses a module whose collection is taken, naming it, and opens nothing', async () => {
    const clash = { ...notesModule, name: 'clash', models: { customers: { ...notesModule.models.notes, collection: 'customers' } } };
    let opened = false;
    const adapter = memoryAdapter();
    const open = adapter.open.bind(adapter);
    adapter.open = async (schema) => {
      opened = true;
      return open(schema);
    };
    await expect(createCrm({ adapter, modules: [clash as never] })).rejects.toMatchObject({
      code: 'validation',
      issues: expect.arrayContaining([expect.objectContaining({ code: 'duplicate_collection', path: ['modules', builtinModules.length, 'models', 'customers'] })]),
    });
    expect(opened).toBe(false);
  });

  it('refuses a collection named like a crm property', async () => {
    const analytics = { ...notesModule, name: 'a', models: { analytics: { ...notesModule.models.notes, collection: 'analytics', entity: 'a' } } };
    await expect(createCrm({ adapter: memoryAdapter(), modules: [analytics as never] })).rejects.toMatchObject({ code: 'validation' });
  });
});
