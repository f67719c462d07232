/**
 * The models against their published CDNOW fits. Sources (see docs/analytics.md):
 * - BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2);
 *   CLVTools test_correctness_bgnbd.R; Hardie's BG/NBD Excel sheet via lifetimes' test_estimation.py.
 * - Pareto/NBD: BTYD vignette / CLVTools test_correctness_pnbd.R (estimates, LL and standard errors).
 * - Modified BG/NBD: BTYDplus, via lifetimes' test_estimation.py.
 * - Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value"; CLVTools
 *   test_correctness_gg.R; lifetimes Quickstart (conditional spend and CLV of the first customers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesUnconditional,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitModifiedBgNbd,
  fitParetoNbd,
  gammaGammaExpectedSpend,
  modifiedBgNbdExpectedPurchasesUnconditional,
  modifiedBgNbdProbabilityAlive,
  paretoNbdProbabilityAlive,
  type BgNbdFit,
  type GammaGammaFit,
} from '../../src/analytics/index.js';
import { cdnowSummary, cdnowSummaryWithSpend } from './cdnow-fixtures.js';

const rows = cdnowSummary();
const withSpend = cdnowSummaryWithSpend();

/** |actual - published| within half a unit of the published value's last printed digit. */
function toPrintedPrecision(actual: number, published: string): void {
  const decimals = published.split('.')[1]?.length ?? 0;
  expect(Math.abs(actual - Number(published))).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

describe('BG/NBD on CDNOW (Fader, Hardie & Lee 2005)', () => {
  let fit: BgNbdFit;
  beforeAll(() => {
    fit = fitBgNbd(rows);
  });

  it('reproduces r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 and LL = -9582.4', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    toPrintedPrecision(fit.params.r, '0.243');
    toPrintedPrecision(fit.params.alpha, '4.414');
    toPrintedPrecision(fit.params.a, '0.793');
    toPrintedPrecision(fit.params.b, '2.426');
    toPrintedPrecision(fit.logLikelihood, '-9582.4');
  });

  it('agrees with CLVTools to its 4 printed significant digits (r = 0.2425945, alpha = 4.4136019, a = 0.7929199, b = 2.4258881)', () => {
    expect(fit.params.r).toBeCloseTo(0.2425945, 4);
    expect(fit.params.alpha).toBeCloseTo(4.4136019, 3);
    expect(fit.params.a).toBeCloseTo(0.7929199, 3);
    expect(fit.params.b).toBeCloseTo(2.4258881, 3);
  });

  it('gives finite, positive standard errors', () => {
    expect(fit.standardErrors).not.toBeNull();
    for (const se of Object.values(fit.standardErrors ?? {})) expect(se).toBeGreaterThan(0);
  });

  it("matches Hardie's spreadsheet: E[X(39) | x=2, t_x=30.43, T=38.86] = 1.226", () => {
    toPrintedPrecision(bgNbdExpectedPurchases(fit.params, { frequency: 2, recency: 30.43, T: 38.86 }, 39), '1.226');
  });

  it("matches Hardie's spreadsheet for the unconditional E[X(t)]", () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = ['0.0078', '0.0532', '0.1506', '1.0405', '1.0437', '1.8576'];
    times.forEach((t, i) => {
      // lifetimes checks these to 3 decimals; the spreadsheet used slightly different parameters
      expect(Math.abs(bgNbdExpectedPurchasesUnconditional(fit.params, t) - Number(expected[i]))).toBeLessThan(5e-4);
    });
  });

  it("matches lifetimes' Quickstart ranking of next-week purchases", () => {
    const published: [number, number, number, string][] = [
      [18, 35.14, 35.86, '0.424877'],
      [19, 34.0, 34.14, '0.474738'],
      [17, 28.43, 28.86, '0.486526'],
      [29, 37.71, 38.0, '0.662396'],
      [26, 30.86, 31.0, '0.710623'],
    ];
    for (const [frequency, recency, T, value] of published) {
      expect(bgNbdExpectedPurchases(fit.params, { frequency, recency, T }, 1)).toBeCloseTo(Number(value), 4);
    }
  });

  it('an L2 penalty shrinks the parameters', () => {
    const penalised = fitBgNbd(rows, { penalty: 0.1, standardErrors: false });
    const sum = (p: Record<string, number>) => Object.values(p).reduce((s, v) => s + v, 0);
    expect(sum(penalised.params)).toBeLessThan(sum(fit.params));
    expect(penalised.standardErrors).toBeNull();
    expect(penalised.logLikelihood).toBeLessThan(fit.logLikelihood);
  });
});

