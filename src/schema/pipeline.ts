import * as z from 'zod';
import { currencyCodeSchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** Whether a stage keeps a deal open or closes it as won or lost. */
export const stageOutcomes = ['open', 'won', 'lost'] as const;

/** One of {@link stageOutcomes}. */
export type StageOutcome = (typeof stageOutcomes)[number];

/** One stage of a pipeline: a stable id, a name, the chance a deal here is won, and its outcome. */
export const pipelineStageSchema = z.strictObject({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  /** Between 0 and 1: used to weight deal amounts in forecasts. */
  probability: z.number().min(0).max(1),
  outcome: z.enum(stageOutcomes).default('open'),
});

/** One stage of a pipeline. */
export type PipelineStage = z.infer<typeof pipelineStageSchema>;

/** The fields of a pipeline that users set, before custom fields. */
export const pipelineShape = {
  name: z.string().trim().min(1).max(200),
  /** Stages in order; ids unique; at least one open, one won and one lost stage. */
  stages: z.array(pipelineStageSchema).min(3).max(100),
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

/** Rules across fields: stage ids are unique, and there is an open, a won and a lost stage. */
export function checkPipeline(record: { stages: readonly PipelineStage[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  record.stages.forEach((stage, i) => {
    if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `duplicate stage id "${stage.id}"` });
    seen.add(stage.id);
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
 *     { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
 *     { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
 *   ],
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
