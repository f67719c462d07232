/**
 * The digamma function ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) - 1/x up to
 * x ≥ 10, then the asymptotic series ln x - 1/(2x) - Σ B₂ₖ/(2k x²ᵏ) (six terms; relative error below
 * 1e-14). Used by the analytic gradients of the model likelihoods.
 *
 * @example
 * ```ts
 * digamma(1); // -0.5772156649015329 (minus the Euler-Mascheroni constant)
 * ```
 */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  let value = x;
  while (value < 10) {
    shift -= 1 / value;
    value += 1;
  }
  const inverse = 1 / value;
  const inverseSquared = inverse * inverse;
  const series =
    inverseSquared * (1 / 12 - inverseSquared * (1 / 120 - inverseSquared * (1 / 252 - inverseSquared * (1 / 240 - inverseSquared * (1 / 132)))));
  return shift + Math.log(value) - 0.5 * inverse - series;
}
