/**
 * The win-probability model evaluated on a held-out part of a generated deal history with a known
 * generating rule (bench/pipelines/deal-generator.ts): 4,000 deals are played out through the crm's
 * API (created, moved stage by stage, won or lost) on the memory adapter and the model learns from
 * them; 1,000 more are created and moved only to their snapshot stage, scored with
 * `crm.deals.winModel(...).score(...)`, and compared with how they end under the rule. AUC and
 * Brier score of the model, of the stage-probability baseline, and of the rule's own P(won) at
 * creation (which knows owner and amount exactly but not the stage a deal has reached by the time
 * it is scored, so a model that reads the stage can beat it). `npx tsx bench/pipelines/win-probability.ts [--train 4000 --test 1000]`.
 */
import { createCrm } from '../../src/index.js';
import { areaUnderCurve } from '../../src/analytics/area-under-curve.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { benchPipeline, generateDeals, type GeneratedDeal } from './deal-generator.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const trainCount = Number(args.get('train') ?? 4000);
const testCount = Number(args.get('test') ?? 1000);

let now = Date.UTC(2024, 0, 1);
const crm = await createCrm({ adapter: memoryAdapter(), clock: { now: () => new Date(now) } });
const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
const pipeline = await crm.pipelines.create(structuredClone(benchPipeline));
const deals = generateDeals(trainCount + testCount);

async function play(deal: GeneratedDeal, untilSnapshot: boolean) {
  now = Date.UTC(2024, 0, 1) + deal.index * 3_600_000;
  const created = await crm.deals.create({ pipelineId: pipeline.id, stageId: deal.path[0]!, customerId: acme.id, title: `D${deal.index}`, ownerId: deal.ownerId, amount: deal.amount, currency: 'EUR' });
  for (let i = 1; i < deal.path.length; i++) {
    if (untilSnapshot && deal.path[i - 1] === deal.snapshotStage) return created.id;
    now += deal.stayDays[i - 1]! * 86_400_000;
    await crm.deals.moveToStage(created.id, deal.path[i]!);
  }
  if (untilSnapshot) return created.id;
  now += deal.stayDays.at(-1)! * 86_400_000;
  if (deal.won) await crm.deals.win(created.id);
  else await crm.deals.lose(created.id, { reason: 'price' });
  return created.id;
}

const started = performance.now();
for (const deal of deals.slice(0, trainCount)) await play(deal, false);
const heldOut: { deal: GeneratedDeal; id: string }[] = [];
for (const deal of deals.slice(trainCount)) heldOut.push({ deal, id: await play(deal, true) });
const loadMs = performance.now() - started;

const learnStart = performance.now();
const model = await crm.deals.winModel(pipeline.id);
const learnMs = performance.now() - learnStart;
const stored = await crm.deals.getMany(heldOut.map((h) => h.id));
const outcomes = heldOut.map((h) => h.deal.won);
const modelScores = stored.map((deal) => model.score(deal!).probability);
const stageScores = stored.map((deal) => benchPipeline.stages.find((s) => s.id === deal!.stageId)!.probability);
const truthScores = heldOut.map((h) => h.deal.truth);
const brier = (scores: readonly number[]) => scores.reduce((sum, p, i) => sum + (p - (outcomes[i] ? 1 : 0)) ** 2, 0) / scores.length;

const rows = [
  ['naive Bayes (crm.deals.winModel)', modelScores],
  ['stage probability (baseline)', stageScores],
  ["the rule's P(won) at creation (owner and amount only)", truthScores],
] as const;
console.log(`${trainCount} training deals played out through the API, ${testCount} held out (won: ${outcomes.filter(Boolean).length}); load ${(loadMs / 1000).toFixed(1)} s, learning ${learnMs.toFixed(1)} ms`);
console.log('| scores | AUC | Brier |');
console.log('| --- | --- | --- |');
for (const [name, scores] of rows) console.log(`| ${name} | ${areaUnderCurve(scores, outcomes).toFixed(3)} | ${brier(scores).toFixed(3)} |`);
await crm.close();
