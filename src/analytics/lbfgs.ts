/**
 * Options of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * minimizeLbfgs(f, [0, 0], { lower: -30, upper: 30, gradientTolerance: 1e-11 });
 * ```
 */
export interface LbfgsOptions {
  /** Lower bound of every coordinate (default -Infinity). */
  readonly lower?: number;
  /** Upper bound of every coordinate (default +Infinity). */
  readonly upper?: number;
  /** Iteration budget (default 500). */
  readonly maxIterations?: number;
  /** Stop when the largest projected gradient component is below this (default 1e-9). */
  readonly gradientTolerance?: number;
  /** Stop when the objective changes by less than this, relative, over an iteration (default 1e-15). */
  readonly functionTolerance?: number;
  /**
   * When the objective can no longer decrease (a failed line search, a search direction promising
   * less than 1e-14 relative, or three iterations without a relative change above
   * `functionTolerance`), the run counts as converged if the largest projected
   * gradient component is below this (default 1e-6): the optimum at machine precision.
   */
  readonly stalledGradientTolerance?: number;
  /** Number of correction pairs kept (default 10). */
  readonly memory?: number;
}

/**
 * The result of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * const { point, converged } = minimizeLbfgs(f, [0, 0]);
 * ```
 */
export interface LbfgsResult {
  /** The minimising point. */
  readonly point: number[];
  /** The objective there. */
  readonly value: number;
  /** The gradient there. */
  readonly gradient: number[];
  /** Iterations used. */
  readonly iterations: number;
  /** Objective and gradient evaluations used. */
  readonly evaluations: number;
  /** True when a tolerance was met (not the iteration budget, nor a failed line search). */
  readonly converged: boolean;
}

/**
 * An objective that returns its value and gradient at a point.
 *
 * @example
 * ```ts
 * const f: ValueAndGradient = ([x = 0]) => ({ value: x * x, gradient: [2 * x] });
 * ```
 */
export type ValueAndGradient = (point: readonly number[]) => { readonly value: number; readonly gradient: readonly number[] };

/**
 * Minimises a smooth function with limited-memory BFGS and box bounds (projected steps, active
 * bounds frozen, backtracking Armijo line search). Internal; the model fits run it on the
 * logarithms of their parameters, so the bounds keep parameters within e^±30.
 *
 * @example
 * ```ts
 * const r = minimizeLbfgs(([x = 0, y = 0]) => ({ value: (x - 1) ** 2 + 10 * (y + 2) ** 2, gradient: [2 * (x - 1), 20 * (y + 2)] }), [0, 0]);
 * r.point; // ≈ [1, -2]
 * ```
 */
