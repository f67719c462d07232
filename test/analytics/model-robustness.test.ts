import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isCrmError, ValidationError } from '../../src/storage/errors.js';
import {
  areaUnderCurve,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  bgNbdPurchaseProbability,
  churnProbability,
  churnScore,
  expectedPurchases,
  expectedPurchasesUnconditional,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaExpectedSpend,
  modifiedBgNbdPurchaseProbability,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  probabilityAlive,
  riskBands,
  scoreCustomers,
  type PurchaseModel,
  type RfmObservation,
} from '../../src/analytics/index.js';
import { logGamma } from '../../src/analytics/log-gamma.js';

const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const models: PurchaseModel[] = [
  { kind: 'bg-nbd', params: bg },
  { kind: 'modified-bg-nbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } },
  { kind: 'pareto-nbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } },
];

/** Valid (x, t_x, T) triples, including the edges: x = 0, t_x = T, huge x. */
const rfm = fc
  .record({ x: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 100_000 })), T: fc.double({ min: 0.01, max: 500, noNaN: true }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ x, T, share }): RfmObservation => ({ frequency: x, T, recency: x === 0 ? 0 : Math.max(T * share, T * 1e-6) }));
const params = fc.record({
  r: fc.double({ min: 1e-3, max: 50, noNaN: true }),
  alpha: fc.double({ min: 1e-2, max: 1e3, noNaN: true }),
  a: fc.double({ min: 1e-2, max: 50, noNaN: true }),
  b: fc.double({ min: 1e-2, max: 50, noNaN: true }),
});

function issueCodes(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(isCrmError(error, 'validation')).toBe(true);
    return (error as ValidationError).issues.map((i) => i.code);
  }
  throw new Error('expected a ValidationError');
}

