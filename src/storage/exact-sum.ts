import { OutOfRangeError } from './errors.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The sum every adapter's `aggregate()` computes for a `sum` measure. Integers
 * are added exactly, in any order (`[2**53 - 1, 1, 1, -(2**53 - 1)]` sums to
 * 2, whichever way round), so sums of money in integer minor units are exact;
 * non-integers are added as doubles and added to the exact integer total at
 * the end. A value, or a total, beyond ±`Number.MAX_SAFE_INTEGER` throws
 * {@link OutOfRangeError} instead of a rounded, infinite or wrapped number.
 *
 * @example
 * ```ts
 * const sum = new ExactSum('revenue');
 * for (const amount of [2 ** 53 - 1, 1, 1, -(2 ** 53 - 1)]) sum.add(amount);
 * sum.total(); // 2
 * ```
 */
export class ExactSum {
  readonly #label: string;
  /** The integers added since the last spill, while the running total stays safe. */
  #small = 0;
  /** Integers beyond what the small total can hold exactly. */
  #big = 0n;
  /** The non-integers, added as doubles. */
  #fraction = 0;

  /** `label` names the measure in the error message. */
  constructor(label = 'sum') {
    this.#label = label;
  }

  /**
   * Adds one value. Throws {@link OutOfRangeError} for a value beyond ±`Number.MAX_SAFE_INTEGER` (or not a number).
   *
   * @example
   * ```ts
   * new ExactSum().add(Number.MAX_VALUE); // throws OutOfRangeError
   * ```
   */
  add(value: number): void {
    if (!(Math.abs(value) <= MAX_SAFE)) {
      throw new OutOfRangeError(`${this.#label}: the value ${value} is beyond ±${MAX_SAFE}, the range a sum is exact in`);
    }
    if (!Number.isInteger(value)) {
      this.#fraction += value;
      return;
    }
    // Both are safe integers: the double sum is exact whenever the exact sum is safe, and beyond ±MAX_SAFE otherwise.
    const next = this.#small + value;
    if (Math.abs(next) <= MAX_SAFE) this.#small = next;
    else {
      this.#big += BigInt(this.#small) + BigInt(value);
      this.#small = 0;
    }
  }

  /**
   * The total (0 when nothing was added). Throws {@link OutOfRangeError} when it is beyond ±`Number.MAX_SAFE_INTEGER`.
   *
   * @example
   * ```ts
   * const sum = new ExactSum();
   * sum.add(0.5); sum.add(2);
   * sum.total(); // 2.5
   * ```
   */
  total(): number {
    let integer = this.#small;
    if (this.#big !== 0n) {
      const exact = this.#big + BigInt(this.#small);
      if (exact > BigInt(MAX_SAFE) || exact < -BigInt(MAX_SAFE)) throw this.#beyond(exact.toString());
      integer = Number(exact);
    }
    const total = integer + this.#fraction;
    if (!(Math.abs(total) <= MAX_SAFE)) throw this.#beyond(String(total));
    return total === 0 ? 0 : total;
  }

  #beyond(total: string): OutOfRangeError {
    return new OutOfRangeError(`${this.#label}: the total ${total} is beyond ±${MAX_SAFE}, the range a sum is exact in`);
  }
}
