import type { CustomerInput, InteractionInput, InteractionKind } from '../src/index.js';

/** A small deterministic PRNG (mulberry32), so every run and every adapter get the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stages = ['subscriber', 'lead', 'qualified', 'opportunity', 'customer', 'evangelist', 'churned'] as const;
const kinds: readonly InteractionKind[] = ['message', 'call', 'web_visit', 'purchase', 'note', 'web_visit', 'purchase'];
const tagPool = ['vip', 'newsletter', 'b2b', 'wholesale', 'beta', 'eu', 'us', 'apac'];

/** The start of the synthetic interaction timeline. */
export const timelineStart = Date.UTC(2023, 0, 1);
const twoYears = 2 * 365 * 24 * 3600 * 1000;

/** `count` synthetic customers with ids `c000000…`. */
export function syntheticCustomers(count: number, seed = 1): CustomerInput[] {
  const random = seededRandom(seed);
  const customers: CustomerInput[] = [];
  for (let i = 0; i < count; i++) {
    const tags = tagPool.filter(() => random() < 0.15);
    customers.push({
      id: `c${String(i).padStart(6, '0')}`,
      name: `Customer ${i}`,
      emails: [`customer${i}@example.com`],
      lifecycleStage: stages[Math.floor(random() * stages.length)]!,
      ownerId: `u${Math.floor(random() * 50)}`,
      tags,
    });
  }
  return customers;
}

/** `count` synthetic interactions spread over `customerCount` customers and two years. */
export function syntheticInteractions(count: number, customerCount: number, seed = 2): InteractionInput[] {
  const random = seededRandom(seed);
  const interactions: InteractionInput[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    const customerId = `c${String(Math.floor(random() * customerCount)).padStart(6, '0')}`;
    const occurredAt = new Date(timelineStart + Math.floor(random() * twoYears));
    const base = { customerId, channel: 'web' as const, kind, occurredAt };
    interactions.push(
      kind === 'purchase'
        ? { ...base, purchase: { orderId: `o${i}`, amount: 100 + Math.floor(random() * 20_000), currency: 'EUR' } }
        : { ...base, subject: `interaction ${i}` },
    );
  }
  return interactions;
}