export function minimizeLbfgs(objective: ValueAndGradient, start: readonly number[], options: LbfgsOptions = {}): LbfgsResult {
  const lower = options.lower ?? Number.NEGATIVE_INFINITY;
  const upper = options.upper ?? Number.POSITIVE_INFINITY;
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-9;
  const ftol = options.functionTolerance ?? 1e-15;
  const m = options.memory ?? 10;
  const stalledTolerance = options.stalledGradientTolerance ?? 1e-6;
  const n = start.length;
  const clamp = (v: number): number => Math.min(upper, Math.max(lower, v));
  let x = start.map(clamp);
  let evaluations = 1;
  let { value: f, gradient: g } = ((r) => ({ value: r.value, gradient: [...r.gradient] }))(objective(x));
  const s: number[][] = [];
  const y: number[][] = [];
  const rho: number[] = [];
  // A coordinate at a bound whose gradient pushes outwards is frozen for the step.
  const free = (point: readonly number[], grad: readonly number[]): boolean[] =>
    point.map((v, i) => !((v <= lower && (grad[i] as number) > 0) || (v >= upper && (grad[i] as number) < 0)));
  const projectedNorm = (point: readonly number[], grad: readonly number[]): number => {
    const active = free(point, grad);
    let worst = 0;
    for (let i = 0; i < n; i += 1) if (active[i]) worst = Math.max(worst, Math.abs(grad[i] as number));
    return worst;
  };
  if (!Number.isFinite(f)) return { point: x, value: f, gradient: g, iterations: 0, evaluations, converged: false };
  let iterations = 0;
  let stalled = 0;
  let converged = projectedNorm(x, g) < gtol;
  while (!converged && iterations < maxIterations) {
    iterations += 1;
    const active = free(x, g);
    // Two-loop recursion on the free coordinates.
    const q = g.map((v, i) => (active[i] ? v : 0));
    const alphas: number[] = [];
    for (let k = s.length - 1; k >= 0; k -= 1) {
      const sk = s[k] as number[];
      let dot = 0;
      for (let i = 0; i < n; i += 1) if (active[i]) dot += (sk[i] as number) * (q[i] as number);
      const a = (rho[k] as number) * dot;
      alphas[k] = a;
      const yk = y[k] as number[];
      for (let i = 0; i < n; i += 1) if (active[i]) q[i] = (q[i] as number) - a * (yk[i] as number);
    }
    let gamma = 1;
    if (s.length > 0) {
      const sk = s[s.length - 1] as number[];
      const yk = y[y.length - 1] as number[];
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i += 1) {
        sy += (sk[i] as number) * (yk[i] as number);
        yy += (yk[i] as number) ** 2;
      }
      gamma = sy / yy;
    } else {
      const norm = Math.sqrt(q.reduce((acc, v) => acc + v * v, 0));
      gamma = norm > 0 ? Math.min(1, 1 / norm) : 1;
    }
    for (let i = 0; i < n; i += 1) q[i] = (q[i] as number) * gamma;
    for (let k = 0; k < s.length; k += 1) {
      const yk = y[k] as number[];
      let dot = 0;
      for (let i = 0; i < n; i += 1) if (active[i]) dot += (yk[i] as number) * (q[i] as number);
      const b = (rho[k] as number) * dot;
      const sk = s[k] as number[];
      for (let i = 0; i < n; i += 1) if (active[i]) q[i] = (q[i] as number) + ((alphas[k] as number) - b) * (sk[i] as number);
    }
    let direction = q.map((v, i) => (active[i] ? -v : 0));
    let slope = direction.reduce((acc, d, i) => acc + d * (g[i] as number), 0);
    if (!(slope < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      direction = g.map((v, i) => (active[i] ? -v : 0));
      slope = direction.reduce((acc, d, i) => acc + d * (g[i] as number), 0);
      const norm = Math.sqrt(-slope);
      if (norm > 1) direction = direction.map((d) => d / norm);
      slope = direction.reduce((acc, d, i) => acc + d * (g[i] as number), 0);
    }
    // The best decrease this direction can give is below what the objective can resolve: done.
    if (-slope <= 1e-14 * Math.max(1, Math.abs(f)) && projectedNorm(x, g) < stalledTolerance) {
      converged = true;
      break;
    }
    let step = 1;
    let accepted = false;
    let next = x;
    let nextF = f;
    let nextG = g;
    for (let tries = 0; tries < 40; tries += 1) {
      next = x.map((v, i) => clamp(v + step * (direction[i] as number)));
      const r = objective(next);
      evaluations += 1;
      const decrease = next.reduce((acc, v, i) => acc + (v - (x[i] as number)) * (g[i] as number), 0);
      if (Number.isFinite(r.value) && r.value <= f + 1e-4 * Math.min(decrease, 0)) {
        nextF = r.value;
        nextG = [...r.gradient];
        accepted = true;
        break;
      }
      step *= tries === 0 ? 0.1 : 0.5;
    }
    if (!accepted) {
      // No decrease left at machine precision: an optimum if the gradient is small there.
      converged = projectedNorm(x, g) < stalledTolerance;
      break;
    }
    const sNew = next.map((v, i) => v - (x[i] as number));
    const yNew = nextG.map((v, i) => v - (g[i] as number));
    const sy = sNew.reduce((acc, v, i) => acc + v * (yNew[i] as number), 0);
    const change = Math.abs(f - nextF);
    x = next;
    f = nextF;
    g = nextG;
    if (sy > 1e-12 * Math.sqrt(yNew.reduce((acc, v) => acc + v * v, 0) * sNew.reduce((acc, v) => acc + v * v, 0))) {
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
      if (s.length > m) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    stalled = change <= ftol * Math.max(1, Math.abs(f)) ? stalled + 1 : 0;
    if (projectedNorm(x, g) < gtol) converged = true;
    else if (stalled >= 3 && projectedNorm(x, g) < stalledTolerance) converged = true;
  }
  return { point: x, value: f, gradient: g, iterations, evaluations, converged };
}
