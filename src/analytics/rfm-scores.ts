/**
 * The standard RFM segment names, in the order of {@link defaultRfmRules}.
 *
 * @example
 * ```ts
 * rfmSegmentNames.includes('Champions'); // true
 * ```
 */
export const rfmSegmentNames = [
  'Champions',
  'Loyal Customers',
  "Can't Lose Them",
  'At Risk',
  'Lost',
  'Hibernating',
  'Need Attention',
  'About To Sleep',
  'Promising',
  'New Customers',
  'Potential Loyalist',
] as const;

/** One of {@link rfmSegmentNames}, or a name of the host's own rule table. */
export type RfmSegmentName = (typeof rfmSegmentNames)[number] | (string & {});

/** An inclusive range of scores, `[min, max]`, each 1 to 5. */
export type ScoreRange = readonly [number, number];

/**
 * One row of an RFM rule table: a customer whose recency score is within `r`
 * and frequency score within `f` (and monetary score within `m`, when given)
 * is in `segment`. The first matching rule wins.
 *
 * @example
 * ```ts
 * const champions: RfmRule = { segment: 'Champions', r: [5, 5], f: [4, 5] };
 * ```
 */
export interface RfmRule {
  /** The segment's name. */
  readonly segment: RfmSegmentName;
  /** Recency scores. */
  readonly r: ScoreRange;
  /** Frequency scores. */
  readonly f: ScoreRange;
  /** Monetary scores; any when absent. */
  readonly m?: ScoreRange;
}

/**
 * The standard rule table over recency and frequency scores, read in order
 * (the first match wins: Lost before Hibernating): every one of the 25
 * (r, f) pairs falls in one of the 11 named segments.
 *
 * | r \ f | 1 | 2 | 3 | 4 | 5 |
 * |---|---|---|---|---|---|
 * | 5 | New Customers | Potential Loyalist | Potential Loyalist | Champions | Champions |
 * | 4 | Promising | Potential Loyalist | Potential Loyalist | Loyal Customers | Loyal Customers |
 * | 3 | About To Sleep | About To Sleep | Need Attention | Loyal Customers | Loyal Customers |
 * | 2 | Hibernating | Hibernating | At Risk | At Risk | Can't Lose Them |
 * | 1 | Lost | Hibernating | At Risk | At Risk | Can't Lose Them |
 *
 * @example
 * ```ts
 * const rules = defaultRfmRules.map((rule) => (rule.segment === 'Champions' ? { ...rule, m: [4, 5] } : rule));
 * ```
 */
export const defaultRfmRules: readonly RfmRule[] = [
  { segment: 'Champions', r: [5, 5], f: [4, 5] },
  { segment: 'Loyal Customers', r: [3, 4], f: [4, 5] },
  { segment: "Can't Lose Them", r: [1, 2], f: [5, 5] },
  { segment: 'At Risk', r: [1, 2], f: [3, 4] },
  { segment: 'Lost', r: [1, 1], f: [1, 1] },
  { segment: 'Hibernating', r: [1, 2], f: [1, 2] },
  { segment: 'Need Attention', r: [3, 3], f: [3, 3] },
  { segment: 'About To Sleep', r: [3, 3], f: [1, 2] },
  { segment: 'Promising', r: [4, 4], f: [1, 1] },
  { segment: 'New Customers', r: [5, 5], f: [1, 1] },
  { segment: 'Potential Loyalist', r: [4, 5], f: [2, 3] },
];

/**
 * One customer's purchases, as RFM scoring reads them.
 *
 * @example
 * ```ts
 * const row: RfmInput = { customerId: 'c1', lastPurchaseAt: new Date('2024-12-20'), purchases: 4, monetary: 12_000 };
 * ```
 */
export interface RfmInput {
  /** The customer. */
  readonly customerId: string;
  /** The last purchase up to the scoring date. */
  readonly lastPurchaseAt: Date;
  /** How many purchases. */
  readonly purchases: number;
  /** What they spent, in minor units. */
  readonly monetary: number;
}

/**
 * A customer's RFM scores (1 to 5, 5 best) and segment.
 *
 * @example
 * ```ts
 * const { r, f, m, segment }: RfmScore = scores[0]!;
 * ```
 */
export interface RfmScore {
  /** The customer. */
  readonly customerId: string;
  /** Whole days from the last purchase to the scoring date. */
  readonly recencyDays: number;
  /** Purchases. */
  readonly frequency: number;
  /** Spend, in minor units. */
  readonly monetary: number;
  /** Recency score: 5 for the most recent fifth. */
  readonly r: number;
  /** Frequency score: 5 for the most frequent fifth. */
  readonly f: number;
  /** Monetary score: 5 for the biggest spenders' fifth. */
  readonly m: number;
  /** The first rule that matches, or `undefined` when none does. */
  readonly segment: RfmSegmentName | undefined;
}

/** Options of {@link rfmScores}. */
export interface RfmScoreOptions {
  /** The scoring date: recency is counted back from it. */
  readonly asOf: Date;
  /** The rule table; {@link defaultRfmRules} by default. */
  readonly rules?: readonly RfmRule[];
}

const dayMs = 86_400_000;

/**
 * Recency, frequency and monetary quintile scores as of a date, and each
 * customer's named segment. Each score ranks the customers on one value
 * (recency reversed: fewer days since the last purchase is better) and gives
 * the rank's fifth, 1 to 5: score = ⌊5 · rank / n⌋ + 1 with `rank` the
 * 0-based position of the first customer holding that value, so equal values
 * always share a score and the answer does not depend on the input order.
 * Rows come ordered by customer id.
 *
 * @example
 * ```ts
 * const scores = rfmScores(rows, { asOf: new Date('2025-01-01') });
 * scores.filter((s) => s.segment === 'Champions').length;
 * ```
 */
export function rfmScores(customers: readonly RfmInput[], options: RfmScoreOptions): RfmScore[] {
  const asOf = options.asOf.getTime();
  const rules = options.rules ?? defaultRfmRules;
  const rows = customers.map((c) => ({ ...c, recencyDays: Math.floor((asOf - c.lastPurchaseAt.getTime()) / dayMs) }));
  const r = quintiles(rows.map((row) => -row.recencyDays));
  const f = quintiles(rows.map((row) => row.purchases));
  const m = quintiles(rows.map((row) => row.monetary));
  const scored = rows.map((row, i): RfmScore => {
    const scores = { r: r[i]!, f: f[i]!, m: m[i]! };
    const rule = rules.find((candidate) => within(candidate.r, scores.r) && within(candidate.f, scores.f) && (candidate.m === undefined || within(candidate.m, scores.m)));
    return { customerId: row.customerId, recencyDays: row.recencyDays, frequency: row.purchases, monetary: row.monetary, ...scores, segment: rule?.segment };
  });
  return scored.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
}

/** The quintile score (1 to 5, higher value higher score) of each value; equal values share the score of the first of them. */
function quintiles(values: readonly number[]): number[] {
  const n = values.length;
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const scores = new Array<number>(n);
  let firstRank = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && order[i]!.value !== order[i - 1]!.value) firstRank = i;
    scores[order[i]!.index] = Math.floor((5 * firstRank) / n) + 1;
  }
  return scores;
}

function within([min, max]: ScoreRange, score: number): boolean {
  return score >= min && score <= max;
}
