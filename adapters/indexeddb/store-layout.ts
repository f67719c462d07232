import type { CollectionSchema, StorageSchema } from '../../src/storage/index.js';

/**
 * The version of the layout rules below. It goes into the stored layout, so a
 * future crmkit that lays stores out differently can tell old databases apart.
 * Format 1 kept a key for absent values in every slot; format 2 leaves absent
 * values of optional fields out of their indexes ({@link SlotLayout.sparse}).
 */
export const layoutFormat = 2;

/** The object store that holds crmkit's own bookkeeping (the layout). */
export const metaStoreName = 'crmkit_meta';

/** The key of the layout record in {@link metaStoreName}. */
export const layoutKey = 'layout';

/**
 * One encoded index key kept in the entries of a store: the value at `path`,
 * encoded for IndexedDB (see `index-key.ts`); `multi` for a `string[]` field
 * kept as the array of its distinct elements.
 */
export interface SlotLayout {
  /** The dotted path the key is read from. */
  readonly path: string;
  /** True for a `string[]` field indexed per element. */
  readonly multi: boolean;
  /**
   * True when an absent value gets no key, so the record is left out of every
   * index over this slot (an optional field: most records lack `dealId`, and
   * an index row costs as much to write as the record). False (or missing, in
   * format 1) when absent values are indexed under the absent key.
   */
  readonly sparse?: boolean;
}

/** One IndexedDB index of a store: over the entries' slots, then the id. */
export interface IndexLayout {
  /** The slots indexed, in order; exactly one when `multi`. */
  readonly slots: readonly string[];
  /** A multi-entry index over one `string[]` slot (no id after it). */
  readonly multi: boolean;
}

/** The layout of one collection's object store. */
export interface StoreLayout {
  /** The slots every entry carries, by slot name. */
  readonly slots: Readonly<Record<string, SlotLayout>>;
  /** The indexes, by the name the core gave them. */
  readonly indexes: Readonly<Record<string, IndexLayout>>;
}

/**
 * The layout of a whole database, stored in it. The adapter derives the layout
 * it wants from the schema the core opens it with, merges it with the stored
 * one, and upgrades the database when the merge differs from what is stored.
 */
export interface DatabaseLayout {
  /** {@link layoutFormat} of the crmkit that wrote it. */
  readonly format: number;
  /** One object store per collection, by collection name. */
  readonly stores: Readonly<Record<string, StoreLayout>>;
}

/**
 * The name of the slot that holds the key of `path`: readable, a valid key path
 * identifier, and the same in every tab and every version of the app, so that
 * layouts derived from different schemas merge.
 *
 * @example
 * ```ts
 * slotName('customerId', false); // 's_customerId'
 * slotName('purchase.orderId', false); // 's_purchase_orderId_<hash>'
 * ```
 */
export function slotName(path: string, multi: boolean): string {
  const safe = path.replace(/[^A-Za-z0-9]/g, '_');
  return `${multi ? 'm' : 's'}_${safe}${safe === path ? '' : `_${hashText(path)}`}`;
}

/**
 * The layout that serves `schema`: a store per collection; per index the core
 * asks for, a compound IndexedDB index over the fields' slots and the id (so
 * index order is the full sort order and index keys are unique), or a
 * multi-entry index for a single `string[]` field. Slots of optional fields
 * are sparse: records without a value are not in their indexes. Compound indexes over a
 * `string[]` field cannot be kept by IndexedDB and are left out.
 *
 * @example
 * ```ts
 * const layout = deriveLayout(storageSchema);
 * layout.stores.interactions.indexes.interactions_customer_time.slots; // ['s_customerId', 's_occurredAt']
 * layout.stores.interactions.slots.s_dealId.sparse; // true: optional, absent values not indexed
 * ```
 */
export function deriveLayout(schema: StorageSchema): DatabaseLayout {
  const stores: Record<string, StoreLayout> = {};
  for (const name of Object.keys(schema.collections).sort()) {
    stores[name] = deriveStoreLayout(schema.collections[name]!);
  }
  return { format: layoutFormat, stores };
}

