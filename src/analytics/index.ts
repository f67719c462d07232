/**
 * Customer analytics as pure functions: transaction summaries, the buy-till-you-die purchase
 * models (BG/NBD, modified BG/NBD, Pareto/NBD) with their churn probability, the Gamma-Gamma
 * spend model, customer lifetime value, readable churn scores, holdout evaluation, and the
 * shifted-beta-geometric model of contractual churn. See `docs/analytics.md`.
 *
 * @module
 */
export { analyticsIssueCodes, assertRfm, type AnalyticsIssueCode, type RfmObservation } from './analytics-validation.js';
export { areaUnderCurve } from './area-under-curve.js';
export { attributionModels, attributionWeights, splitAmount, type AttributionModel, type AttributionWeightOptions } from './attribution.js';
export {
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesUnconditional,
  bgNbdLogLikelihood,
  bgNbdParameterNames,
  bgNbdProbabilityAlive,
  bgNbdPurchaseProbability,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdParameterName,
  type BgNbdParameters,
} from './bg-nbd.js';
export {
  churnScore,
  defaultRiskBandThresholds,
  riskBands,
  scoreCustomers,
  type ChurnScore,
  type ChurnScoreOptions,
  type RiskBand,
  type RiskBandThresholds,
} from './churn-score.js';
export { customerLifetimeValue, type LifetimeValueOptions } from './customer-lifetime-value.js';
export {
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaParameterNames,
  type GammaGammaFit,
  type GammaGammaParameterName,
  type GammaGammaParameters,
  type SpendObservation,
} from './gamma-gamma.js';
export {
  evaluateHoldout,
  type ChurnCalibrationGroup,
  type HoldoutBucket,
  type HoldoutEvaluation,
  type HoldoutEvaluationOptions,
  type HoldoutObservation,
} from './holdout-evaluation.js';
export { erfc, normalDensity, normalQuantile, normalUpperTail } from './normal-distribution.js';
export { hyp2f1, hyp2f1Log, logHyp2f1, type SignedLog } from './hypergeometric.js';
export { gammaSign, logBeta, logGamma } from './log-gamma.js';
export type { FitOptions, FitStatistics } from './maximum-likelihood.js';
export {
  fitModifiedBgNbd,
  modifiedBgNbdExpectedPurchases,
  modifiedBgNbdExpectedPurchasesUnconditional,
  modifiedBgNbdLogLikelihood,
  modifiedBgNbdProbabilityAlive,
  modifiedBgNbdPurchaseProbability,
  type ModifiedBgNbdFit,
  type ModifiedBgNbdParameters,
} from './modified-bg-nbd.js';
export {
  fitParetoNbd,
  paretoNbdExpectedPurchases,
  paretoNbdExpectedPurchasesUnconditional,
  paretoNbdLogLikelihood,
  paretoNbdParameterNames,
  paretoNbdProbabilityAlive,
  type ParetoNbdFit,
  type ParetoNbdParameterName,
  type ParetoNbdParameters,
} from './pareto-nbd.js';
export {
  churnProbability,
  expectedPurchases,
  expectedPurchasesUnconditional,
  fitPurchaseModel,
  probabilityAlive,
  purchaseModelKinds,
  type PurchaseModel,
  type PurchaseModelFit,
  type PurchaseModelKind,
} from './purchase-model.js';
export {
  daysToUnit,
  DAYS_PER_MONTH,
  periodIndex,
  periodSpan,
  periodStart,
  purchasePeriods,
  timeUnits,
  type PurchasePeriod,
  type TimeUnit,
} from './time-unit.js';
export { createTransactionSummarizer, summarizeTransactions, type TransactionSummarizer } from './transaction-summarizer.js';
export {
  summaryFromAggregates,
  type CustomerAggregates,
  type CustomerSummary,
  type HoldoutSummary,
  type PurchaseEvent,
  type SummaryOptions,
} from './transaction-summary.js';
export {
  fitShiftedBetaGeometric,
  shiftedBetaGeometricDiscountedResidualLifetime,
  shiftedBetaGeometricExpectedLifetime,
  shiftedBetaGeometricParameterNames,
  shiftedBetaGeometricRetentionRate,
  shiftedBetaGeometricSurvival,
  type ShiftedBetaGeometricFit,
  type ShiftedBetaGeometricParameterName,
  type ShiftedBetaGeometricParameters,
} from './shifted-beta-geometric.js';
export { twoProportionTest, type ProportionSample, type TwoProportionTestOptions, type TwoProportionTestResult } from './two-proportion-test.js';
export {
  defaultRfmRules,
  rfmScores,
  rfmSegmentNames,
  type RfmInput,
  type RfmRule,
  type RfmScore,
  type RfmScoreOptions,
  type RfmSegmentName,
  type ScoreRange,
} from './rfm-scores.js';
