/**
 * A deterministic deal history with a known generating rule, for the pipeline benchmarks.
 *
 * Every deal has an owner (eight, of known skill), an amount (log-uniform from 500 to 500,000.00)
 * and a hidden outcome drawn from the rule
 *
 *     logit P(won) = −0.4 + skill[owner] + bandEffect[amount band]
 *
 * A won deal passes through every open stage and is won; a lost deal drops out after a random
 * number of stages (earlier ones likelier) and is lost. Stays last 1 to 20 days. `snapshotStage`
 * is where a deal of the held-out part stands when it is scored: uniform among the open stages it
 * reaches, so a later stage tells of a win, as in real pipelines.
 */

/** The open stages of the benchmark pipeline, with the probabilities a sales manager would set. */
export const benchStages = [
  { id: 'lead', name: 'Lead', probability: 0.1, outcome: 'open' as const },
  { id: 'qualified', name: 'Qualified', probability: 0.25, outcome: 'open' as const },
  { id: 'demo', name: 'Demo', probability: 0.4, outcome: 'open' as const },
  { id: 'proposal', name: 'Proposal', probability: 0.5, outcome: 'open' as const, forecastCategory: 'best_case' as const },
  { id: 'negotiation', name: 'Negotiation', probability: 0.8, outcome: 'open' as const, forecastCategory: 'commit' as const },
];

export const benchPipeline = {
  name: 'Bench',
  currency: 'EUR',
  stages: [...benchStages, { id: 'won', name: 'Won', probability: 1, outcome: 'won' as const }, { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' as const }],
  lostReasons: ['price', 'competitor', 'no decision'],
};

export const ownerSkills = [-1.2, -0.8, -0.4, 0, 0.3, 0.6, 1, 1.4];
export const bandEffects = [0.8, 0.3, -0.3, -0.9]; // under 1k, 1k–10k, 10k–100k, 100k+ (major units)

/** A small, fast, seeded generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One generated deal. */
export interface GeneratedDeal {
  readonly index: number;
  readonly ownerId: string;
  readonly amount: number;
  readonly won: boolean;
  /** The open stages it passes through, in order. */
  readonly path: readonly string[];
  /** The open stage it stands in when scored (held-out part). */
  readonly snapshotStage: string;
  /** Days each stay of `path` lasts. */
  readonly stayDays: readonly number[];
  /** The true P(won) of the rule. */
  readonly truth: number;
}

/** The amount band index of an amount in minor units. */
export function bandOf(amount: number): number {
  return amount < 100_000 ? 0 : amount < 1_000_000 ? 1 : amount < 10_000_000 ? 2 : 3;
}

/** `count` deals from `seed`. */
export function generateDeals(count: number, seed = 20261123): GeneratedDeal[] {
  const next = random(seed);
  const deals: GeneratedDeal[] = [];
  for (let index = 0; index < count; index++) {
    const owner = Math.floor(next() * ownerSkills.length);
    const amount = Math.round(Math.exp(Math.log(50_000) + next() * Math.log(1000)));
    const truth = 1 / (1 + Math.exp(-(-0.4 + ownerSkills[owner]! + bandEffects[bandOf(amount)]!)));
    const won = next() < truth;
    // a lost deal drops out after 1..5 stages, earlier likelier (weights 5:4:3:2:1)
    const reach = won ? benchStages.length : 1 + pick([5, 4, 3, 2, 1], next());
    // stages may be skipped (qualified and demo, one in five deals each), never the first or the last reached
    const path = benchStages.slice(0, reach).map((s) => s.id).filter((id, i) => i === 0 || i === reach - 1 || !(['qualified', 'demo'].includes(id) && next() < 0.2));
    const stayDays = path.map(() => 1 + Math.floor(next() * 20));
    const snapshotStage = path[Math.floor(next() * path.length)]!;
    deals.push({ index, ownerId: `owner-${owner}`, amount, won, path, snapshotStage, stayDays, truth });
  }
  return deals;
}

function pick(weights: readonly number[], u: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]! / total;
    if (u < acc) return i;
  }
  return weights.length - 1;
}
