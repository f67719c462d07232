import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../src/analytics/nelder-mead.js';
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
