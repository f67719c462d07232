import type { Survey } from '../../schema/interaction.js';

/**
 * A case's satisfaction from its survey responses: CSAT (1 to 5; `score` is
 * the percentage of responses at 4 or 5, `average` the mean score) and NPS
 * (0 to 10; `score` is the percentage of promoters, 9-10, less that of
 * detractors, 0-6). A scale without responses is absent.
 *
 * @example
 * ```ts
 * await crm.cases.satisfaction(caseId); // { csat: { responses: 2, average: 4.5, score: 100 }, nps: { responses: 1, score: -100 } }
 * ```
 */
export interface CaseSatisfaction {
  readonly csat?: { readonly responses: number; readonly average: number; readonly score: number };
  readonly nps?: { readonly responses: number; readonly promoters: number; readonly detractors: number; readonly score: number };
}

/**
 * {@link CaseSatisfaction} from survey answers. Pure.
 *
 * @example
 * ```ts
 * satisfactionOf([{ type: 'csat', score: 5 }, { type: 'csat', score: 3 }]); // { csat: { responses: 2, average: 4, score: 50 } }
 * ```
 */
export function satisfactionOf(surveys: readonly Pick<Survey, 'type' | 'score'>[]): CaseSatisfaction {
  const csat = surveys.filter((s) => s.type === 'csat').map((s) => s.score);
  const nps = surveys.filter((s) => s.type === 'nps').map((s) => s.score);
  const result: { csat?: CaseSatisfaction['csat']; nps?: CaseSatisfaction['nps'] } = {};
  if (csat.length > 0) {
    result.csat = {
      responses: csat.length,
      average: csat.reduce((a, b) => a + b, 0) / csat.length,
      score: (100 * csat.filter((s) => s >= 4).length) / csat.length,
    };
  }
  if (nps.length > 0) {
    const promoters = nps.filter((s) => s >= 9).length;
    const detractors = nps.filter((s) => s <= 6).length;
    result.nps = { responses: nps.length, promoters, detractors, score: (100 * (promoters - detractors)) / nps.length };
  }
  return result;
}
