import { IssueList, type RfmObservation } from './analytics-validation.js';
import { areaUnderCurve } from './area-under-curve.js';
import type { FitOptions } from './maximum-likelihood.js';
import { fitPurchaseModel, purchaseModelFunctions, purchaseModelKinds, type PurchaseModel, type PurchaseModelKind } from './purchase-model.js';
import type { HoldoutSummary } from './transaction-summary.js';

/** A calibration summary with what the customer did in the holdout. */
export interface HoldoutObservation extends RfmObservation {
  /** Mean repeat spend, for the RFM baseline (0 when absent). */
  readonly monetaryValue?: number;
  /** Holdout figures (frequency and duration are what is used). */
  readonly holdout: Pick<HoldoutSummary, 'frequency' | 'duration'> | null;
}

/** Options of {@link evaluateHoldout}. */
export interface HoldoutEvaluationOptions {
  /** The model to fit on the calibration period (default `'pareto-nbd'`), or an already fitted model. */
  readonly model?: PurchaseModelKind | PurchaseModel;
  /** Fit options when the model is fitted here. */
  readonly fit?: FitOptions<Readonly<Record<string, number>>>;
  /** Calibration frequencies 0…(buckets-1) get their own bucket, the rest share the last (default 8: 0…6 and 7+). */
  readonly buckets?: number;
  /** Number of groups of the churn calibration table, by churn probability (default 10: deciles). */
  readonly calibrationGroups?: number;
}

/**
 * Predicted against observed share who bought again, for one group of customers by churn probability.
 *
 * @example
 * ```ts
 * evaluateHoldout(rows).calibration[0]; // { group: 1, customers: 235, predictedBoughtAgain: 0.069, observedBoughtAgain: 0.123 }
 * ```
 */
export interface ChurnCalibrationGroup {
  /** 1 for the customers most likely to churn, up to the number of groups. */
  readonly group: number;
  /** Customers in the group. */
  readonly customers: number;
  /** Mean predicted P(at least one purchase in the holdout) = mean of 1 - churn probability. */
  readonly predictedBoughtAgain: number;
  /** Share who bought again in the holdout. */
  readonly observedBoughtAgain: number;
}

/** Predicted against actual holdout purchases for customers of one calibration frequency. */
export interface HoldoutBucket {
  /** Label: the calibration frequency, or e.g. `'7+'` for the last bucket. */
  readonly label: string;
  /** Customers in the bucket. */
  readonly customers: number;
  /** Mean actual holdout purchases. */
  readonly actualMean: number;
  /** Mean predicted holdout purchases. */
  readonly predictedMean: number;
}

/** The result of {@link evaluateHoldout}. */
export interface HoldoutEvaluation {
  /** The model used (the fit, when fitted here). */
  readonly model: PurchaseModel;
  /** Customers evaluated. */
  readonly customers: number;
  /** Total actual holdout purchases (repeat purchase periods). */
  readonly actualTotal: number;
  /** Total predicted holdout purchases. */
  readonly predictedTotal: number;
  /** By calibration frequency. */
  readonly buckets: readonly HoldoutBucket[];
  /** Share of customers who bought at least once in the holdout. */
  readonly boughtAgainRate: number;
  /** AUC of the model's expected holdout purchases for "bought again in the holdout". */
  readonly modelAuc: number;
  /** AUC of the model's P(alive) for the same outcome. */
  readonly probabilityAliveAuc: number;
  /** AUC of the RFM recency baseline (more recent last purchase = higher score). */
  readonly recencyBaselineAuc: number;
  /** AUC of the RFM frequency baseline (more repeat purchases = higher score). */
  readonly frequencyBaselineAuc: number;
  /**
   * AUC of the churn probability (P(no purchase in the holdout | calibration)) for "did not buy
   * again in the holdout": the probability that a random customer who did not buy again scores
   * above one who did. The same figure as the AUC of 1 - churn probability for "bought again".
   */
  readonly churnProbabilityAuc: number;
  /**
   * AUC of the classic RFM score for "bought again": recency, frequency and monetary value each
   * cut in quintiles (5 best) and summed, ties broken by nothing.
   */
  readonly rfmBaselineAuc: number;
  /** Customers sorted by churn probability (most likely to churn first) in equal groups: predicted against observed. */
  readonly calibration: readonly ChurnCalibrationGroup[];
}

/** Quintile scores 1..5 of `values` (5 for the top fifth), ties sharing the score of their first rank. */
function quintiles(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const scores = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1] as number] === values[order[start] as number]) end += 1;
    const score = 1 + Math.floor((5 * start) / order.length);
    for (let k = start; k <= end; k += 1) scores[order[k] as number] = score;
    start = end + 1;
  }
  return scores;
}

/**
 * Fits a purchase model on the calibration period and checks it against the holdout: predicted
 * against actual purchases in total and by calibration frequency (the classic Fader-Hardie
 * chart), and how well its scores separate customers who bought again from those who did not
 * (AUC), next to simple RFM recency, frequency and RFM-score baselines; and the churn
 * probability's calibration: customers in deciles by it, predicted against observed share who
 * bought again.
 *
 * @example
 * ```ts
 * const rows = summarizeTransactions(events, { calibrationEnd, observationEnd, timeUnit: 'weeks' });
 * const report = evaluateHoldout(rows, { model: 'bg-nbd' });
 * report.predictedTotal / report.actualTotal; // close to 1 for a good model
 * ```
 */
