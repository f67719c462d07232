import { normalQuantile, normalUpperTail } from './normal-distribution.js';

/**
 * One group of a two-proportion comparison: how many of how many converted.
 *
 * @example
 * ```ts
 * const variantA: ProportionSample = { successes: 104, trials: 11_037 };
 * ```
 */
export interface ProportionSample {
  readonly successes: number;
  readonly trials: number;
}

/**
 * Options of {@link twoProportionTest}.
 *
 * @example
 * ```ts
 * const options: TwoProportionTestOptions = { confidence: 0.99, minimumCount: 10 };
 * ```
 */
export interface TwoProportionTestOptions {
  /** The confidence of the interval, and 1 − the significance level of the test. Default 0.95. */
  readonly confidence?: number;
  /**
   * The fewest successes and the fewest failures each group needs before the
   * normal approximation is trusted and a difference may be called significant
   * (the textbook rule of thumb is 5 to 10). Default 10.
   */
  readonly minimumCount?: number;
}

/**
 * What {@link twoProportionTest} found.
 *
 * @example
 * ```ts
 * const { pValue, significant, enoughData } = twoProportionTest(a, b);
 * ```
 */
export interface TwoProportionTestResult {
  /** The first group's proportion, successes / trials. */
  readonly proportionA: number;
  /** The second group's proportion. */
  readonly proportionB: number;
  /** proportionA − proportionB. */
  readonly difference: number;
  /** The test statistic under the pooled null hypothesis of equal proportions. */
  readonly z: number;
  /** The two-sided p-value of z. */
  readonly pValue: number;
  /** The Wald interval for the difference at the asked confidence (unpooled standard error). */
  readonly confidenceInterval: readonly [number, number];
  /** Whether each group has `minimumCount` successes and failures. */
  readonly enoughData: boolean;
  /** Whether there is enough data and the p-value is below 1 − confidence. */
  readonly significant: boolean;
}

/**
 * The two-proportion z-test (pooled standard error) with a Wald confidence
 * interval for the difference, as in Agresti, *An Introduction to Categorical
 * Data Analysis*, §2.2. It refuses to call a difference significant when a
 * group has too few successes or failures for the normal approximation
 * (`enoughData: false`), whatever the p-value says.
 *
 * @example
 * ```ts
 * // The Physicians' Health Study: heart attacks on placebo and on aspirin.
 * const result = twoProportionTest({ successes: 189, trials: 11_034 }, { successes: 104, trials: 11_037 });
 * result.difference; // 0.0077
 * result.confidenceInterval; // [0.0047, 0.0107]
 * result.significant; // true
 * ```
 */
export function twoProportionTest(a: ProportionSample, b: ProportionSample, options: TwoProportionTestOptions = {}): TwoProportionTestResult {
  const confidence = options.confidence ?? 0.95;
  const minimumCount = options.minimumCount ?? 10;
  for (const [name, sample] of [['a', a], ['b', b]] as const) {
    if (!Number.isInteger(sample.trials) || sample.trials <= 0 || !Number.isInteger(sample.successes) || sample.successes < 0 || sample.successes > sample.trials) {
      throw new RangeError(`group ${name} needs whole numbers 0 ≤ successes ≤ trials and trials > 0`);
    }
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence is between 0 and 1, not ${confidence}`);
  const p1 = a.successes / a.trials;
  const p2 = b.successes / b.trials;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const difference = p1 - p2;
  const z = pooledSe === 0 ? 0 : difference / pooledSe;
  const pValue = pooledSe === 0 ? 1 : Math.min(1, 2 * normalUpperTail(Math.abs(z)));
  const se = Math.sqrt((p1 * (1 - p1)) / a.trials + (p2 * (1 - p2)) / b.trials);
  const critical = normalQuantile(1 - (1 - confidence) / 2);
  const enoughData = [a, b].every((sample) => sample.successes >= minimumCount && sample.trials - sample.successes >= minimumCount);
  return {
    proportionA: p1,
    proportionB: p2,
    difference,
    z,
    pValue,
    confidenceInterval: [difference - critical * se, difference + critical * se],
    enoughData,
    significant: enoughData && pValue < 1 - confidence,
  };
}
