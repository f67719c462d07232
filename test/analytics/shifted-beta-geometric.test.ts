import { describe, expect, it } from 'vitest';
import {
  fitShiftedBetaGeometric,
  hyp2f1,
  shiftedBetaGeometricDiscountedResidualLifetime,
  shiftedBetaGeometricExpectedLifetime,
  shiftedBetaGeometricRetentionRate,
  shiftedBetaGeometricSurvival,
} from '../../src/analytics/index.js';
import { isCrmError } from '../../src/storage/errors.js';

// Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1): survivors
// of two cohorts of 1,000 customers after years 0..7 and the published sBG fits on them (high end
// α = 0.668, β = 3.806; regular α = 0.704, β = 1.182; called gamma and delta here).
const highEnd = [1000, 869, 743, 653, 593, 551, 517, 491];
const regular = [1000, 631, 468, 382, 326, 289, 262, 241];

describe('shifted-beta-geometric (Fader & Hardie 2007)', () => {
  it.each([
    { name: 'high end', survivors: highEnd, gamma: 0.668, delta: 3.806, fitted: [1000, 851, 747, 670, 610, 562, 522, 489] },
    { name: 'regular', survivors: regular, gamma: 0.704, delta: 1.182, fitted: [1000, 627, 474, 388, 332, 292, 262, 239] },
  ])('reproduces the published fit of the $name cohort and its survivor curve', ({ survivors, gamma, delta, fitted }) => {
    const fit = fitShiftedBetaGeometric(survivors);
    expect(fit.converged).toBe(true);
    expect(fit.params.gamma).toBeCloseTo(gamma, 3);
    expect(fit.params.delta).toBeCloseTo(delta, 3);
    expect(fit.customers).toBe(1000);
    expect(fit.standardErrors?.gamma).toBeGreaterThan(0);
    // the fitted curve tracks the observed survivors within 2 % of the cohort
    const curve = shiftedBetaGeometricSurvival(fit.params, 7).map((s) => s * 1000);
    expect(curve.map(Math.round)).toEqual(fitted);
    curve.forEach((expected, t) => expect(Math.abs(expected - (survivors[t] as number))).toBeLessThan(20));
  });

  it('retention rates rise with tenure and follow the survival curve', () => {
    const params = { gamma: 0.704, delta: 1.182 };
    const curve = shiftedBetaGeometricSurvival(params, 12);
    for (let t = 1; t <= 12; t += 1) {
      const rate = shiftedBetaGeometricRetentionRate(params, t);
      expect(rate).toBeCloseTo((curve[t] as number) / (curve[t - 1] as number), 12);
      if (t > 1) expect(rate).toBeGreaterThan(shiftedBetaGeometricRetentionRate(params, t - 1));
    }
    expect(shiftedBetaGeometricRetentionRate(params, 1)).toBeCloseTo(0.627, 3);
  });

  it('expected lifetime: closed form when gamma > 1, infinite otherwise, truncated sum with a horizon', () => {
    expect(shiftedBetaGeometricExpectedLifetime({ gamma: 3, delta: 4 })).toBeCloseTo(3, 12);
    const long = shiftedBetaGeometricExpectedLifetime({ gamma: 3, delta: 4 }, 100_000);
    expect(long).toBeCloseTo(3, 4);
    expect(shiftedBetaGeometricExpectedLifetime({ gamma: 0.704, delta: 1.182 })).toBe(Number.POSITIVE_INFINITY);
    expect(shiftedBetaGeometricExpectedLifetime({ gamma: 0.704, delta: 1.182 }, 1)).toBe(1);
  });

  it('discounted expected residual lifetime equals the 2F1 closed form of Fader & Hardie (2010)', () => {
    for (const params of [{ gamma: 0.704, delta: 1.182 }, { gamma: 0.668, delta: 3.806 }, { gamma: 3, delta: 4 }]) {
      for (const renewals of [0, 1, 4, 10]) {
        const n = renewals + 1;
        const closedForm = ((params.delta + n - 1) / (params.gamma + params.delta + n - 1)) * hyp2f1(1, params.delta + n, params.gamma + params.delta + n, 1 / 1.1);
        expect(shiftedBetaGeometricDiscountedResidualLifetime(params, { renewals, discountRate: 0.1 })).toBeCloseTo(closedForm, 8);
      }
    }
    // a customer who has renewed more often is worth more (the survivors are the loyal ones)
    const p = { gamma: 0.704, delta: 1.182 };
    expect(shiftedBetaGeometricDiscountedResidualLifetime(p, { renewals: 4, discountRate: 0.1 })).toBeGreaterThan(
      shiftedBetaGeometricDiscountedResidualLifetime(p, { renewals: 0, discountRate: 0.1 }),
    );
  });

  it('rejects bad survivor counts with typed issues and no fit', () => {
    const codes = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(isCrmError(error, 'validation')).toBe(true);
        return (error as { issues: { code: string }[] }).issues.map((i) => i.code);
      }
      throw new Error('expected a ValidationError');
    };
    expect(codes(() => fitShiftedBetaGeometric([1000]))).toEqual(['empty_input']);
    expect(codes(() => fitShiftedBetaGeometric([1000, 900, 950]))).toEqual(['invalid_option']);
    expect(codes(() => fitShiftedBetaGeometric([1000, 900.5]))).toEqual(['not_integer']);
    expect(codes(() => shiftedBetaGeometricDiscountedResidualLifetime({ gamma: 1, delta: 1 }, { renewals: -1, discountRate: 0 }))).toEqual(['not_integer', 'not_positive']);
  });
});
