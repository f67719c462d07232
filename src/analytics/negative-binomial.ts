import { logGamma } from './log-gamma.js';

/**
 * ln P(N = j) for the NBD count of a gamma(r, alpha)-mixed Poisson process over a period of
 * length t: Γ(r+j) / (Γ(r) j!) (α/(α+t))^r (t/(α+t))^j.
 *
 * @example
 * ```ts
 * Math.exp(logNbdProbability(0.24, 4.41, 1, 0)); // P(no purchase in one week)
 * ```
 */
export function logNbdProbability(r: number, alpha: number, t: number, j: number): number {
  if (t === 0) return j === 0 ? 0 : Number.NEGATIVE_INFINITY;
  const logStay = -Math.log1p(t / alpha); // ln(α/(α+t))
  const logMove = Math.log(t) - Math.log(alpha + t); // ln(t/(α+t))
  return logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * logStay + j * logMove;
}

/**
 * P(N ≥ x) for the NBD count above: 1 - Σ_{j<x} P(N = j), summed from whichever side is
 * smaller so the tail stays accurate when it is tiny.
 *
 * @example
 * ```ts
 * nbdTailProbability(0.24, 4.41, 10, 0); // 1
 * ```
 */
export function nbdTailProbability(r: number, alpha: number, t: number, x: number): number {
  if (x <= 0) return 1;
  if (t === 0) return 0;
  let head = 0;
  for (let j = 0; j < x; j += 1) head += Math.exp(logNbdProbability(r, alpha, t, j));
  if (head < 0.9) return Math.max(0, 1 - head);
  // Sum the tail directly: terms eventually fall geometrically with ratio → t/(α+t).
  const q = t / (alpha + t);
  let term = Math.exp(logNbdProbability(r, alpha, t, x));
  let tail = 0;
  for (let j = x; j < x + 10_000_000; j += 1) {
    tail += term;
    const ratio = ((r + j) / (j + 1)) * q;
    term *= ratio;
    const bound = Math.max(ratio, q);
    if (term === 0 || (bound < 1 && (term * bound) / (1 - bound) <= 1e-17 * tail)) return Math.min(1, tail);
  }
  return Math.max(0, 1 - head);
}
