/** Nodes and weights of a Gauss-Legendre rule on [-1, 1]. */
export interface QuadratureRule {
  readonly nodes: readonly number[];
  readonly weights: readonly number[];
}

/**
 * The n-point Gauss-Legendre rule on [-1, 1] (exact for polynomials of degree 2n - 1), by Newton's
 * method on the Legendre polynomial P_n. Internal; compute once and keep.
 *
 * @example
 * ```ts
 * const { nodes, weights } = gaussLegendreRule(3); // nodes ±√(3/5) and 0, weights 5/9, 8/9, 5/9
 * ```
 */
export function gaussLegendreRule(n: number): QuadratureRule {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i += 1) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j += 1) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = (n * (z * p1 - p2)) / (z * z - 1);
      const previous = z;
      z = previous - p1 / derivative;
      if (Math.abs(z - previous) < 1e-15) break;
    }
    nodes.push(z);
    weights.push(2 / ((1 - z * z) * derivative * derivative));
  }
  return { nodes, weights };
}
