import * as z from 'zod';
import { currencyCodeSchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** Whether a stage keeps a deal open or closes it as won or lost. */
export const stageOutcomes = ['open', 'won', 'lost'] as const;

/** One of {@link stageOutcomes}. */
export type StageOutcome = (typeof stageOutcomes)[number];

/**
 * The forecast categories a stage reports its deals under (Salesforce's): `pipeline` (early),
 * `best_case`, `commit` (the rep stands behind it), `closed` (won) and `omitted` (lost, or left out).
 */
export const forecastCategories = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;

/** One of {@link forecastCategories}. */
export type ForecastCategory = (typeof forecastCategories)[number];

/** One stage of a pipeline: a stable id, a name, the chance a deal here is won, its outcome and forecast category. */
export const pipelineStageSchema = z.strictObject({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  /** Between 0 and 1: used to weight deal amounts in forecasts. A won stage has 1, a lost stage 0. */
  probability: z.number().min(0).max(1),
  outcome: z.enum(stageOutcomes).default('open'),
  /**
   * The forecast category of the stage's deals; absent means the outcome's default
   * (see {@link stageForecastCategory}). Only a won stage is `closed`, and it is never anything else;
   * a lost stage is `omitted`.
   */
  forecastCategory: z.enum(forecastCategories).optional(),
});

/** One stage of a pipeline. */
export type PipelineStage = z.infer<typeof pipelineStageSchema>;

/** The fields of a pipeline that users set, before custom fields. */
export const pipelineShape = {
  name: z.string().trim().min(1).max(200),
  /** Stages in order; ids unique; at least one open, one won and one lost stage. */
  stages: z.array(pipelineStageSchema).min(3).max(100),
  /**
   * The reasons a deal of this pipeline may be lost for (`crm.deals.lose(id, { reason })`), unique.
   * A pipeline without any takes no lost deals until the host lists some.
   */
  lostReasons: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
  /** The currency forecasts of this pipeline are reported in. */
  currency: currencyCodeSchema.optional(),
  archived: z.boolean().default(false),
};

/** The schema of a stored pipeline, custom fields as free JSON. */
export const pipelineSchema = z.strictObject({
  ...recordBaseShape,
  ...pipelineShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/**
 * The forecast category of a stage: its own, else `pipeline` for an open stage, `closed` for a won
 * and `omitted` for a lost one.
 *
 * @example
 * ```ts
 * stageForecastCategory({ id: 'won', name: 'Won', probability: 1, outcome: 'won' }); // 'closed'
 * ```
 */
export function stageForecastCategory(stage: Pick<PipelineStage, 'outcome' | 'forecastCategory'>): ForecastCategory {
  if (stage.forecastCategory !== undefined) return stage.forecastCategory;
  return stage.outcome === 'won' ? 'closed' : stage.outcome === 'lost' ? 'omitted' : 'pipeline';
}

/**
 * Rules across fields: stage ids are unique, there is an open, a won and a lost stage, a won stage
 * has probability 1 and forecast category `closed`, a lost stage probability 0 and category
 * `omitted`, no open stage is `closed`, and the lost reasons are unique.
 */
export function checkPipeline(record: { stages: readonly PipelineStage[]; lostReasons?: readonly string[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  record.stages.forEach((stage, i) => {
    if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `duplicate stage id "${stage.id}"` });
    seen.add(stage.id);
    const category = stageForecastCategory(stage);
    if (stage.outcome === 'won' && stage.probability !== 1) {
      ctx.addIssue({ code: 'custom', path: ['stages', i, 'probability'], message: `won stage "${stage.id}" has probability 1` });
    }
    if (stage.outcome === 'lost' && stage.probability !== 0) {
      ctx.addIssue({ code: 'custom', path: ['stages', i, 'probability'], message: `lost stage "${stage.id}" has probability 0` });
    }
    if ((stage.outcome === 'won') !== (category === 'closed') || (stage.outcome === 'lost' && category !== 'omitted')) {
      ctx.addIssue({
        code: 'custom',
        path: ['stages', i, 'forecastCategory'],
        message: `stage "${stage.id}" (${stage.outcome}) cannot be forecast as ${category}: won stages are closed, lost stages omitted, open stages never closed`,
      });
    }
  });
  const reasons = new Set<string>();
  (record.lostReasons ?? []).forEach((reason, i) => {
    if (reasons.has(reason)) ctx.addIssue({ code: 'custom', path: ['lostReasons', i], message: `duplicate lost reason "${reason}"` });
    reasons.add(reason);
  });
  for (const outcome of stageOutcomes) {
    if (!record.stages.some((stage) => stage.outcome === outcome)) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: `a pipeline needs at least one ${outcome} stage` });
    }
  }
}

/**
 * A sales pipeline: the ordered stages a deal moves through.
 *
 * @example
 * ```ts
 * await crm.pipelines.create({
 *   name: 'New business',
 *   stages: [
 *     { id: 'qualify', name: 'Qualify', probability: 0.1 },
 *     { id: 'proposal', name: 'Proposal', probability: 0.5 },
 *     { id: 'commit', name: 'Negotiation', probability: 0.8, forecastCategory: 'commit' },
 *     { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
 *     { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
 *   ],
 *   lostReasons: ['price', 'competitor', 'no decision'],
 * });
 * ```
 */
export type Pipeline<C = Record<string, unknown>> = WithCustom<z.output<typeof pipelineSchema>, C>;

/** What `crm.pipelines.create()` accepts. */
export type PipelineInput<C = Record<string, unknown>> = CreateInput<typeof pipelineShape, C>;

/** The pipeline model: collection `pipelines`, events `pipeline.*`. */
export const pipelineModel = defineModel({
  collection: 'pipelines',
  entity: 'pipeline',
  shape: pipelineShape,
  check: checkPipeline,
  indexes: [],
});
