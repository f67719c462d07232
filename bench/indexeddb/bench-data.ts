import type { StoredRecord } from '../../src/storage/index.js';
import { seededRandom as random } from '../synthetic-data.js';

const stages = ['lead', 'qualified', 'customer', 'churned', 'other'] as const;
const kinds = ['message', 'call', 'meeting', 'note', 'web_visit', 'purchase'] as const;
const channels = ['email', 'phone', 'web', 'chat'] as const;

/** Ids in the shape of the core's: time-sortable, ascending in creation order. */
const idOf = (prefix: number, n: number) => `0197${prefix.toString(16)}${n.toString(16).padStart(8, '0')}-7000-8000-000000000000`;

/**
 * Stored records shaped like the core's output: `customers` customers and
 * `interactions` interactions spread over them (purchases carry an order).
 *
 * @example
 * ```ts
 * const { customers, interactions } = benchData(10_000, 100_000);
 * ```
 */
export function benchData(customerCount: number, interactionCount: number): { customers: StoredRecord[]; interactions: StoredRecord[] } {
  const next = random(42);
  const at = new Date('2025-01-01T00:00:00.000Z');
  const customers: StoredRecord[] = [];
  for (let i = 0; i < customerCount; i++) {
    customers.push({
      id: idOf(1, i),
      kind: 'person',
      name: `Customer ${Math.floor(next() * 1e6)}`,
      emails: [`c${i}@example.com`],
      phones: [],
      tags: next() < 0.1 ? ['vip'] : [],
      addresses: [],
      consent: {},
      lifecycleStage: stages[Math.floor(next() * stages.length)]!,
      ownerId: `u${Math.floor(next() * 20)}`,
      custom: {},
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
  }
  const interactions: StoredRecord[] = [];
  for (let i = 0; i < interactionCount; i++) {
    const kind = kinds[Math.floor(next() * kinds.length)]!;
    const occurredAt = new Date(at.getTime() - Math.floor(next() * 365 * 86_400_000));
    interactions.push({
      id: idOf(2, i),
      customerId: customers[Math.floor(next() * customerCount)]!.id,
      channel: channels[Math.floor(next() * channels.length)]!,
      direction: 'inbound',
      kind,
      occurredAt,
      subject: `Interaction ${i}`,
      ...(kind === 'purchase'
        ? { purchase: { orderId: `o-${i}`, amount: Math.floor(next() * 20_000), currency: 'EUR', lineItems: [] } }
        : {}),
      tags: [],
      custom: {},
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
  }
  return { customers, interactions };
}