describe('numerically hard inputs', () => {
  it.each(models)('$kind: huge frequency, recency = T, zero purchases, very long horizons stay finite', (model) => {
    const cases: RfmObservation[] = [
      { frequency: 100_000, recency: 38.86, T: 38.86 },
      { frequency: 100_000, recency: 20, T: 38.86 },
      { frequency: 0, recency: 0, T: 38.86 },
      { frequency: 0, recency: 0, T: 0 },
      { frequency: 5, recency: 38.86, T: 38.86 },
    ];
    for (const c of cases) {
      const p = probabilityAlive(model, c);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      for (const t of [0, 1e-6, 1, 52, 5_000, 1e6]) {
        const e = expectedPurchases(model, c, t);
        expect(Number.isFinite(e)).toBe(true);
        expect(e).toBeGreaterThanOrEqual(0);
      }
    }
    for (const t of [1e-6, 1, 1e4, 1e7]) expect(Number.isFinite(expectedPurchasesUnconditional(model, t))).toBe(true);
  });

  it('a very active customer who just bought is alive and keeps buying at her rate', () => {
    const c = { frequency: 100_000, recency: 38.86, T: 38.86 };
    expect(bgNbdProbabilityAlive(bg, c)).toBeGreaterThan(0.999);
    // the posterior mean rate is (r + x) / (alpha + T) purchases a week
    expect(bgNbdExpectedPurchases(bg, c, 1) / ((bg.r + 100_000) / (bg.alpha + 38.86))).toBeCloseTo(1, 1);
  });

  it('a very active customer gone silent is dead', () => {
    expect(bgNbdProbabilityAlive(bg, { frequency: 100_000, recency: 20, T: 38.86 })).toBe(0);
    expect(bgNbdExpectedPurchases(bg, { frequency: 100_000, recency: 20, T: 38.86 }, 52)).toBe(0);
  });

  it('is continuous through a = 1 and s = 1, where the closed forms have removable poles', () => {
    const c = { frequency: 3, recency: 20, T: 38.86 };
    const at = (a: number) => bgNbdExpectedPurchases({ ...bg, a }, c, 39);
    expect(Math.abs(at(1) / at(1 + 1e-3) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(at(1 - 1e-9) / at(1 + 1e-9) - 1)).toBeLessThan(1e-7);
    const pareto = (s: number) => expectedPurchases({ kind: 'pareto-nbd', params: { r: 0.55, alpha: 10.6, s, beta: 11.7 } }, c, 39);
    expect(Math.abs(pareto(1) / pareto(1 + 1e-6) - 1)).toBeLessThan(1e-5);
  });

  it('works for tiny and huge parameters', () => {
    const c = { frequency: 4, recency: 10, T: 30 };
    for (const p of [
      { r: 1e-6, alpha: 1e-6, a: 1e-6, b: 1e-6 },
      { r: 1e6, alpha: 1e6, a: 1e6, b: 1e6 },
      { r: 1e-4, alpha: 1e5, a: 50, b: 1e-3 },
    ]) {
      expect(Number.isFinite(bgNbdLogLikelihood(p, c))).toBe(true);
      const alive = bgNbdProbabilityAlive(p, c);
      expect(alive >= 0 && alive <= 1).toBe(true);
      expect(Number.isFinite(bgNbdExpectedPurchases(p, c, 52))).toBe(true);
    }
  });

  fcTest.prop([params, rfm], { numRuns: 200 })('BG/NBD: P(alive) ∈ [0,1], E[X(t)] ≥ 0 and non-decreasing in t', (p, c) => {
    const alive = bgNbdProbabilityAlive(p, c);
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(alive).toBeLessThanOrEqual(1);
    let previous = 0;
    for (const t of [0.5, 1, 4, 13, 52, 520]) {
      const e = bgNbdExpectedPurchases(p, c, t);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThanOrEqual(previous * (1 - 1e-6) - 1e-12); // rounding noise once the curve has flattened
      previous = e;
    }
    expect(Number.isFinite(bgNbdLogLikelihood(p, c))).toBe(true);
  });

  fcTest.prop([fc.constantFrom(...models), rfm], { numRuns: 150 })('every model: monotone in horizon, P(alive) in [0,1]', (model, c) => {
    const alive = probabilityAlive(model, c);
    expect(alive >= 0 && alive <= 1).toBe(true);
    const horizons = [1, 10, 100, 1000];
    const values = horizons.map((t) => expectedPurchases(model, c, t));
    for (let i = 1; i < values.length; i += 1) expect(values[i]).toBeGreaterThanOrEqual((values[i - 1] as number) * (1 - 1e-6));
  });

  const moderate = fc.record({
    r: fc.double({ min: 0.05, max: 5, noNaN: true }),
    alpha: fc.double({ min: 0.5, max: 100, noNaN: true }),
    a: fc.double({ min: 0.05, max: 20, noNaN: true }),
    b: fc.double({ min: 0.1, max: 20, noNaN: true }),
  });
  fcTest.prop([moderate, fc.double({ min: 0.1, max: 52, noNaN: true })], { numRuns: 60 })('P(X(t)=x) sums to 1 and its mean is E[X(t)]', (p, t) => {
    let total = 0;
    let mean = 0;
    for (let x = 0; x < 3000 && total < 1 - 1e-12; x += 1) {
      const px = bgNbdPurchaseProbability(p, t, x);
      expect(px).toBeGreaterThanOrEqual(0);
      total += px;
      mean += x * px;
    }
    expect(total).toBeGreaterThan(1 - 1e-6);
    expect(total).toBeLessThan(1 + 1e-9);
    expect(Math.abs(mean - expectedPurchasesUnconditional({ kind: 'bg-nbd', params: p }, t))).toBeLessThan(1e-3 * Math.max(1, mean));
    const mbg = Array.from({ length: 200 }, (_, k) => modifiedBgNbdPurchaseProbability(p, t, k)).reduce((s, v) => s + v, 0);
    expect(mbg).toBeLessThan(1 + 1e-9);
  });

  it('the model recovers parameters from data it generated', () => {
    // simulate BG/NBD customers with a fixed seed
    let seed = 42;
    const uniform = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const gamma = (shape: number): number => {
      if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const u1 = uniform();
        const u2 = uniform();
        const n = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        const v = (1 + c * n) ** 3;
        if (v > 0 && Math.log(uniform()) < 0.5 * n * n + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const truth = { r: 0.5, alpha: 5, a: 1.5, b: 4 };
    const rows: RfmObservation[] = [];
    for (let i = 0; i < 6000; i += 1) {
      const lambda = gamma(truth.r) / truth.alpha;
      const ga = gamma(truth.a);
      const p = ga / (ga + gamma(truth.b));
      const T = 30 + 20 * uniform();
      let time = 0;
      let x = 0;
      let last = 0;
      for (;;) {
        time += -Math.log(uniform()) / lambda;
        if (time > T) break;
        x += 1;
        last = time;
        if (uniform() < p) break;
      }
      rows.push({ frequency: x, recency: last, T });
    }
    const fit = fitBgNbd(rows);
    expect(Math.abs(fit.params.r - truth.r)).toBeLessThan(3 * (fit.standardErrors?.r ?? 0) + 0.02);
    expect(Math.abs(fit.params.alpha - truth.alpha)).toBeLessThan(3 * (fit.standardErrors?.alpha ?? 0) + 0.2);
    expect(Math.abs(fit.params.a - truth.a)).toBeLessThan(3 * (fit.standardErrors?.a ?? 0) + 0.2);
    expect(Math.abs(fit.params.b - truth.b)).toBeLessThan(3 * (fit.standardErrors?.b ?? 0) + 0.5);
  });
});

describe('bad input is rejected with a typed error', () => {

  it.each([
    [{ frequency: 2, recency: 40, T: 38 }, 'recency_exceeds_age'],
    [{ frequency: -1, recency: 0, T: 38 }, 'negative'],
    [{ frequency: 2, recency: -3, T: 38 }, 'negative'],
    [{ frequency: 0, recency: 3, T: 38 }, 'recency_without_repeat'],
    [{ frequency: 3, recency: 0, T: 38 }, 'repeat_without_recency'],
    [{ frequency: 1.5, recency: 3, T: 38 }, 'not_integer'],
    [{ frequency: Number.NaN, recency: 3, T: 38 }, 'not_finite'],
    [{ frequency: 2, recency: 3, T: Number.POSITIVE_INFINITY }, 'not_finite'],
    [{ frequency: '2', recency: 3, T: 38 } as unknown as RfmObservation, 'not_finite'],
  ])('%o → %s', (customer, code) => {
    expect(issueCodes(() => bgNbdProbabilityAlive(bg, customer))).toContain(code);
  });

  it('lists every bad row of a fit with its index', () => {
    let error: unknown;
    try {
      fitBgNbd([
        { frequency: 1, recency: 2, T: 3 },
        { frequency: 0, recency: 2, T: 3 },
        { frequency: 1, recency: 4, T: 3 },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      [1, 'recency'],
      [2, 'recency'],
    ]);
  });

  it('rejects bad parameters, horizons, options and empty data', () => {
    const c = { frequency: 1, recency: 2, T: 3 };
    expect(issueCodes(() => bgNbdProbabilityAlive({ ...bg, r: 0 }, c))).toEqual(['not_positive']);
    expect(issueCodes(() => bgNbdProbabilityAlive({ ...bg, alpha: Number.NaN }, c))).toEqual(['not_positive']);
    expect(issueCodes(() => bgNbdExpectedPurchases(bg, c, -1))).toEqual(['negative']);
    expect(issueCodes(() => bgNbdExpectedPurchases(bg, c, Number.POSITIVE_INFINITY))).toEqual(['not_finite']);
    expect(issueCodes(() => bgNbdPurchaseProbability(bg, 1, 1.5))).toEqual(['not_integer']);
    expect(issueCodes(() => fitBgNbd([]))).toEqual(['empty_input']);
    expect(issueCodes(() => fitBgNbd([c], { penalty: -1 }))).toEqual(['invalid_option']);
    expect(issueCodes(() => probabilityAlive({ kind: 'weibull' } as unknown as PurchaseModel, c))).toEqual(['invalid_option']);
    expect(issueCodes(() => fitGammaGamma([{ frequency: 0, monetaryValue: 10 }]))).toEqual(['spend_without_repeat']);
    expect(issueCodes(() => gammaGammaExpectedSpend({ p: 6, q: 0.9, v: 15 }, { frequency: 1, monetaryValue: 10 }))).toEqual(['not_positive']);
    expect(issueCodes(() => churnScore(models[0] as PurchaseModel, c, { horizon: 30, timeUnit: 'days', thresholds: { medium: 0.2, high: 0.5, lost: 0.1 } }))).toEqual(['invalid_option']);
  });
});

describe('churn probability: P(no purchase within the horizon | history)', () => {
  const pareto = models[2] as PurchaseModel & { kind: 'pareto-nbd' };

  it('Pareto/NBD: equals a brute-force integral of the first-purchase density; 1 at horizon 0, above 1 - P(alive) always', () => {
    const { r, alpha, s, beta } = pareto.params;
    for (const c of [
      { frequency: 0, recency: 0, T: 25 },
      { frequency: 2, recency: 30.43, T: 38.86 },
      { frequency: 30, recency: 38, T: 38.86 },
    ]) {
      for (const t of [1, 13, 39, 520]) {
        // ∫₀ᵗ (r'/α')(α'/(α'+v))^(r'+1) (β'/(β'+v))^s dv by Simpson's rule on 20,000 panels
        const [rp, ap, bp] = [r + c.frequency, alpha + c.T, beta + c.T];
        const density = (v: number) => (rp / ap) * (ap / (ap + v)) ** (rp + 1) * (bp / (bp + v)) ** s;
        const panels = 20_000;
        const h = t / panels;
        let integral = density(0) + density(t);
        for (let k = 1; k < panels; k += 1) integral += (k % 2 === 1 ? 4 : 2) * density(k * h);
        integral *= h / 3;
        const expected = 1 - probabilityAlive(pareto, c) * integral;
        expect(churnProbability(pareto, c, t)).toBeCloseTo(expected, 8);
      }
      expect(churnProbability(pareto, c, 0)).toBe(1);
      expect(churnProbability(pareto, c, 1e9)).toBeGreaterThan(1 - probabilityAlive(pareto, c));
    }
  });

  it('BG/NBD family: 1 - P(alive) (1 - ((α+T)/(α+T+t))^(r+x))', () => {
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    for (const model of models.slice(0, 2)) {
      const { r, alpha } = model.params as { r: number; alpha: number };
      const expected = 1 - probabilityAlive(model, c) * (1 - ((alpha + c.T) / (alpha + c.T + 13)) ** (r + 2));
      expect(churnProbability(model, c, 13)).toBeCloseTo(expected, 12);
    }
  });

  fcTest.prop([rfm, fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true })])(
    'is a probability, shrinks as the horizon grows, grows with the silence since the last purchase',
    (c, t1, t2) => {
      for (const model of models) {
        const [short, long] = [Math.min(t1, t2), Math.max(t1, t2)];
        const p = churnProbability(model, c, short);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(churnProbability(model, c, long)).toBeLessThanOrEqual(p + 1e-9);
        if (c.frequency > 0 && c.frequency < 1000) {
          const quieter = { ...c, recency: c.recency / 2 };
          expect(churnProbability(model, quieter, 13)).toBeGreaterThanOrEqual(churnProbability(model, c, 13) - 1e-9);
        }
      }
    },
  );

  it('validates its input', () => {
    expect(issueCodes(() => churnProbability(pareto, { frequency: 1, recency: 5, T: 2 }, 13))).toEqual(['recency_exceeds_age']);
    expect(issueCodes(() => churnProbability(pareto, { frequency: 1, recency: 1, T: 2 }, -1))).toEqual(['negative']);
  });
});

describe('churn scores', () => {
  const model = models[2] as PurchaseModel;

  it('explains a lapsed regular in words that are true', () => {
    const score = churnScore(model, { frequency: 4, recency: 120, T: 262 }, { horizon: 30, timeUnit: 'days', expectedSpend: 4200 });
    expect(score.reasons[0]).toBe('bought 5 times, last 142 days ago; used to buy every 30 days');
    expect(score.reasons).toContain('silent for 4.7 times their usual gap between purchases');
    expect(score.churnProbability).toBeCloseTo(churnProbability(model, { frequency: 4, recency: 120, T: 262 }, 30), 12);
    expect(score.probabilityAlive).toBeCloseTo(probabilityAlive(model, { frequency: 4, recency: 120, T: 262 }), 12);
  });

  it('a one-time buyer is not immortal: bought once 25 weeks ago, rarely returns', () => {
    const once = churnScore(model, { frequency: 0, recency: 0, T: 25 }, { horizon: 13, timeUnit: 'weeks' });
    expect(once.probabilityAlive).toBeLessThan(0.8);
    expect(once.churnProbability).toBeGreaterThan(0.9);
    expect(once.riskBand).toBe('lost');
    expect(once.reasons[0]).toBe('bought once, 25 weeks ago');
    expect(once.reasons[1]).toMatch(/^customers like this rarely return: \d% chance of a purchase in the next 13 weeks$/);
    // small expectations keep two significant digits instead of rounding to "0 time(s)"
    expect(once.reasons[2]).toMatch(/^expected purchases in the next 13 weeks: 0\.0\d+$/);
    const binge = churnScore(model, { frequency: 21, recency: 4, T: 29 }, { horizon: 13, timeUnit: 'weeks' });
    expect(binge.reasons.at(-1)).toBe('expected purchases in the next 13 weeks: under 0.001');
    expect(binge.reasons[0]).toBe('bought 22 times, last 25 weeks ago; used to buy every 0.2 weeks');
    const recent = churnScore(model, { frequency: 10, recency: 37, T: 38 }, { horizon: 13, timeUnit: 'weeks' });
    expect(recent.riskBand).toBe('low');
    expect(recent.reasons[1]).toMatch(/^customers like this usually buy again/);
  });

  it('bands are monotone in the churn probability', () => {
    const rows: RfmObservation[] = [];
    for (let x = 0; x <= 12; x += 1) for (const T of [5, 20, 39]) for (const share of [0, 0.3, 0.9, 1]) rows.push({ frequency: x, T, recency: x === 0 ? 0 : T * Math.max(share, 0.05) });
    const scores = scoreCustomers(model, rows, { horizon: 13, timeUnit: 'weeks' }).sort((a, b) => a.churnProbability - b.churnProbability);
    const order = scores.map((s) => riskBands.indexOf(s.riskBand));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBeGreaterThanOrEqual(3);
  });

  it('expected revenue lost is the churn probability times the spend in the horizon if active', () => {
    const rows = [
      { frequency: 4, recency: 120, T: 262, spend: 1000 },
      { frequency: 0, recency: 0, T: 10, spend: 2000 },
    ];
    const scores = scoreCustomers(model, rows, { horizon: 30, timeUnit: 'days' }, (r) => r.spend);
    const { r, alpha } = (model as { params: { r: number; alpha: number } }).params;
    rows.forEach((row, i) => {
      const score = scores[i]!;
      expect(score.expectedRevenueLost).toBeCloseTo(score.churnProbability * ((r + row.frequency) / (alpha + row.T)) * 30 * row.spend, 9);
    });
    expect(scoreCustomers(model, rows, { horizon: 30, timeUnit: 'days' })[0]?.expectedRevenueLost).toBe(0);
  });

  it('thresholds must be ordered', () => {
    const c = { frequency: 1, recency: 1, T: 2 };
    expect(issueCodes(() => churnScore(model, c, { horizon: 30, timeUnit: 'days', thresholds: { medium: 0.8, high: 0.5, lost: 0.9 } }))).toEqual(['invalid_option']);
  });
});

describe('areaUnderCurve', () => {
  it('is the Mann-Whitney probability with ties counted half', () => {
    expect(areaUnderCurve([0.9, 0.8, 0.3, 0.1], [true, false, true, false])).toBe(0.75);
    expect(areaUnderCurve([1, 1, 1], [true, false, true])).toBe(0.5);
    expect(areaUnderCurve([1, 2], [true, true])).toBeNaN();
  });
});

describe('Pareto/NBD on data without purchase-rate heterogeneity', () => {
  // Everyone buys at the same weekly rate (a regular every other week, give or take), and a third
  // stopped a while ago: the likelihood rises towards the Poisson limit (r and alpha growing
  // together), where the 2F1 closed form's series once took minutes per evaluation and then lost
  // their sign. The fit and the scores read the integral form.
  const customers: RfmObservation[] = Array.from({ length: 150 }, (_, i) => {
    const T = 40 + (i % 13);
    const stoppedAt = i % 3 === 0 ? T * 0.4 : T - 0.5 - (i % 2);
    return { frequency: Math.max(1, Math.round(stoppedAt / 2) + ((i % 5) - 2)), recency: stoppedAt, T };
  });

  it('fits, and gives every customer a probability alive and a churn probability in [0, 1] that agree with the closed form where it works', () => {
    const fit = fitParetoNbd(customers);
    expect(fit.params.r / fit.params.alpha).toBeGreaterThan(0.3); // the common rate, about one purchase every two weeks
    expect(fit.params.r / fit.params.alpha).toBeLessThan(0.7);
    const model: PurchaseModel = { kind: 'pareto-nbd', params: fit.params };
    for (const customer of customers) {
      const alive = probabilityAlive(model, customer);
      const churn = churnProbability(model, customer, 13);
      expect(alive).toBeGreaterThanOrEqual(0);
      expect(alive).toBeLessThanOrEqual(1);
      expect(churn).toBeGreaterThanOrEqual(0);
      expect(churn).toBeLessThanOrEqual(1);
    }
    // Who stopped long ago is less likely alive than who bought last week.
    expect(probabilityAlive(model, customers[0]!)).toBeLessThan(probabilityAlive(model, customers[1]!));
  });

  it('gives the same probability alive as the 2F1 closed form at ordinary parameters', () => {
    const params = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    for (const customer of [{ frequency: 2, recency: 30.43, T: 38.86 }, { frequency: 0, recency: 0, T: 38.86 }, { frequency: 10, recency: 5, T: 70 }]) {
      const viaIntegral = paretoNbdProbabilityAlive(params, customer);
      // P(alive) = Γ(r+x)α^r β^s/Γ(r) (α+T)^-(r+x) (β+T)^-s / L, L from the 2F1 closed form.
      const { r, alpha, s, beta } = params;
      const x = customer.frequency;
      const logAliveTerm = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta) - (r + x) * Math.log(alpha + customer.T) - s * Math.log(beta + customer.T);
      const closed = Math.exp(logAliveTerm - paretoNbdLogLikelihood(params, customer));
      expect(Math.abs(viaIntegral - closed)).toBeLessThan(1e-12);
    }
  });
});
