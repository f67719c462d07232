import type { Crm } from '../crm.js';
import type { CrmEventName } from '../services/crm-events.js';

/** The events a crm emitted while recording, in order. */
export interface EventRecording {
  /** Every event so far: its name and payload. */
  readonly events: { readonly name: CrmEventName; readonly payload: unknown }[];
  /** The names of the events so far. */
  names(): CrmEventName[];
  /** Stops recording. */
  stop(): void;
}

/**
 * Records every event `crm.events` emits until stopped.
 *
 * @example
 * ```ts
 * const recording = recordEvents(crm);
 * await crm.customers.create({ name: 'Ada' });
 * recording.names(); // ['customer.created']
 * ```
 */
export function recordEvents(crm: Pick<Crm, 'events'>): EventRecording {
  const events: { name: CrmEventName; payload: unknown }[] = [];
  const handler = (name: CrmEventName, payload: unknown) => void events.push({ name, payload });
  crm.events.on('*', handler);
  return { events, names: () => events.map((e) => e.name), stop: () => crm.events.off('*', handler) };
}
