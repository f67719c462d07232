/**
 * Why a deal's move was refused, the `reason` of its `InvalidTransitionError` (code
 * `invalid_transition`):
 *
 * - `unknown_stage`: the stage is not one of the deal's pipeline;
 * - `stage_outcome_mismatch`: `moveToStage` or `reopen` to a won or lost stage (use `win` / `lose`),
 *   `win` to a stage that is not won, `lose` to one that is not lost;
 * - `same_stage`: `moveToStage` to the stage the deal is in;
 * - `deal_closed`: `moveToStage` of a won or lost deal (`reopen` it first);
 * - `deal_open`: `reopen` of a deal that is open;
 * - `already_won` / `already_lost`: `win` of a won deal, `lose` of a lost one;
 * - `deal_lost`: winning a lost deal (by `win` or by an update from a lost stage straight to a won one);
 * - `deal_won`: losing a won deal (by `lose` or by an update from a won stage straight to a lost one);
 * - `unknown_lost_reason`: entering a lost stage without one of the pipeline's `lostReasons`.
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'invalid_transition') && error.reason === 'deal_closed') offerReopen();
 * ```
 */
export const dealMoveRefusals = [
  'unknown_stage',
  'stage_outcome_mismatch',
  'same_stage',
  'deal_closed',
  'deal_open',
  'already_won',
  'already_lost',
  'deal_lost',
  'deal_won',
  'unknown_lost_reason',
] as const;

/** One of {@link dealMoveRefusals}. */
export type DealMoveRefusal = (typeof dealMoveRefusals)[number];

/**
 * Why an edit of a pipeline was refused, the `reason` of its `InvalidTransitionError`:
 *
 * - `stage_in_use`: a stage that still holds deals was removed or had its outcome changed
 *   (`crm.pipelines.removeStage(id, stageId, { moveDealsTo })` moves them first);
 * - `same_stage`: `moveDealsTo` names the stage being removed;
 * - `stage_outcome_mismatch`: `moveDealsTo` names a stage of another outcome (open deals go to an
 *   open stage, won deals to a won one, lost deals to a lost one).
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'invalid_transition') && error.reason === 'stage_in_use') askWhereTheDealsGo();
 * ```
 */
export const pipelineEditRefusals = ['stage_in_use', 'same_stage', 'stage_outcome_mismatch'] as const;

/** One of {@link pipelineEditRefusals}. */
export type PipelineEditRefusal = (typeof pipelineEditRefusals)[number];
