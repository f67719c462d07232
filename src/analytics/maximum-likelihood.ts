import { IssueList, type RfmObservation } from './analytics-validation.js';
import { minimizeLbfgs } from './lbfgs.js';
import { nelderMead } from './nelder-mead.js';
import { invertPositiveDefinite, numericalHessian } from './numerical-hessian.js';

/** Options shared by every model fit. */
export interface FitOptions<P> {
  /**
   * L2 penalty on the parameters, as in `lifetimes`' `penalizer_coef`: the fit minimises
   * -LL / n + penalty × Σ θ². 0 (the default) is plain maximum likelihood; 0.001 to 0.1 tames
   * implausibly large parameters on small data sets.
   */
  readonly penalty?: number;
  /** Starting values (all 1 by default, or a model-specific guess). */
  readonly initial?: Partial<P>;
  /** Optimiser iteration budget over all restarts (default 5,000; CDNOW needs about 600). */
  readonly maxIterations?: number;
  /** Compute standard errors from the numerical Hessian (default true). */
  readonly standardErrors?: boolean;
}

/** What every fit reports besides the parameters. */
export interface FitStatistics<P> {
  /** The fitted parameters. */
  readonly params: P;
  /** The (unpenalised) log-likelihood at `params`, summed over customers. */
  readonly logLikelihood: number;
  /**
   * Asymptotic standard errors: square roots of the diagonal of the inverse Hessian of the
   * (penalised) negative log-likelihood in the natural parameters. `null` when the Hessian is not
   * positive definite (a boundary or flat optimum) or when not requested.
   */
  readonly standardErrors: P | null;
  /** Number of customers the model was fitted on. */
  readonly customers: number;
  /** The penalty used. */
  readonly penalty: number;
  /** Optimiser iterations used. */
  readonly iterations: number;
  /** True when the optimiser met its tolerances. */
  readonly converged: boolean;
}

/** The internal description of a likelihood for {@link fitMaximumLikelihood}. */
export interface LikelihoodProblem<K extends string> {
  readonly names: readonly K[];
  /** Σ log-likelihood at natural (positive) parameters, in `names` order. */
  readonly logLikelihood: (params: readonly number[]) => number;
  readonly customers: number;
  readonly start: Readonly<Record<K, number>>;
  /** Σ log-likelihood and its gradient in the natural parameters, when the model has it in closed form. */
  readonly gradient?: (params: readonly number[]) => { readonly value: number; readonly gradient: readonly number[] };
}

/**
 * Maximum likelihood over positive parameters: L-BFGS on their logarithms, bounded to ±30 (so
 * every step stays in the domain and scale differences vanish), with the model's analytic gradient
 * when it has one and central differences otherwise; Nelder-Mead polishes a run that did not
 * converge. Then standard errors from the Hessian. Internal; each model's `fit…` function wraps it.
 *
 * @example
 * ```ts
 * // a Poisson rate from counts 1, 2, 3 observed over unit time
 * const fit = fitMaximumLikelihood({ names: ['lambda'], customers: 3, start: { lambda: 1 },
 *   logLikelihood: ([l = 1]) => 6 * Math.log(l) - 3 * l }, {});
 * fit.params.lambda; // ≈ 2
 * ```
 */
