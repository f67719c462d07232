import { describe, expect, it } from 'vitest';
import { digamma } from '../../src/analytics/digamma.js';
import { minimizeLbfgs } from '../../src/analytics/lbfgs.js';
import { nelderMead } from '../../src/analytics/nelder-mead.js';
import { fitParetoNbd, paretoNbdLogLikelihood, paretoNbdLogLikelihoodWithGradient } from '../../src/analytics/pareto-nbd.js';
import { invertPositiveDefinite, numericalHessian } from '../../src/analytics/numerical-hessian.js';

describe('nelderMead', () => {
  it('finds the Rosenbrock minimum', () => {
    const rosenbrock = ([x = 0, y = 0]: readonly number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 5);
    expect(result.point[1]).toBeCloseTo(1, 5);
  });

  it('treats NaN and Infinity as worse than any finite value', () => {
    const f = ([x = 0]: readonly number[]) => (x <= 0 ? Number.NaN : (Math.log(x) - 1) ** 2);
    const result = nelderMead(f, [0.5], { initialStep: 2 });
    expect(result.point[0]).toBeCloseTo(Math.E, 5);
  });

  it('handles a 6-dimensional quadratic', () => {
    const centre = [1, -2, 3, -4, 5, -6];
    const f = (x: readonly number[]) => x.reduce((s, v, i) => s + (i + 1) * (v - (centre[i] as number)) ** 2, 0);
    const result = nelderMead(f, new Array(6).fill(0), { initialStep: 1 });
    result.point.forEach((v, i) => expect(v).toBeCloseTo(centre[i] as number, 4));
  });
});

describe('numerical Hessian and inverse', () => {
  it('recovers an analytic Hessian', () => {
    const h = numericalHessian(([x = 0, y = 0]) => x * x * y + 3 * y * y, [1, 2]);
    expect(h[0]?.[0]).toBeCloseTo(4, 5);
    expect(h[0]?.[1]).toBeCloseTo(2, 5);
    expect(h[1]?.[0]).toBeCloseTo(2, 5);
    expect(h[1]?.[1]).toBeCloseTo(6, 5);
  });

  it('inverts positive-definite matrices and refuses the rest', () => {
    const inverse = invertPositiveDefinite([
      [4, 2],
      [2, 3],
    ]);
    expect(inverse?.[0]?.[0]).toBeCloseTo(0.375, 14);
    expect(inverse?.[0]?.[1]).toBeCloseTo(-0.25, 14);
    expect(inverse?.[1]?.[1]).toBeCloseTo(0.5, 14);
    expect(
      invertPositiveDefinite([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
    expect(invertPositiveDefinite([[Number.NaN]])).toBeNull();
  });
});

describe('minimizeLbfgs', () => {
  it('finds the Rosenbrock minimum with an analytic gradient', () => {
    const r = minimizeLbfgs(([x = 0, y = 0]) => ({
      value: 100 * (y - x * x) ** 2 + (1 - x) ** 2,
      gradient: [-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)],
    }), [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.point[0]).toBeCloseTo(1, 6);
    expect(r.point[1]).toBeCloseTo(1, 6);
  });

  it('stops at a bound when the minimum lies beyond it', () => {
    const r = minimizeLbfgs(([x = 0, y = 0]) => ({ value: (x - 50) ** 2 + (y + 1) ** 2, gradient: [2 * (x - 50), 2 * (y + 1)] }), [0, 0], { lower: -30, upper: 30 });
    expect(r.converged).toBe(true);
    expect(r.point[0]).toBe(30);
    expect(r.point[1]).toBeCloseTo(-1, 8);
  });

  it('reports a failed line search (a non-finite objective) as not converged', () => {
    const r = minimizeLbfgs(() => ({ value: Number.NaN, gradient: [1] }), [0]);
    expect(r.converged).toBe(false);
  });
});

describe('analytic gradients of the model likelihoods', () => {
  const rows = [
    { frequency: 0, recency: 0, T: 38.86 },
    { frequency: 1, recency: 2.5, T: 30 },
    { frequency: 2, recency: 30.43, T: 38.86 },
    { frequency: 14, recency: 37.1, T: 38.4 },
    { frequency: 40, recency: 10, T: 39 },
    { frequency: 3, recency: 20, T: 20 },
  ];
  const central = (f: (v: number[]) => number, at: number[], i: number) => {
    const h = 1e-6 * at[i]!;
    const up = [...at];
    const down = [...at];
    up[i] = at[i]! + h;
    down[i] = at[i]! - h;
    return (f(up) - f(down)) / (2 * h);
  };

  it('digamma matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 13);
    expect(digamma(100)).toBeCloseTo(4.600161852738087, 13);
  });

  it('Pareto/NBD: the integral form equals the 2F1 closed form, and its gradient the finite differences', () => {
    for (const params of [
      { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
      { r: 2, alpha: 3, s: 0.2, beta: 40 },
      { r: 0.3, alpha: 60, s: 3, beta: 0.5 },
    ]) {
      for (const row of rows) {
        const g = [0, 0, 0, 0];
        const value = paretoNbdLogLikelihoodWithGradient(params, row, g);
        expect(value).toBeCloseTo(paretoNbdLogLikelihood(params, row), 9);
        const at = [params.r, params.alpha, params.s, params.beta];
        const f = ([r = 1, alpha = 1, s = 1, beta = 1]: number[]) => paretoNbdLogLikelihood({ r, alpha, s, beta }, row);
        g.forEach((d, i) => expect(d).toBeCloseTo(central(f, at, i), 5));
      }
    }
  });

  it('the fits with analytic gradients land where Nelder-Mead on the same likelihood does', () => {
    const data = rows.flatMap((row, i) => Array.from({ length: 3 + i }, () => row));
    const lbfgs = fitParetoNbd(data, { standardErrors: false });
    expect(lbfgs.converged).toBe(true);
    const nm = nelderMead(
      (v) => (v.some((u) => Math.abs(u) > 30) ? Infinity : -data.reduce((s, row) => s + paretoNbdLogLikelihood({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), s: Math.exp(v[2]!), beta: Math.exp(v[3]!) }, row), 0)),
      [0, Math.log(30), 0, Math.log(30)],
      { maxIterations: 20_000, functionTolerance: 1e-13, pointTolerance: 1e-10, restarts: 3 },
    );
    expect(lbfgs.logLikelihood).toBeGreaterThanOrEqual(-nm.value - 1e-6);
  });
});