describe('Pareto/NBD on CDNOW (BTYD, CLVTools)', () => {
  it('reproduces r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9594.98 and the standard errors', () => {
    const fit = fitParetoNbd(rows);
    toPrintedPrecision(fit.params.r, '0.553');
    toPrintedPrecision(fit.params.alpha, '10.578');
    toPrintedPrecision(fit.params.s, '0.606');
    expect(Math.abs(fit.params.beta - 11.669)).toBeLessThan(2e-3); // flat direction: SE(beta) = 6.2
    toPrintedPrecision(fit.logLikelihood, '-9594.97'); // CLVTools prints -9594.976 on unrounded dates
    expect(Math.abs(fit.logLikelihood - -9594.976)).toBeLessThan(0.01);
    // CLVTools: r 0.0476264, alpha 0.8427222, s 0.1872594, beta 6.2105448
    const se = fit.standardErrors;
    expect(se).not.toBeNull();
    expect(se?.r).toBeCloseTo(0.0476, 3);
    expect(se?.alpha).toBeCloseTo(0.843, 2);
    expect(se?.s).toBeCloseTo(0.187, 2);
    expect(Math.abs((se?.beta ?? 0) / 6.2105 - 1)).toBeLessThan(0.01);
  });

  it('gives finite P(alive) where an older CLVTools implementation produced NaN', () => {
    const params = { r: 0.5143, alpha: 2.8845, s: 0.2856, beta: 14.1087 };
    const cases: [number, number, number][] = [
      [221, 103.42857, 103.57143],
      [254, 97.14286, 97.28571],
      [161, 94.71429, 98.0],
      [204, 98.57143, 99.42857],
    ];
    for (const [frequency, recency, T] of cases) {
      const p = paretoNbdProbabilityAlive(params, { frequency, recency, T });
      expect(p).toBeGreaterThan(0.5);
      expect(p).toBeLessThanOrEqual(1);
    }
  });
});

describe('modified BG/NBD on CDNOW (BTYDplus via lifetimes)', () => {
  it('reproduces r = 0.525, alpha = 6.183, a = 0.891, b = 1.614', () => {
    const fit = fitModifiedBgNbd(rows);
    toPrintedPrecision(fit.params.r, '0.525');
    toPrintedPrecision(fit.params.alpha, '6.183');
    toPrintedPrecision(fit.params.a, '0.891');
    toPrintedPrecision(fit.params.b, '1.614');
    expect(fit.logLikelihood).toBeCloseTo(-9582.13, 1);
    // lifetimes checks the MBG/NBD against the BG/NBD spreadsheet within 5 %
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const bg = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => {
      expect(Math.abs(modifiedBgNbdExpectedPurchasesUnconditional(fit.params, t) / (bg[i] as number) - 1)).toBeLessThan(0.05);
    });
    expect(modifiedBgNbdProbabilityAlive(fit.params, { frequency: 0, recency: 0, T: 1 })).toBeLessThan(1);
  });
});

describe('Gamma-Gamma and CLV on CDNOW (Fader & Hardie 2013; lifetimes Quickstart)', () => {
  let spend: GammaGammaFit;
  beforeAll(() => {
    spend = fitGammaGamma(withSpend);
  });

  it('reproduces p = 6.25, q = 3.74, v = 15.44 on the 946 repeat customers', () => {
    expect(spend.customers).toBe(946);
    toPrintedPrecision(spend.params.p, '6.25');
    toPrintedPrecision(spend.params.q, '3.74');
    expect(Math.abs(spend.params.v - 15.44)).toBeLessThan(0.01); // lifetimes prints 15.45, the paper 15.44
    expect(Math.abs(spend.logLikelihood - -4055.9177)).toBeLessThan(0.01); // CLVTools, unrounded spends
  });

  it("matches lifetimes' conditional expected average profit", () => {
    const published: [number, string][] = [
      [1, '24.658619'],
      [2, '18.911489'],
      [3, '35.170981'],
      [6, '71.462843'],
      [9, '27.282408'],
    ];
    for (const [id, value] of published) {
      const row = withSpend[id - 1];
      expect(row?.id).toBe(id);
      expect(Math.abs(gammaGammaExpectedSpend(spend.params, row as (typeof withSpend)[number]) / Number(value) - 1)).toBeLessThan(1e-5);
    }
    const mean = withSpend.reduce((s, row) => s + gammaGammaExpectedSpend(spend.params, row), 0) / withSpend.length;
    expect(mean).toBeCloseTo(35.2529588256, 5);
  });

  it("matches lifetimes' 12-month CLV at 1 % a month (its example uses 30 time units a month)", () => {
    const purchases = fitBgNbd(withSpend, { standardErrors: false });
    const published: [number, string][] = [
      [1, '140.096211'],
      [2, '18.943467'],
      [3, '38.180574'],
      [6, '1003.868107'],
      [7, '28.109683'],
      [9, '167.418216'],
    ];
    for (const [id, value] of published) {
      const row = withSpend[id - 1] as (typeof withSpend)[number];
      const clv = customerLifetimeValue(purchases, row, {
        expectedSpend: gammaGammaExpectedSpend(spend.params, row),
        timeUnit: 'weeks',
        months: 12,
        monthlyDiscountRate: 0.01,
        periodsPerMonth: 30,
      });
      expect(Math.abs(clv / Number(value) - 1)).toBeLessThan(1e-5);
    }
  });
});