function deriveStoreLayout(collection: CollectionSchema): StoreLayout {
  const slots: Record<string, SlotLayout> = {};
  const indexes: Record<string, IndexLayout> = {};
  for (const index of collection.indexes) {
    const isArray = index.fields.map((field) => collection.fields[field]?.type === 'string[]');
    if (index.fields.length === 0) continue;
    if (isArray.some(Boolean) && index.fields.length > 1) continue;
    const multi = isArray[0] === true;
    const names = index.fields.map((path) => {
      const name = slotName(path, multi);
      slots[name] = { path, multi, sparse: !multi && collection.fields[path]?.optional === true };
      return name;
    });
    indexes[index.name] = { slots: names, multi };
  }
  return { slots: sortKeys(slots), indexes: sortKeys(indexes) };
}

/**
 * The union of the stored layout and the wanted one: every store and slot of
 * either (dense where they disagree on sparseness), every index of either (the
 * wanted definition where both name one).
 * Nothing is dropped, so an older tab and a newer one can share a database.
 *
 * @example
 * ```ts
 * const merged = mergeLayouts(stored, deriveLayout(schema));
 * if (!sameLayout(merged, stored)) await upgrade(merged);
 * ```
 */
export function mergeLayouts(stored: DatabaseLayout | undefined, wanted: DatabaseLayout): DatabaseLayout {
  if (stored === undefined) return wanted;
  const stores: Record<string, StoreLayout> = {};
  for (const name of [...new Set([...Object.keys(stored.stores), ...Object.keys(wanted.stores)])].sort()) {
    const a = stored.stores[name];
    const b = wanted.stores[name];
    stores[name] =
      a === undefined
        ? b!
        : b === undefined
          ? a
          : { slots: mergeSlots(a.slots, b.slots, stored.format < wanted.format), indexes: sortKeys({ ...a.indexes, ...b.indexes }) };
  }
  return { format: Math.max(stored.format, wanted.format), stores };
}

/**
 * Every slot of either. Where both have a slot and disagree on sparseness (a
 * field optional in one app version, required in another), it stays dense:
 * dense serves both, and two tabs do not upgrade the database back and forth.
 * Slots stored by an older format take the wanted definition.
 */
function mergeSlots(
  stored: Readonly<Record<string, SlotLayout>>,
  wanted: Readonly<Record<string, SlotLayout>>,
  olderFormat: boolean,
): Record<string, SlotLayout> {
  const slots: Record<string, SlotLayout> = { ...stored, ...wanted };
  if (!olderFormat) {
    for (const [name, slot] of Object.entries(wanted)) {
      const before = stored[name];
      if (before !== undefined && (before.sparse ?? false) !== (slot.sparse ?? false)) slots[name] = { ...slot, sparse: false };
    }
  }
  return sortKeys(slots);
}

/**
 * True when two layouts are the same.
 *
 * @example
 * ```ts
 * sameLayout(deriveLayout(schema), deriveLayout(schema)); // true
 * ```
 */
export function sameLayout(a: DatabaseLayout, b: DatabaseLayout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * True when two index layouts define the same IndexedDB index.
 *
 * @example
 * ```ts
 * sameIndex({ slots: ['s_a'], multi: false }, { slots: ['s_a'], multi: false }); // true
 * ```
 */
export function sameIndex(a: IndexLayout | undefined, b: IndexLayout | undefined): boolean {
  return a !== undefined && b !== undefined && a.multi === b.multi && a.slots.join('\u0000') === b.slots.join('\u0000');
}

/**
 * True when two slot layouts key records the same way.
 *
 * @example
 * ```ts
 * sameSlot({ path: 'dealId', multi: false }, { path: 'dealId', multi: false, sparse: true }); // false
 * ```
 */
export function sameSlot(a: SlotLayout | undefined, b: SlotLayout | undefined): boolean {
  return a !== undefined && b !== undefined && a.path === b.path && a.multi === b.multi && (a.sparse ?? false) === (b.sparse ?? false);
}

/**
 * The IndexedDB key path of an index: `k.<slot>` for a multi-entry index, else
 * the slots then `k.id`.
 *
 * @example
 * ```ts
 * indexKeyPath({ slots: ['s_customerId', 's_occurredAt'], multi: false }); // ['k.s_customerId', 'k.s_occurredAt', 'k.id']
 * ```
 */
export function indexKeyPath(index: IndexLayout): string | string[] {
  return index.multi ? `k.${index.slots[0]!}` : [...index.slots.map((slot) => `k.${slot}`), 'k.id'];
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
