// The statistics behind campaign reports: the normal tail and quantile (checked against scipy's
// values, printed by scipy.stats.norm.sf / .ppf), the two-proportion test on a textbook example,
// the attribution weights and the exact split of an amount.
import { describe, expect, it } from 'vitest';
import { attributionWeights, normalQuantile, normalUpperTail, splitAmount, twoProportionTest } from 'crmkit/analytics';

const close = (actual: number, expected: number, relative = 1e-12) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe('the normal distribution', () => {
  it('has the upper tail scipy computes, far into the tail', () => {
    const scipy: [number, number][] = [
      [0.1, 0.460172162722971], [1, 0.15865525393145707], [1.959963984540054, 0.025], [2.5, 0.006209665325776132],
      [3.5, 0.00023262907903552502], [5, 2.866515718791933e-7], [8, 6.22096057427174e-16], [12, 1.776482112077653e-33], [20, 2.7536241186061556e-89],
    ];
    for (const [z, tail] of scipy) close(normalUpperTail(z), tail, 1e-11);
    close(normalUpperTail(-1), 1 - 0.15865525393145707);
  });

  it('has the quantile scipy computes, and refuses p outside (0, 1)', () => {
    const scipy: [number, number][] = [
      [1e-12, -7.034483825301131], [1e-6, -4.753424308822899], [0.001, -3.090232306167813], [0.025, -1.9599639845400545],
      [0.3, -0.5244005127080409], [0.9, 1.2815515655446004], [0.999999, 4.753424308817087],
    ];
    for (const [p, z] of scipy) close(normalQuantile(p), z, 1e-10);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    for (const bad of [0, 1, -0.1, Number.NaN]) expect(() => normalQuantile(bad)).toThrow(RangeError);
  });
});

describe('the two-proportion test', () => {
  it('reproduces the Physicians\' Health Study example of Agresti, An Introduction to Categorical Data Analysis (2nd ed.), §2.2', () => {
    // Myocardial infarction: 189 of 11,034 on placebo, 104 of 11,037 on aspirin. Agresti gives the
    // difference 0.0171 − 0.0094 = 0.0077, standard error 0.0015 and the 95 % interval (0.005, 0.011).
    const result = twoProportionTest({ successes: 189, trials: 11_034 }, { successes: 104, trials: 11_037 });
    expect(result.proportionA).toBeCloseTo(0.0171, 4);
    expect(result.proportionB).toBeCloseTo(0.0094, 4);
    expect(result.difference).toBeCloseTo(0.0077, 4);
    expect(result.confidenceInterval[0]).toBeCloseTo(0.005, 3);
    expect(result.confidenceInterval[1]).toBeCloseTo(0.011, 3);
    // To full precision, as scipy computes the same formulas: z = 5.0014, two-sided p = 5.69e-7.
    close(result.z, 5.001388204008378, 1e-10);
    close(result.pValue, 5.691896973740836e-7, 1e-8);
    close(result.confidenceInterval[0], 0.004687750675049439, 1e-10);
    expect(result).toMatchObject({ enoughData: true, significant: true });
  });

  it('refuses to call a difference on too few successes or failures, whatever the p-value', () => {
    const result = twoProportionTest({ successes: 8, trials: 20 }, { successes: 0, trials: 20 });
    expect(result.pValue).toBeLessThan(0.01);
    expect(result).toMatchObject({ enoughData: false, significant: false });
    expect(twoProportionTest({ successes: 50, trials: 100 }, { successes: 50, trials: 100 })).toMatchObject({ z: 0, pValue: 1, significant: false });
    expect(twoProportionTest({ successes: 0, trials: 10 }, { successes: 0, trials: 10 })).toMatchObject({ pValue: 1 });
  });

  it('refuses impossible samples', () => {
    expect(() => twoProportionTest({ successes: 5, trials: 4 }, { successes: 1, trials: 4 })).toThrow(RangeError);
    expect(() => twoProportionTest({ successes: 1, trials: 0 }, { successes: 1, trials: 4 })).toThrow(RangeError);
    expect(() => twoProportionTest({ successes: 1.5, trials: 4 }, { successes: 1, trials: 4 })).toThrow(RangeError);
    expect(() => twoProportionTest({ successes: 1, trials: 4 }, { successes: 1, trials: 4 }, { confidence: 1 })).toThrow(RangeError);
  });
});

describe('attribution', () => {
  const day = 86_400_000;
  const purchase = new Date('2026-03-10T00:00:00Z');
  const touches = [8, 6, 4, 2].map((ago) => new Date(purchase.getTime() - ago * day));

  it('gives each model its shares on four touches', () => {
    expect(attributionWeights('first_touch', touches, purchase)).toEqual([1, 0, 0, 0]);
    expect(attributionWeights('last_touch', touches, purchase)).toEqual([0, 0, 0, 1]);
    expect(attributionWeights('linear', touches, purchase)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(attributionWeights('u_shaped', touches, purchase).map((w) => +w.toFixed(12))).toEqual([0.4, 0.1, 0.1, 0.4]);
    // W-shaped: first, the middle (index ⌊4 / 2⌋ = 2) and the last get 30 % each, the other 10 %.
    expect(attributionWeights('w_shaped', touches, purchase).map((w) => +w.toFixed(12))).toEqual([0.3, 0.1, 0.3, 0.3]);
    // Time decay, half-life 2 days: ages 8, 6, 4, 2 → 1/16, 1/8, 1/4, 1/2, normalized by 15/16.
    const decay = attributionWeights('time_decay', touches, purchase, { halfLifeDays: 2 });
    [1 / 15, 2 / 15, 4 / 15, 8 / 15].forEach((w, i) => close(decay[i]!, w, 1e-12));
  });

  it('gives one touch everything and two touches halves under the position models', () => {
    for (const model of ['first_touch', 'last_touch', 'linear', 'time_decay', 'u_shaped', 'w_shaped'] as const) {
      expect(attributionWeights(model, touches.slice(0, 1), purchase)).toEqual([1]);
      expect(attributionWeights(model, [], purchase)).toEqual([]);
    }
    expect(attributionWeights('u_shaped', touches.slice(0, 2), purchase)).toEqual([0.5, 0.5]);
    expect(attributionWeights('w_shaped', touches.slice(0, 2), purchase)).toEqual([0.5, 0.5]);
    expect(attributionWeights('w_shaped', touches.slice(0, 3), purchase).map((w) => +w.toFixed(12))).toEqual([1 / 3, 1 / 3, 1 / 3].map((w) => +w.toFixed(12)));
  });

  it('splits an amount into whole units that add up exactly, largest remainders first', () => {
    expect(splitAmount(100, [1 / 3, 1 / 3, 1 / 3])).toEqual([34, 33, 33]);
    expect(splitAmount(10_000, [0.2481105769995794, 0.3024501811150382, 0.4494392418853824])).toEqual([2481, 3025, 4494]);
    expect(splitAmount(7, [0, 1])).toEqual([0, 7]);
    expect(splitAmount(5, [])).toEqual([]);
    for (let amount = 0; amount < 200; amount += 7) expect(splitAmount(amount, [0.1, 0.7, 0.2]).reduce((a, b) => a + b, 0)).toBe(amount);
  });
});