export function evaluateHoldout(rows: readonly HoldoutObservation[], options: HoldoutEvaluationOptions = {}): HoldoutEvaluation {
  const issues = new IssueList();
  const bucketCount = options.buckets ?? 8;
  if (!Number.isInteger(bucketCount) || bucketCount < 1) issues.add('invalid_option', ['buckets'], 'buckets must be a whole number ≥ 1');
  const groupCount = options.calibrationGroups ?? 10;
  if (!Number.isInteger(groupCount) || groupCount < 1) issues.add('invalid_option', ['calibrationGroups'], 'calibrationGroups must be a whole number ≥ 1');
  if (!Array.isArray(rows) || rows.length === 0) issues.add('empty_input', [], 'evaluateHoldout needs at least one customer');
  else {
    rows.forEach((row, i) => {
      if (issues.issues.length >= 100) return;
      const h = row?.holdout;
      if (h === null || h === undefined) {
        issues.add('invalid_option', [i, 'holdout'], 'every row needs holdout figures (summarise with calibrationEnd)');
      } else if (!(Number.isInteger(h.frequency) && h.frequency >= 0 && Number.isFinite(h.duration) && h.duration >= 0)) {
        issues.add('invalid_option', [i, 'holdout'], 'holdout frequency must be a whole number ≥ 0 and duration a finite number ≥ 0');
      }
    });
  }
  const requested = options.model ?? 'pareto-nbd';
  if (typeof requested === 'string' && !(purchaseModelKinds as readonly string[]).includes(requested)) {
    issues.add('invalid_option', ['model'], `model must be one of ${purchaseModelKinds.join(', ')}`);
  }
  issues.throwIfAny('Cannot evaluate holdout');

  const model: PurchaseModel = typeof requested === 'string' ? fitPurchaseModel(requested, rows, options.fit) : requested;
  const f = purchaseModelFunctions(model);
  const predicted: number[] = [];
  const alive: number[] = [];
  const boughtAgain: boolean[] = [];
  const recencyScore: number[] = [];
  const frequencyScore: number[] = [];
  const churn: number[] = [];
  const monetary: number[] = [];
  const sums = Array.from({ length: bucketCount }, () => ({ customers: 0, actual: 0, predicted: 0 }));
  let actualTotal = 0;
  let predictedTotal = 0;
  for (const row of rows) {
    const h = row.holdout as Pick<HoldoutSummary, 'frequency' | 'duration'>;
    const prediction = f.expectedPurchases(row, h.duration);
    predicted.push(prediction);
    alive.push(f.probabilityAlive(row));
    churn.push(f.churnProbability(row, h.duration));
    monetary.push((row as { monetaryValue?: number }).monetaryValue ?? 0);
    boughtAgain.push(h.frequency > 0);
    recencyScore.push(-(row.T - row.recency));
    frequencyScore.push(row.frequency);
    actualTotal += h.frequency;
    predictedTotal += prediction;
    const bucket = sums[Math.min(row.frequency, bucketCount - 1)] as { customers: number; actual: number; predicted: number };
    bucket.customers += 1;
    bucket.actual += h.frequency;
    bucket.predicted += prediction;
  }
  const r = quintiles(recencyScore);
  const fq = quintiles(frequencyScore);
  const m = quintiles(monetary);
  const rfm = r.map((v, i) => v + (fq[i] as number) + (m[i] as number));
  const groups = options.calibrationGroups ?? 10;
  const byChurn = churn.map((_, i) => i).sort((a, b) => (churn[b] as number) - (churn[a] as number));
  const calibration: ChurnCalibrationGroup[] = [];
  for (let g = 0; g < groups; g += 1) {
    const members = byChurn.slice(Math.floor((g * rows.length) / groups), Math.floor(((g + 1) * rows.length) / groups));
    if (members.length === 0) continue;
    let predicted = 0;
    let observed = 0;
    for (const i of members) {
      predicted += 1 - (churn[i] as number);
      if (boughtAgain[i]) observed += 1;
    }
    calibration.push({ group: g + 1, customers: members.length, predictedBoughtAgain: predicted / members.length, observedBoughtAgain: observed / members.length });
  }
  return {
    model,
    customers: rows.length,
    actualTotal,
    predictedTotal,
    buckets: sums.map((s, i) => ({
      label: i === bucketCount - 1 && bucketCount > 1 ? `${i}+` : String(i),
      customers: s.customers,
      actualMean: s.customers > 0 ? s.actual / s.customers : 0,
      predictedMean: s.customers > 0 ? s.predicted / s.customers : 0,
    })),
    boughtAgainRate: boughtAgain.filter(Boolean).length / rows.length,
    modelAuc: areaUnderCurve(predicted, boughtAgain),
    probabilityAliveAuc: areaUnderCurve(alive, boughtAgain),
    recencyBaselineAuc: areaUnderCurve(recencyScore, boughtAgain),
    frequencyBaselineAuc: areaUnderCurve(frequencyScore, boughtAgain),
    churnProbabilityAuc: areaUnderCurve(churn, boughtAgain.map((b) => !b)),
    rfmBaselineAuc: areaUnderCurve(rfm, boughtAgain),
    calibration,
  };
}