export function fitMaximumLikelihood<K extends string>(
  problem: LikelihoodProblem<K>,
  options: FitOptions<Readonly<Record<K, number>>>,
): FitStatistics<Readonly<Record<K, number>>> {
  const penalty = options.penalty ?? 0;
  const issues = new IssueList();
  if (typeof penalty !== 'number' || !Number.isFinite(penalty) || penalty < 0) {
    issues.add('invalid_option', ['penalty'], `penalty must be a finite number ≥ 0, got ${String(penalty)}`);
  }
  if (problem.customers === 0) issues.add('empty_input', ['customers'], 'cannot fit a model to zero customers');
  const start = problem.names.map((name) => options.initial?.[name] ?? problem.start[name]);
  start.forEach((value, i) => {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      issues.add('not_positive', ['initial', problem.names[i] as K], `initial values must be finite and positive, got ${String(value)}`);
    }
  });
  issues.throwIfAny('Cannot fit model');

  const n = problem.customers;
  // A point whose likelihood leaves double range (a special function refuses it with a
  // RangeError) is no candidate: the search treats it as infinitely unlikely and moves on.
  const outOfRange = <T>(evaluate: () => T, fallback: T): T => {
    try {
      return evaluate();
    } catch (error) {
      if (error instanceof RangeError) return fallback;
      throw error;
    }
  };
  const penalised = (logParams: readonly number[]): number => {
    const params = logParams.map(Math.exp);
    if (!params.every((p) => p > 0 && Number.isFinite(p))) return Number.POSITIVE_INFINITY;
    const ll = outOfRange(() => problem.logLikelihood(params), Number.NEGATIVE_INFINITY);
    if (!Number.isFinite(ll)) return Number.POSITIVE_INFINITY;
    let l2 = 0;
    for (const p of params) l2 += p * p;
    return -ll / n + penalty * l2;
  };
  // Value and gradient in log space: analytic when the model gives dLL/dθ (chain rule θ·dLL/dθ),
  // central differences otherwise.
  const valueAndGradient = (logParams: readonly number[]): { value: number; gradient: number[] } => {
    const params = logParams.map(Math.exp);
    if (problem.gradient !== undefined) {
      const { value: ll, gradient } = outOfRange(() => problem.gradient!(params), { value: Number.NEGATIVE_INFINITY, gradient: params.map(() => 0) });
      if (!Number.isFinite(ll) || !gradient.every(Number.isFinite)) return { value: Number.POSITIVE_INFINITY, gradient: params.map(() => 0) };
      let l2 = 0;
      for (const p of params) l2 += p * p;
      return { value: -ll / n + penalty * l2, gradient: params.map((p, i) => -p * (gradient[i] as number) / n + 2 * penalty * p * p) };
    }
    const value = penalised(logParams);
    const gradient = logParams.map((v, i) => {
      const h = 1e-5;
      const up = [...logParams];
      const down = [...logParams];
      up[i] = v + h;
      down[i] = v - h;
      return (penalised(up) - penalised(down)) / (2 * h);
    });
    return { value, gradient: gradient.every(Number.isFinite) ? gradient : gradient.map(() => 0) };
  };
  const budget = options.maxIterations ?? 5_000;
  const quasiNewton = minimizeLbfgs(valueAndGradient, start.map((v) => Math.log(v)), {
    lower: -30,
    upper: 30,
    maxIterations: Math.min(budget, 1_000),
    gradientTolerance: 1e-11,
  });
  let result: { point: readonly number[]; iterations: number; converged: boolean } = quasiNewton;
  if (!quasiNewton.converged) {
    // Rare (a flat or boundary optimum): polish with Nelder-Mead from where L-BFGS stopped.
    const objective = (logParams: readonly number[]): number =>
      logParams.some((v) => Math.abs(v) > 30) ? Number.POSITIVE_INFINITY : penalised(logParams);
    const polished = nelderMead(objective, quasiNewton.point, {
      maxIterations: Math.max(1, budget - quasiNewton.iterations),
      functionTolerance: 1e-12,
      pointTolerance: 1e-9,
      restarts: 3,
    });
    result = { point: polished.point, iterations: quasiNewton.iterations + polished.iterations, converged: polished.converged };
  }
  const fitted = result.point.map(Math.exp);
  const asRecord = (values: readonly number[]): Readonly<Record<K, number>> =>
    Object.fromEntries(problem.names.map((name, i) => [name, values[i] as number])) as Record<K, number>;

  let standardErrors: Readonly<Record<K, number>> | null = null;
  if (options.standardErrors !== false) {
    const penalisedNegative = (params: readonly number[]): number => {
      if (!params.every((p) => p > 0)) return Number.NaN;
      let l2 = 0;
      for (const p of params) l2 += p * p;
      return -problem.logLikelihood(params) + n * penalty * l2;
    };
    const covariance = invertPositiveDefinite(numericalHessian(penalisedNegative, fitted));
    if (covariance !== null) {
      const errors = covariance.map((row, i) => Math.sqrt(row[i] as number));
      if (errors.every(Number.isFinite)) standardErrors = asRecord(errors);
    }
  }
  return {
    params: asRecord(fitted),
    logLikelihood: problem.logLikelihood(fitted),
    standardErrors,
    customers: n,
    penalty,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/**
 * Fits a purchase model whose log-likelihood is a sum over customers: identical
 * (x, t_x, T) rows are grouped and evaluated once, weighted by their count.
 * Internal; the BG/NBD, modified BG/NBD and Pareto/NBD fits use it.
 *
 * @example
 * ```ts
 * fitRfmLikelihood(bgNbdParameterNames, rows, { r: 1, alpha: meanT(rows), a: 1, b: 1 }, bgNbdLogLikelihoodUnchecked, {});
 * ```
 */
export function fitRfmLikelihood<K extends string>(
  names: readonly K[],
  customers: readonly RfmObservation[],
  start: Readonly<Record<K, number>>,
  rowLogLikelihood: (params: Readonly<Record<K, number>>, row: RfmObservation) => number,
  options: FitOptions<Readonly<Record<K, number>>>,
  rowGradient?: RowGradient<K>,
): FitStatistics<Readonly<Record<K, number>>> {
  const groups = groupObservations(customers, (c) => `${c.frequency}|${c.recency}|${c.T}`);
  const asParams = (values: readonly number[]): Record<K, number> =>
    Object.fromEntries(names.map((name, i) => [name, values[i] ?? 1])) as Record<K, number>;
  return fitMaximumLikelihood(
    {
      names,
      customers: customers.length,
      start,
      logLikelihood: (values) => {
        const params = asParams(values);
        let sum = 0;
        for (const { row, weight } of groups) sum += weight * rowLogLikelihood(params, row);
        return sum;
      },
      ...(rowGradient === undefined
        ? {}
        : {
            gradient: (values: readonly number[]) => {
              const params = asParams(values);
              const total = new Array<number>(names.length).fill(0);
              const row = new Array<number>(names.length).fill(0);
              let sum = 0;
              for (const group of groups) {
                row.fill(0);
                sum += group.weight * rowGradient(params, group.row, row);
                for (let i = 0; i < row.length; i += 1) total[i] = (total[i] as number) + group.weight * (row[i] as number);
              }
              return { value: sum, gradient: total };
            },
          }),
    },
    options,
  );
}

/**
 * One customer's log-likelihood and its gradient: returns the log-likelihood and writes
 * d log-likelihood / dθ into `gradient`, in the model's parameter order. Internal.
 */
export type RowGradient<K extends string> = (params: Readonly<Record<K, number>>, row: RfmObservation, gradient: number[]) => number;

/** Groups identical (frequency, recency, T) rows so a likelihood is evaluated once per pattern. */
export function groupObservations<T extends object>(
  rows: readonly T[],
  key: (row: T) => string,
): { readonly row: T; readonly weight: number }[] {
  const groups = new Map<string, { row: T; weight: number }>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.weight += 1;
    else groups.set(k, { row, weight: 1 });
  }
  return [...groups.values()];
}
