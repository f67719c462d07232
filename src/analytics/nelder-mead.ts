/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Stop after this many iterations (default 5,000 × dimension). */
  readonly maxIterations?: number;
  /** Stop when the simplex's function values differ by less than this (absolute, default 1e-10). */
  readonly functionTolerance?: number;
  /** …and its vertices by less than this in every coordinate (default 1e-9). */
  readonly pointTolerance?: number;
  /** Size of the initial simplex: each vertex moves one coordinate by this (default 0.5, suits log-parameters). */
  readonly initialStep?: number;
  /** Restart from the best vertex with a fresh simplex this many times (default 2); guards against early collapse. */
  readonly restarts?: number;
}

/** What {@link nelderMead} found. */
export interface NelderMeadResult {
  /** The best point found. */
  readonly point: readonly number[];
  /** The objective there. */
  readonly value: number;
  /** Iterations used, over all restarts. */
  readonly iterations: number;
  /** True when the tolerances were met (not merely the iteration limit). */
  readonly converged: boolean;
}

/**
 * Minimises `f` with the Nelder-Mead downhill simplex (adaptive coefficients of Gao & Han 2012,
 * restarts from the best vertex). Needs no gradient and copes with objectives that return
 * `Infinity` or `NaN` outside their domain (such points are treated as worse than any other).
 *
 * @example
 * ```ts
 * const { point } = nelderMead(([x = 0, y = 0]) => (x - 1) ** 2 + 10 * (y + 2) ** 2, [0, 0]);
 * // point ≈ [1, -2]
 * ```
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 5000 * Math.max(1, n);
  const fTol = options.functionTolerance ?? 1e-10;
  const xTol = options.pointTolerance ?? 1e-9;
  const step = options.initialStep ?? 0.5;
  const restarts = options.restarts ?? 2;
  const safe = (x: readonly number[]): number => {
    const value = f(x);
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };
  // Adaptive parameters (Gao & Han): better behaved than the textbook ones in higher dimension.
  const alpha = 1;
  const beta = 1 + 2 / Math.max(n, 1);
  const gamma = 0.75 - 1 / (2 * Math.max(n, 1));
  const delta = 1 - 1 / Math.max(n, 1);

  let best = [...start];
  let bestValue = safe(best);
  let iterations = 0;
  let converged = false;

  for (let round = 0; round <= restarts && iterations < maxIterations; round += 1) {
    const simplex: number[][] = [best.slice()];
    for (let i = 0; i < n; i += 1) {
      const vertex = best.slice();
      vertex[i] = (vertex[i] as number) + step;
      simplex.push(vertex);
    }
    const values = simplex.map(safe);
    converged = false;
    while (iterations < maxIterations) {
      iterations += 1;
      const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
      const sortedSimplex = order.map((i) => simplex[i] as number[]);
      const sortedValues = order.map((i) => values[i] as number);
      for (let i = 0; i <= n; i += 1) {
        simplex[i] = sortedSimplex[i] as number[];
        values[i] = sortedValues[i] as number;
      }
      const lowest = values[0] as number;
      const highest = values[n] as number;
      let spread = 0;
      for (let i = 1; i <= n; i += 1) {
        for (let j = 0; j < n; j += 1) {
          spread = Math.max(spread, Math.abs(((simplex[i] as number[])[j] as number) - ((simplex[0] as number[])[j] as number)));
        }
      }
      if (Number.isFinite(highest) && Math.abs(highest - lowest) <= fTol && spread <= xTol) {
        converged = true;
        break;
      }
      const centroid = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i += 1) {
        for (let j = 0; j < n; j += 1) centroid[j] = (centroid[j] as number) + ((simplex[i] as number[])[j] as number) / n;
      }
      const worst = simplex[n] as number[];
      const along = (t: number): number[] => centroid.map((c, j) => c + t * (c - (worst[j] as number)));
      const reflected = along(alpha);
      const fr = safe(reflected);
      if (fr < lowest) {
        const expanded = along(alpha * beta);
        const fe = safe(expanded);
        if (fe < fr) {
          simplex[n] = expanded;
          values[n] = fe;
        } else {
          simplex[n] = reflected;
          values[n] = fr;
        }
        continue;
      }
      if (fr < (values[n - 1] as number)) {
        simplex[n] = reflected;
        values[n] = fr;
        continue;
      }
      const outside = fr < highest;
      const contracted = along(outside ? alpha * gamma : -gamma);
      const fc = safe(contracted);
      if (fc < (outside ? fr : highest)) {
        simplex[n] = contracted;
        values[n] = fc;
        continue;
      }
      const anchor = simplex[0] as number[];
      for (let i = 1; i <= n; i += 1) {
        simplex[i] = (simplex[i] as number[]).map((v, j) => (anchor[j] as number) + delta * (v - (anchor[j] as number)));
        values[i] = safe(simplex[i] as number[]);
      }
    }
    let bestIndex = 0;
    for (let i = 1; i <= n; i += 1) if ((values[i] as number) < (values[bestIndex] as number)) bestIndex = i;
    const improved = (values[bestIndex] as number) < bestValue - fTol;
    if ((values[bestIndex] as number) <= bestValue) {
      best = (simplex[bestIndex] as number[]).slice();
      bestValue = values[bestIndex] as number;
    }
    if (round > 0 && !improved && converged) break;
  }
  return { point: best, value: bestValue, iterations, converged };
}
