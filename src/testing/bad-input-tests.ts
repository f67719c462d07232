import { describe, expect, it } from './conformance-runner.js';
import type { Filter } from '../storage/filter.js';
import type { SortInput } from '../storage/resolve-sort.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';
import { expectNothingWritten } from './expect-nothing-written.js';
import { seedWorld, type World } from './seed-world.js';

type HarnessCrm = ConformanceHarness['crm'];

/** What a rejected write's issues must include: a path, a code, or both. */
interface IssueExpectation {
  readonly path?: readonly PropertyKey[];
  readonly code?: string;
}

/** [title, the write (given a seeded world), an issue it must report]. */
type WriteCase = readonly [string, (crm: HarnessCrm, world: World) => unknown, IssueExpectation];

// Bad input is typed as the services declare it only where the type system would catch it;
// `as never` marks input a JavaScript caller (or a JSON body) could still send.
const bad = <T>(value: unknown) => value as T;
const long = (n: number) => 'x'.repeat(n);

/** Invalid input to every write method of every model: a `validation` error, nothing written, no event. */
export const badWriteCases: readonly WriteCase[] = [
  // customers.create
  ['customers.create without a name', (crm) => crm.customers.create(bad({})), { path: ['name'] }],
  ['customers.create with a name of the wrong type', (crm) => crm.customers.create(bad({ name: 42 })), { path: ['name'], code: 'invalid_type' }],
  ['customers.create with a blank name', (crm) => crm.customers.create({ name: '   ' }), { path: ['name'] }],
  ['customers.create with a name over 300 characters', (crm) => crm.customers.create({ name: long(301) }), { path: ['name'] }],
  ['customers.create with an unknown key (schemas are strict)', (crm) => crm.customers.create(bad({ name: 'Ada', nickname: 'A' })), { code: 'unrecognized_keys' }],
  ['customers.create with an unknown key inside an address', (crm) => crm.customers.create(bad({ name: 'Ada', addresses: [{ line1: 'x', floor: 3 }] })), { code: 'unrecognized_keys' }],
  ['customers.create with an invalid email', (crm) => crm.customers.create({ name: 'Ada', emails: ['ada@example.com', 'not-an-email'] }), { path: ['emails', 1] }],
  ['customers.create with a phone without a country code', (crm) => crm.customers.create({ name: 'Ada', phones: ['555 1234'] }), { path: ['phones', 0] }],
  ['customers.create with a country that is not ISO alpha-2', (crm) => crm.customers.create({ name: 'Ada', addresses: [{ line1: '1 Main St', country: 'Germany' }] }), { path: ['addresses', 0, 'country'] }],
  ['customers.create with an unknown lifecycle stage', (crm) => crm.customers.create(bad({ name: 'Ada', lifecycleStage: 'zombie' })), { path: ['lifecycleStage'] }],
  ['customers.create with a blank tag', (crm) => crm.customers.create({ name: 'Ada', tags: ['ok', ' '] }), { path: ['tags', 1] }],
  ['customers.create with tags that are not an array', (crm) => crm.customers.create(bad({ name: 'Ada', tags: 'vip' })), { path: ['tags'] }],
  ['customers.create with an invalid Date', (crm) => crm.customers.create({ name: 'Ada', consent: { email: { status: 'granted', at: new Date('nope') } } }), { path: ['consent', 'email', 'at'] }],
  ['customers.create with a date given as a string', (crm) => crm.customers.create(bad({ name: 'Ada', consent: { email: { status: 'granted', at: '2024-01-01' } } })), { path: ['consent', 'email', 'at'] }],
  ['customers.create with consent on an unknown channel', (crm) => crm.customers.create(bad({ name: 'Ada', consent: { pigeon: { status: 'granted', at: new Date() } } })), { code: 'unrecognized_keys' }],
  ['customers.create with a custom field the host did not declare', (crm) => crm.customers.create(bad({ name: 'Ada', custom: { shoeSize: 42 } })), { code: 'unrecognized_keys' }],
  ['customers.create with a custom number given as a string', (crm) => crm.customers.create(bad({ name: 'Ada', custom: { score: '90' } })), { path: ['custom', 'score'] }],
  ['customers.create with a custom enum value outside the enum', (crm) => crm.customers.create(bad({ name: 'Ada', custom: { tier: 'platinum' } })), { path: ['custom', 'tier'] }],
  ['customers.create with custom fields that are not an object', (crm) => crm.customers.create(bad({ name: 'Ada', custom: 'gold' })), { path: ['custom'] }],
  ['customers.create with a version', (crm) => crm.customers.create(bad({ name: 'Ada', version: 5 })), { path: ['version'], code: 'readonly_field' }],
  ['customers.create with a createdAt', (crm) => crm.customers.create(bad({ name: 'Ada', createdAt: new Date(0) })), { path: ['createdAt'], code: 'readonly_field' }],
  ['customers.create with an updatedAt', (crm) => crm.customers.create(bad({ name: 'Ada', updatedAt: new Date(0) })), { path: ['updatedAt'], code: 'readonly_field' }],
  ['customers.create with an id that is not a string', (crm) => crm.customers.create(bad({ id: 42, name: 'Ada' })), { path: ['id'] }],
  ['customers.create with an empty id', (crm) => crm.customers.create({ id: '', name: 'Ada' }), { path: ['id'] }],
  ['customers.create with an organizationId that is no customer', (crm) => crm.customers.create({ name: 'Ada', organizationId: 'nobody' }), { path: ['organizationId'], code: 'unknown_reference' }],
  ['customers.create with null', (crm) => crm.customers.create(bad(null)), {}],
  ['customers.create with an array', (crm) => crm.customers.create(bad([{ name: 'Ada' }])), {}],
  ['customers.create with a string', (crm) => crm.customers.create(bad('Ada')), {}],
  ['customers.create with a __proto__ key', (crm) => crm.customers.create(bad(JSON.parse('{"name":"Ada","__proto__":{"polluted":true}}'))), {}],
  // customers.createMany
  ['customers.createMany with one bad item among good ones', (crm) => crm.customers.createMany([{ name: 'ok' }, bad({ name: '' }), { name: 'ok too' }]), { path: [1, 'name'] }],
  ['customers.createMany of one bad item still reports its index', (crm) => crm.customers.createMany([bad({ name: '' })]), { path: [0, 'name'] }],
  ['deals.createMany of one deal in an unknown stage reports its index', (crm, w) => crm.deals.createMany([{ pipelineId: w.pipeline.id, stageId: 'nowhere', customerId: w.acme.id, title: 'D' }]), { path: [0, 'stageId'], code: 'unknown_stage' }],
  ['customers.createMany of one item with an unknown reference reports its index', (crm) => crm.customers.createMany([{ name: 'Ada', organizationId: 'nobody' }]), { path: [0, 'organizationId'], code: 'unknown_reference' }],
  ['customers.createMany with a bad last item', (crm) => crm.customers.createMany([{ name: 'ok' }, { name: 'ok' }, bad({ name: 7 })]), { path: [2, 'name'] }],
  ['customers.createMany with null among the items', (crm) => crm.customers.createMany([{ name: 'ok' }, bad(null)]), { path: [1] }],
  ['customers.createMany with a reference to no record', (crm) => crm.customers.createMany([{ name: 'ok' }, { name: 'Ada', organizationId: 'nobody' }]), { path: [1, 'organizationId'], code: 'unknown_reference' }],
  ['customers.createMany with something that is not an array', (crm) => crm.customers.createMany(bad({ name: 'Ada' })), {}],
  // customers.update
  ['customers.update setting the name to a number', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.name = bad(42))), { path: ['name'] }],
  ['customers.update setting the name to blank', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.name = '')), { path: ['name'] }],
  ['customers.update adding an unknown key', (crm, w) => crm.customers.update(w.ada.id, (d) => void ((d as Record<string, unknown>).nickname = 'A')), { code: 'unrecognized_keys' }],
  ['customers.update pushing an invalid email', (crm, w) => crm.customers.update(w.ada.id, (d) => void d.emails.push('nope')), { path: ['emails', 1] }],
  ['customers.update breaking the host’s custom schema', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.custom.tier = bad('platinum'))), { path: ['custom', 'tier'] }],
  ['customers.update changing the id', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.id = 'other')), { path: ['id'], code: 'readonly_field' }],
  ['customers.update changing the version', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.version = 99)), { path: ['version'], code: 'readonly_field' }],
  ['customers.update changing createdAt', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.createdAt = new Date(0))), { path: ['createdAt'], code: 'readonly_field' }],
  ['customers.update changing updatedAt', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.updatedAt = new Date(0))), { path: ['updatedAt'], code: 'readonly_field' }],
  ['customers.update returning an empty replacement', (crm, w) => crm.customers.update(w.ada.id, () => bad({})), { path: ['id'], code: 'readonly_field' }],
  ['customers.update pointing organizationId at no record', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.organizationId = 'nobody')), { path: ['organizationId'], code: 'unknown_reference' }],
  ['customers.update with a recipe that is not a function', (crm, w) => crm.customers.update(w.ada.id, bad({ name: 'x' })), { path: ['recipe'] }],
  ['customers.update of an id that is not a string', (crm) => crm.customers.update(bad(42), (d) => void (d.name = 'x')), { path: ['id'] }],
  ['customers.update with an expectedVersion that is a string', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.name = 'x'), { expectedVersion: bad('1') }), { path: ['expectedVersion'] }],
  ['customers.update with an expectedVersion of 0', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.name = 'x'), { expectedVersion: 0 }), { path: ['expectedVersion'] }],
  ['customers.update with a fractional expectedVersion', (crm, w) => crm.customers.update(w.ada.id, (d) => void (d.name = 'x'), { expectedVersion: 1.5 }), { path: ['expectedVersion'] }],
  // customers.updateMany
  ['customers.updateMany with one bad recipe among good ones', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void d.tags.push('ok') }, { id: w.ada.id, recipe: (d) => void (d.name = '') }]), { path: [1, 'name'] }],
  ['customers.updateMany with a recipe that is not a function', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void d.tags.push('ok') }, { id: w.ada.id, recipe: bad(null) }]), { path: [1, 'recipe'] }],
  ['customers.updateMany with a null item', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void d.tags.push('ok') }, bad(null)]), { path: [1] }],
  ['customers.updateMany with an item without an id', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void d.tags.push('ok') }, bad({ recipe: () => {} })]), { path: [1, 'id'] }],
  ['customers.updateMany with an id that is not a string', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void d.tags.push('ok') }, bad({ id: 7, recipe: () => {} })]), { path: [1, 'id'] }],
  ['customers.updateMany with an expectedVersion that is a string', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void d.tags.push('ok') }, { id: w.ada.id, recipe: () => {}, expectedVersion: bad('1') }]), { path: [1, 'expectedVersion'] }],
  ['customers.updateMany changing a version', (crm, w) => crm.customers.updateMany([{ id: w.acme.id, recipe: (d) => void (d.version = 10) }]), { path: [0, 'version'], code: 'readonly_field' }],
  ['customers.updateMany with something that is not an array', (crm, w) => crm.customers.updateMany(bad({ id: w.ada.id, recipe: () => {} })), {}],
  // customers.delete / deleteMany
  ['customers.delete of an id that is not a string', (crm) => crm.customers.delete(bad(42)), {}],
  ['customers.delete of an object', (crm, w) => crm.customers.delete(bad({ id: w.ada.id })), {}],
  ['customers.delete with an expectedVersion that is a string', (crm, w) => crm.customers.delete(w.acme.id, { expectedVersion: bad('1') }), { path: ['expectedVersion'] }],
  ['customers.delete with a negative expectedVersion', (crm, w) => crm.customers.delete(w.acme.id, { expectedVersion: -1 }), { path: ['expectedVersion'] }],
  ['customers.deleteMany with a number among the ids', (crm, w) => crm.customers.deleteMany([w.purchase.id, bad(42)]), { path: [1] }],
  ['customers.deleteMany with null among the ids', (crm, w) => crm.customers.deleteMany([w.ada.id, bad(null)]), { path: [1] }],
  ['customers.deleteMany with an item without an id', (crm, w) => crm.customers.deleteMany([w.ada.id, bad({ expectedVersion: 1 })]), { path: [1] }],
  ['customers.deleteMany with an expectedVersion that is a string', (crm, w) => crm.customers.deleteMany([{ id: w.ada.id, expectedVersion: bad('1') }]), { path: [0, 'expectedVersion'] }],
  ['customers.deleteMany with something that is not an array', (crm, w) => crm.customers.deleteMany(bad(w.ada.id)), {}],
  // interactions
  ['interactions.create of a purchase without purchase details', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'web', kind: 'purchase' }), { path: ['purchase'] }],
  ['interactions.create of a refund without purchase details', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'web', kind: 'refund' }), { path: ['purchase'] }],
  ['interactions.create of a message with purchase details', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'email', kind: 'message', purchase: { orderId: 'o', amount: 1, currency: 'EUR' } }), { path: ['purchase'] }],
  ['interactions.create of a survey response without survey details', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'email', kind: 'survey_response' }), { path: ['survey'] }],
  ['interactions.create of a call with survey details', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'phone', kind: 'call', survey: { type: 'nps', score: 9 } }), { path: ['survey'] }],
  ['interactions.create with a CSAT score of 6', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'email', kind: 'survey_response', survey: { type: 'csat', score: 6 } }), { path: ['survey', 'score'] }],
  ['interactions.create with an NPS score of -1', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'email', kind: 'survey_response', survey: { type: 'nps', score: -1 } }), { path: ['survey', 'score'] }],
  ['interactions.create with a fractional score', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'email', kind: 'survey_response', survey: { type: 'nps', score: 7.5 } }), { path: ['survey', 'score'] }],
  ['interactions.create with money as a float', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'o', amount: 12.5, currency: 'EUR' } }), { path: ['purchase', 'amount'] }],
  ['interactions.create with money beyond the safe integers', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'o', amount: 2 ** 60, currency: 'EUR' } }), { path: ['purchase', 'amount'] }],
  ['interactions.create with an unknown currency', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'o', amount: 100, currency: 'ZZZ' } }), { path: ['purchase', 'currency'] }],
  ['interactions.create with a line item of quantity 0', (crm, w) => crm.interactions.create({ customerId: w.ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'o', amount: 0, currency: 'EUR', lineItems: [{ sku: 's', quantity: 0, unitPrice: 1 }] } }), { path: ['purchase', 'lineItems', 0, 'quantity'] }],
  ['interactions.create for a customer that does not exist', (crm) => crm.interactions.create({ customerId: 'nobody', channel: 'email', kind: 'message' }), { path: ['customerId'], code: 'unknown_reference' }],
  ['interactions.create on an unknown channel', (crm, w) => crm.interactions.create(bad({ customerId: w.ada.id, channel: 'pigeon', kind: 'message' })), { path: ['channel'] }],
  ['interactions.create with occurredAt as a string', (crm, w) => crm.interactions.create(bad({ customerId: w.ada.id, channel: 'email', kind: 'message', occurredAt: '2024-01-01T00:00:00Z' })), { path: ['occurredAt'] }],
  ['interactions.createMany with a bad survey in the middle', (crm, w) => crm.interactions.createMany([{ customerId: w.ada.id, channel: 'email', kind: 'message' }, { customerId: w.ada.id, channel: 'email', kind: 'survey_response', survey: { type: 'csat', score: 0 } }, { customerId: w.ada.id, channel: 'email', kind: 'message' }]), { path: [1, 'survey', 'score'] }],
  ['interactions.update turning a purchase into a message', (crm, w) => crm.interactions.update(w.purchase.id, (d) => void (d.kind = 'message')), { path: ['purchase'] }],
  ['interactions.update removing the purchase details of a purchase', (crm, w) => crm.interactions.update(w.purchase.id, (d) => void delete d.purchase), { path: ['purchase'] }],
  ['interactions.updateMany moving an interaction to a customer that does not exist', (crm, w) => crm.interactions.updateMany([{ id: w.purchase.id, recipe: (d) => void (d.customerId = 'nobody') }]), { path: [0, 'customerId'], code: 'unknown_reference' }],
  // pipelines
  ['pipelines.create with duplicate stage ids', (crm) => crm.pipelines.create({ name: 'P', stages: [{ id: 'a', name: 'A', probability: 0 }, { id: 'a', name: 'A again', probability: 0.5 }, { id: 'won', name: 'Won', probability: 1, outcome: 'won' }, { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' }] }), { path: ['stages', 1, 'id'] }],
  ['pipelines.create without a won stage', (crm) => crm.pipelines.create({ name: 'P', stages: [{ id: 'a', name: 'A', probability: 0 }, { id: 'b', name: 'B', probability: 0.5 }, { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' }] }), { path: ['stages'] }],
  ['pipelines.create with a probability above 1', (crm) => crm.pipelines.create({ name: 'P', stages: [{ id: 'a', name: 'A', probability: 1.5 }, { id: 'won', name: 'Won', probability: 1, outcome: 'won' }, { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' }] }), { path: ['stages', 0, 'probability'] }],
  ['pipelines.create with fewer than three stages', (crm) => crm.pipelines.create({ name: 'P', stages: [{ id: 'won', name: 'Won', probability: 1, outcome: 'won' }, { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' }] }), { path: ['stages'] }],
  ['pipelines.update duplicating a stage id', (crm, w) => crm.pipelines.update(w.pipeline.id, (d) => void d.stages.push({ id: 'won', name: 'Won twice', probability: 1, outcome: 'won' })), { path: ['stages', 4, 'id'] }],
  // deals
  ['deals.create in a stage the pipeline does not have', (crm, w) => crm.deals.create({ pipelineId: w.pipeline.id, stageId: 'nowhere', customerId: w.acme.id, title: 'D' }), { path: ['stageId'], code: 'unknown_stage' }],
  ['deals.create in a pipeline that does not exist', (crm, w) => crm.deals.create({ pipelineId: 'nope', stageId: 'qualify', customerId: w.acme.id, title: 'D' }), { path: ['pipelineId'], code: 'unknown_reference' }],
  ['deals.create with an amount but no currency', (crm, w) => crm.deals.create({ pipelineId: w.pipeline.id, stageId: 'qualify', customerId: w.acme.id, title: 'D', amount: 100 }), { path: ['currency'] }],
  ['deals.create with a status (managed by crmkit)', (crm, w) => crm.deals.create(bad({ pipelineId: w.pipeline.id, stageId: 'qualify', customerId: w.acme.id, title: 'D', status: 'won' })), { path: ['status'], code: 'readonly_field' }],
  ['deals.createMany with an unknown stage in the second item', (crm, w) => crm.deals.createMany([{ pipelineId: w.pipeline.id, stageId: 'qualify', customerId: w.acme.id, title: 'ok' }, { pipelineId: w.pipeline.id, stageId: 'nowhere', customerId: w.acme.id, title: 'bad' }]), { path: [1, 'stageId'], code: 'unknown_stage' }],
  ['deals.update moving to a stage the pipeline does not have', (crm, w) => crm.deals.update(w.deal.id, (d) => void (d.stageId = 'nowhere')), { path: ['stageId'], code: 'unknown_stage' }],
  ['deals.update setting status (managed)', (crm, w) => crm.deals.update(w.deal.id, (d) => void (d.status = 'won')), { path: ['status'], code: 'readonly_field' }],
  ['deals.update setting closedAt (managed)', (crm, w) => crm.deals.update(w.deal.id, (d) => void (d.closedAt = new Date())), { path: ['closedAt'], code: 'readonly_field' }],
  ['deals.update setting stageEnteredAt (managed)', (crm, w) => crm.deals.update(w.deal.id, (d) => void (d.stageEnteredAt = new Date(0))), { path: ['stageEnteredAt'], code: 'readonly_field' }],
  ['deals.updateMany with an unknown stage', (crm, w) => crm.deals.updateMany([{ id: w.deal.id, recipe: (d) => void (d.stageId = 'nowhere') }]), { path: [0, 'stageId'], code: 'unknown_stage' }],
  // cases
  ['cases.create solved before it was opened', (crm, w) => crm.cases.create({ customerId: w.ada.id, subject: 'S', openedAt: new Date('2024-02-01T00:00:00Z'), solvedAt: new Date('2024-01-31T23:59:59.999Z') }), { path: ['solvedAt'] }],
  ['cases.create with an unknown priority', (crm, w) => crm.cases.create(bad({ customerId: w.ada.id, subject: 'S', priority: 'asap' })), { path: ['priority'] }],
  ['cases.create with a blank subject', (crm, w) => crm.cases.create({ customerId: w.ada.id, subject: ' ' }), { path: ['subject'] }],
  ['cases.update closing before it was opened', (crm, w) => crm.cases.update(w.supportCase.id, (d) => void (d.closedAt = new Date(d.openedAt.getTime() - 1))), { path: ['closedAt'] }],
  // campaigns and members
  ['campaigns.create ending before it starts', (crm) => crm.campaigns.create({ name: 'C', channel: 'email', startsAt: new Date('2024-02-01T00:00:00Z'), endsAt: new Date('2024-01-01T00:00:00Z') }), { path: ['endsAt'] }],
  ['campaigns.create with a budget as a float', (crm) => crm.campaigns.create({ name: 'C', channel: 'email', budget: { amount: 9.99, currency: 'EUR' } }), { path: ['budget', 'amount'] }],
  ['campaignMembers.create for a campaign that does not exist', (crm, w) => crm.campaignMembers.create({ campaignId: 'nope', customerId: w.ada.id }), { path: ['campaignId'], code: 'unknown_reference' }],
  ['campaignMembers.create with an unknown status', (crm, w) => crm.campaignMembers.create(bad({ campaignId: w.campaign.id, customerId: w.ada.id, status: 'ghosted' })), { path: ['status'] }],
  ['campaignMembers.update to a customer that does not exist', (crm, w) => crm.campaignMembers.update(w.member.id, (d) => void (d.customerId = 'nobody')), { path: ['customerId'], code: 'unknown_reference' }],
];

/** The collections with the record of each that {@link seedWorld} creates. */
const worldRecords = [
  ['customers', (w: World) => w.ada.id],
  ['interactions', (w: World) => w.purchase.id],
  ['pipelines', (w: World) => w.pipeline.id],
  ['deals', (w: World) => w.deal.id],
  ['cases', (w: World) => w.supportCase.id],
  ['campaigns', (w: World) => w.campaign.id],
  ['campaignMembers', (w: World) => w.member.id],
] as const;

/** A service as the generic cases below call it. */
interface AnyService {
  create(input: unknown): Promise<unknown>;
  createMany(inputs: unknown): Promise<unknown>;
  update(id: unknown, recipe: unknown, options?: unknown): Promise<unknown>;
  updateMany(items: unknown): Promise<unknown>;
  delete(id: unknown, options?: unknown): Promise<unknown>;
  deleteMany(items: unknown): Promise<unknown>;
}

/** Every write method of every model, with input no model accepts. */
export const everyWriteMethodCases: readonly WriteCase[] = worldRecords.flatMap(([collection, idOf]) => {
  const service = (crm: HarnessCrm) => crm[collection] as unknown as AnyService;
  return [
    [`${collection}.create with an empty object`, (crm) => service(crm).create({}), {}],
    [`${collection}.create with an unknown key`, (crm, w) => service(crm).create({ bogus: true, customerId: w.ada.id }), {}],
    [`${collection}.createMany with one empty object after a valid-looking one`, (crm) => service(crm).createMany([{ name: 'x' }, {}]), {}],
    [`${collection}.update changing the id`, (crm, w) => service(crm).update(idOf(w), (d: { id: string }) => void (d.id = 'other')), { path: ['id'], code: 'readonly_field' }],
    [`${collection}.update adding an unknown key`, (crm, w) => service(crm).update(idOf(w), (d: Record<string, unknown>) => void (d.bogus = 1)), { code: 'unrecognized_keys' }],
    [`${collection}.updateMany changing a version`, (crm, w) => service(crm).updateMany([{ id: idOf(w), recipe: (d: { version: number }) => void (d.version = 9) }]), { path: [0, 'version'], code: 'readonly_field' }],
    [`${collection}.delete of a number`, (crm) => service(crm).delete(42), {}],
    [`${collection}.deleteMany with an expectedVersion of 0`, (crm, w) => service(crm).deleteMany([{ id: idOf(w), expectedVersion: 0 }]), { path: [0, 'expectedVersion'] }],
  ] as const;
});

/** [title, filter]: every one is rejected with `invalid_query`. */
export const badFilterCases: readonly (readonly [string, unknown])[] = [
  ['an unknown field', { field: 'nickname', op: 'eq', value: 'x' }],
  ['an undeclared custom field', { field: 'custom.shoeSize', op: 'eq', value: 42 }],
  ['an object field', { field: 'consent', op: 'exists', value: true }],
  ['a field inside an array of objects', { field: 'addresses.city', op: 'eq', value: 'London' }],
  ['a field name in another case', { field: 'Name', op: 'eq', value: 'Ada' }],
  ['a field that is not a string', { field: 42, op: 'eq', value: 'x' }],
  ['a condition without a field', { op: 'eq', value: 'x' }],
  ['an unknown operator', { field: 'name', op: 'like', value: '%a%' }],
  ['an operator in upper case', { field: 'name', op: 'EQ', value: 'Ada' }],
  ['a MongoDB-style operator', { field: 'name', op: '$where', value: 'true' }],
  ['a condition without an operator', { field: 'name', value: 'Ada' }],
  ['a condition without a value', { field: 'name', op: 'eq' }],
  ['an extra key in a condition', { field: 'name', op: 'eq', value: 'Ada', raw: 'OR 1=1' }],
  ['a string for a number', { field: 'custom.score', op: 'eq', value: '90' }],
  ['a string for a date', { field: 'createdAt', op: 'gt', value: '2024-01-01T00:00:00Z' }],
  ['a number for a date', { field: 'createdAt', op: 'gt', value: 0 }],
  ['a number for a string', { field: 'name', op: 'eq', value: 42 }],
  ['a string for a boolean', { field: 'custom.vip', op: 'eq', value: 'true' }],
  ['null for a string', { field: 'ownerId', op: 'eq', value: null }],
  ['NaN', { field: 'custom.score', op: 'lt', value: Number.NaN }],
  ['Infinity', { field: 'custom.score', op: 'lt', value: Number.POSITIVE_INFINITY }],
  ['-Infinity', { field: 'custom.score', op: 'gt', value: Number.NEGATIVE_INFINITY }],
  ['an invalid Date', { field: 'createdAt', op: 'lt', value: new Date('nope') }],
  ['an object as a value', { field: 'custom.score', op: 'eq', value: { $gt: 1 } }],
  ['an array for eq', { field: 'name', op: 'eq', value: ['Ada'] }],
  ['a relative date with a garbage duration', { field: 'createdAt', op: 'gte', value: { relative: 'ago', duration: { days: 'x' } } }],
  ['a relative date on a number field', { field: 'custom.score', op: 'gte', value: { relative: 'ago', duration: { days: 1 } } }],
  ['a non-array for in', { field: 'lifecycleStage', op: 'in', value: 'lead' }],
  ['a non-array for nin', { field: 'lifecycleStage', op: 'nin', value: 'lead' }],
  ['an element of the wrong type in in', { field: 'custom.score', op: 'in', value: [1, '2'] }],
  ['an in list longer than 10000', { field: 'name', op: 'in', value: Array.from({ length: 10_001 }, (_, i) => `n${i}`) }],
  ['a string for exists', { field: 'ownerId', op: 'exists', value: 'true' }],
  ['a number for exists', { field: 'ownerId', op: 'exists', value: 1 }],
  ['startsWith on a number', { field: 'custom.score', op: 'startsWith', value: '9' }],
  ['contains on a number', { field: 'custom.score', op: 'contains', value: 9 }],
  ['endsWith on a date', { field: 'createdAt', op: 'endsWith', value: 'Z' }],
  ['lt on a string array', { field: 'tags', op: 'lt', value: 'm' }],
  ['eq on a string array', { field: 'tags', op: 'eq', value: 'vip' }],
  ['endsWith on a string array', { field: 'tags', op: 'endsWith', value: 'v' }],
  ['gt on a boolean', { field: 'custom.vip', op: 'gt', value: false }],
  ['a filter that is null', null],
  ['a filter that is a string', "name = 'Ada' OR 1=1"],
  ['a filter that is a number', 42],
  ['a filter that is an array', [{ field: 'name', op: 'eq', value: 'Ada' }]],
  ['a filter that is an empty object', {}],
  ['an unknown combinator', { xor: [] }],
  ['and with something that is not an array', { and: { field: 'name', op: 'eq', value: 'Ada' } }],
  ['or with a string', { or: 'name' }],
  ['and and or in one object', { and: [], or: [] }],
  ['not of null', { not: null }],
  ['a bad condition deep inside', { and: [{ field: 'name', op: 'exists', value: true }, { or: [{ not: { field: 'nope', op: 'eq', value: 1 } }] }] }],
  ['nesting 33 levels deep', nest({ field: 'name', op: 'exists', value: true }, 33)],
  ['nesting 10000 levels deep', nest({ field: 'name', op: 'exists', value: true }, 10_000)],
  ['a field name with SQL in it', { field: 'name; DROP TABLE customers; --', op: 'eq', value: 'x' }],
  ['a field name with a quote', { field: `name'--`, op: 'eq', value: 'x' }],
  ['a field name with a double quote', { field: 'name"', op: 'eq', value: 'x' }],
  ['the field name __proto__', { field: '__proto__', op: 'exists', value: true }],
  ['the field name constructor', { field: 'constructor', op: 'exists', value: true }],
  ['the field name toString', { field: 'toString', op: 'exists', value: true }],
  ['the field name hasOwnProperty', { field: 'hasOwnProperty', op: 'exists', value: true }],
  ['the field name custom.__proto__', { field: 'custom.__proto__', op: 'exists', value: true }],
  ['the field name custom.constructor', { field: 'custom.constructor', op: 'exists', value: true }],
  ['an empty field name', { field: '', op: 'exists', value: true }],
  ['a field name with an empty step', { field: 'custom..tier', op: 'exists', value: true }],
  ['a field name with a leading dot', { field: '.name', op: 'exists', value: true }],
  ['a field name with spaces', { field: ' name ', op: 'exists', value: true }],
];

/** [title, sort]: every one is rejected with `invalid_query`. */
export const badSortCases: readonly (readonly [string, unknown])[] = [
  ['an unknown field', [{ field: 'nickname' }]],
  ['a string array field', [{ field: 'tags' }]],
  ['an object field', [{ field: 'consent' }]],
  ['an unknown direction', [{ field: 'name', direction: 'up' }]],
  ['a direction in upper case', [{ field: 'name', direction: 'DESC' }]],
  ['a sort that is a string', 'name'],
  ['a sort that is an object', { field: 'name' }],
  ['a null key', [null]],
  ['a key without a field', [{ direction: 'asc' }]],
  ['a field name with SQL in it', [{ field: 'name; DROP TABLE customers; --' }]],
  ['a field name with SQL in the direction', [{ field: 'name', direction: 'asc; DROP TABLE customers' }]],
  ['the field name __proto__', [{ field: '__proto__' }]],
  ['the field name constructor', [{ field: 'constructor' }]],
];

/** Hostile values: stored as they are and matched literally. */
export const hostileValues: readonly string[] = [
  `Robert'); DROP TABLE customers;--`,
  `' OR '1'='1`,
  `" OR ""="`,
  `1; SELECT * FROM customers`,
  `/* comment */ Ada`,
  `Ada -- comment`,
  `$1 ? :name @p0`,
  `\${injection} {{template}}`,
  `back\\slash \\' \\"`,
  `%_ wildcard %`,
  `😀 emoji 👩‍👩‍👧 family`,
  `𝔘𝔫𝔦𝔠𝔬𝔡𝔢 above U+FFFF`,
  `ＦＵＬＬＷＩＤＴＨ`,
  `Ünïcödé NFC`,
  `Ünïcödé NFD`,
];

function nest(filter: object, depth: number): object {
  let current = filter;
  for (let i = 0; i < depth; i++) current = i % 2 === 0 ? { and: [current] } : { not: { not: current } };
  return current;
}

/** Bad input to every write and read: typed errors, nothing written; hostile values stored literally. @internal */
export function defineBadInputTests(harness: () => ConformanceHarness): void {
  describe('bad input', () => {
    describe('writes: a validation error with the issues, nothing written, no event', () => {
      it.each([...badWriteCases, ...everyWriteMethodCases])('%s', async (_title, action, expectation) => {
        const { crm } = harness();
        const world = await seedWorld(crm);
        const error = await expectNothingWritten(crm, () => action(crm, world));
        expect(error.issues.length, 'a validation error lists its issues').toBeGreaterThan(0);
        for (const issue of error.issues) {
          expect(issue).toEqual({ code: expect.any(String), path: expect.any(Array), message: expect.any(String) });
        }
        if (expectation.path !== undefined) expect(error.issues.map((i) => i.path)).toContainEqual(expectation.path);
        if (expectation.code !== undefined) expect(error.issues.map((i) => i.code)).toContain(expectation.code);
      });
    });

    it('a createMany with several bad items reports every one of them', async () => {
      const { crm } = harness();
      const error = await expectNothingWritten(crm, () => crm.customers.createMany([{ name: '' }, { name: 'ok' }, bad({ name: 1, tags: 'x' })]));
      const paths = error.issues.map((i) => i.path);
      expect(paths).toContainEqual([0, 'name']);
      expect(paths).toContainEqual([2, 'name']);
      expect(paths).toContainEqual([2, 'tags']);
    });

    it('a __proto__ key in the input pollutes no prototype', async () => {
      const { crm } = harness();
      await crm.customers.create(bad(JSON.parse('{"name":"Ada","__proto__":{"polluted":true}}'))).catch(() => undefined);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('a recipe that throws passes its error on and writes nothing', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada' });
      const failure = new Error('recipe failed');
      await expect(
        crm.customers.update(ada.id, (d) => {
          d.name = 'changed';
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await crm.customers.get(ada.id)).toEqual(ada);
    });

    it('a validation error is a CrmError with code, message and issues', async () => {
      const { crm } = harness();
      const error = await expectCrmError(crm.customers.create({ name: '', emails: ['nope'] }), 'validation');
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/name/);
      expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining([['name'], ['emails', 0]]));
    });

    it('the input object is not changed by create', async () => {
      const { crm } = harness();
      const input = { name: '  Ada  ', emails: ['ADA@EXAMPLE.COM'], tags: ['vip'] };
      const copy = structuredClone(input);
      await crm.customers.create(input);
      expect(input).toEqual(copy);
    });

    it('records returned by the crm cannot be changed behind its back', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada', tags: ['vip'] });
      try {
        (ada.tags as string[]).push('hacked');
      } catch {
        // frozen: fine
      }
      expect((await crm.customers.get(ada.id)).tags).toEqual(['vip']);
    });

    describe('queries: invalid_query from find and count', () => {
      it.each(badFilterCases)('a filter with %s', async (_title, filter) => {
        const { crm } = harness();
        await crm.customers.create({ name: 'Ada' });
        const error = await expectCrmError(crm.customers.find({ where: filter as Filter }), 'invalid_query');
        expect(error.issues.length).toBeGreaterThan(0);
        await expectCrmError(crm.customers.count(filter as Filter), 'invalid_query');
        expect(await crm.customers.count()).toBe(1);
      });

      it.each(badSortCases)('a sort with %s', async (_title, sort) => {
        const { crm } = harness();
        await crm.customers.create({ name: 'Ada' });
        await expectCrmError(crm.customers.find({ sort: sort as SortInput }), 'invalid_query');
      });

      it('scan and aggregate reject a bad filter too', async () => {
        const { crm } = harness();
        await crm.customers.create({ name: 'Ada' });
        const where = { field: 'nope', op: 'eq', value: 1 } as Filter;
        await expectCrmError(async () => {
          for await (const _batch of crm.customers.scan({ where })) {
            // never reached
          }
        }, 'invalid_query');
        await expectCrmError(crm.customers.aggregate({ where, groupBy: [], measures: [{ name: 'n', fn: 'count' }] }), 'invalid_query');
      });

      it('the issue path points at the bad part of a nested filter', async () => {
        const { crm } = harness();
        const error = await expectCrmError(
          crm.customers.find({
            where: bad({ and: [{ field: 'name', op: 'exists', value: true }, { or: [{ field: 'name', op: 'eq', value: 'x' }, { field: 'nope', op: 'eq', value: 1 }] }] }),
          }),
          'invalid_query',
        );
        expect(error.issues[0]!.path).toEqual(['and', 1, 'or', 1, 'field']);
        expect(error.issues[0]!.code).toBe('unknown_field');
      });

      it('every problem of a filter is reported, not only the first', async () => {
        const { crm } = harness();
        const error = await expectCrmError(
          crm.customers.find({ where: bad({ or: [{ field: 'nope', op: 'eq', value: 1 }, { field: 'name', op: 'like', value: 'x' }, { field: 'custom.score', op: 'eq', value: 'x' }] }) }),
          'invalid_query',
        );
        expect(error.issues.map((i) => i.code)).toEqual(['unknown_field', 'unknown_operator', 'invalid_value']);
      });

      it('nesting 32 levels deep is still accepted', async () => {
        const { crm } = harness();
        await crm.customers.create({ name: 'Ada' });
        let filter: Filter = { field: 'name', op: 'eq', value: 'Ada' };
        for (let i = 0; i < 32; i++) filter = { and: [filter] };
        expect((await crm.customers.find({ where: filter })).items).toHaveLength(1);
      });

      it('getMany rejects ids that are not strings', async () => {
        const { crm } = harness();
        await expectCrmError(crm.customers.getMany(bad([1, 2])), 'invalid_query');
        await expectCrmError(crm.customers.getMany(bad('abc')), 'invalid_query');
      });
    });

    describe('hostile values are stored and matched literally', () => {
      it('names with SQL, quotes, comments, placeholders and unicode round-trip and match only themselves', async () => {
        const { crm } = harness();
        const values = [...hostileValues.slice(0, -1), hostileValues.at(-1)!.normalize('NFD')];
        const created = await crm.customers.createMany(values.map((name) => ({ name, tags: [name.slice(0, 100)] })));
        expect(created.map((r) => r.name)).toEqual(values);
        for (const [i, name] of values.entries()) {
          const { items } = await crm.customers.find({ where: { field: 'name', op: 'eq', value: name } });
          expect(items.map((r) => r.id), name).toEqual([created[i]!.id]);
          expect(await crm.customers.count({ field: 'tags', op: 'contains', value: name.slice(0, 100) }), name).toBe(1);
          expect(await crm.customers.count({ field: 'name', op: 'in', value: [name, 'zzz'] }), name).toBe(1);
        }
        expect(await crm.customers.count()).toBe(values.length);
      });

      it('NFC and NFD spellings of the same text are different values', async () => {
        const { crm } = harness();
        await crm.customers.create({ name: 'Zoë'.normalize('NFC') });
        await crm.customers.create({ name: 'Zoë'.normalize('NFD') });
        expect(await crm.customers.count({ field: 'name', op: 'eq', value: 'Zoë'.normalize('NFC') })).toBe(1);
        expect(await crm.customers.count({ field: 'name', op: 'startsWith', value: 'Zo' })).toBe(2);
        expect(await crm.customers.count({ field: 'name', op: 'startsWith', value: 'Zoë'.normalize('NFD') })).toBe(1);
      });

      it('a quote in a value does not widen the match', async () => {
        const { crm } = harness();
        await crm.customers.createMany([{ name: 'Ada' }, { name: `' OR '1'='1` }, { name: 'Bob' }]);
        expect(await crm.customers.count({ field: 'name', op: 'eq', value: `x' OR '1'='1` })).toBe(0);
        expect(await crm.customers.count({ field: 'name', op: 'contains', value: `'` })).toBe(1);
        expect(await crm.customers.count({ field: 'name', op: 'endsWith', value: `'1` })).toBe(1);
        expect(await crm.customers.count({ field: 'name', op: 'lt', value: `'` })).toBe(0);
      });

      it('NUL bytes, a 10000-character string and the empty string are stored and matched exactly', async () => {
        const { crm } = harness();
        const nul = 'before\u0000after';
        const huge = `${'ab'.repeat(5000)}`;
        const [a, b, c] = await crm.customers.createMany([
          { name: 'nul', custom: { note: nul } },
          { name: 'huge', custom: { note: huge } },
          { name: 'empty', custom: { note: '' } },
        ]);
        expect((await crm.customers.get(a!.id)).custom.note).toBe(nul);
        expect((await crm.customers.get(b!.id)).custom.note).toBe(huge);
        expect((await crm.customers.get(c!.id)).custom.note).toBe('');
        const ids = async (filter: Filter) => (await crm.customers.find({ where: filter })).items.map((r) => r.name);
        expect(await ids({ field: 'custom.note', op: 'eq', value: nul })).toEqual(['nul']);
        expect(await ids({ field: 'custom.note', op: 'eq', value: 'before' })).toEqual([]);
        expect(await ids({ field: 'custom.note', op: 'contains', value: '\u0000' })).toEqual(['nul']);
        expect(await ids({ field: 'custom.note', op: 'startsWith', value: 'before\u0000' })).toEqual(['nul']);
        expect(await ids({ field: 'custom.note', op: 'eq', value: huge })).toEqual(['huge']);
        expect(await ids({ field: 'custom.note', op: 'endsWith', value: 'abab' })).toEqual(['huge']);
        expect(await ids({ field: 'custom.note', op: 'eq', value: '' })).toEqual(['empty']);
        expect(await ids({ field: 'custom.note', op: 'gt', value: '' })).toEqual(['nul', 'huge']);
      });

      it('hostile values in custom fields and tags sort by code point like any others', async () => {
        const { crm, clock } = harness();
        for (const name of hostileValues) {
          clock.advance(1);
          await crm.customers.create({ name: 'x', custom: { note: name } });
        }
        const { items } = await crm.customers.find({ sort: [{ field: 'custom.note', direction: 'asc' }] });
        const expected = [...hostileValues].sort((p, q) => {
          const a = Array.from(p, (ch) => ch.codePointAt(0)!);
          const b = Array.from(q, (ch) => ch.codePointAt(0)!);
          for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
          return a.length - b.length;
        });
        expect(items.map((r) => r.custom.note)).toEqual(expected);
      });

      it('hostile values in a seeded store: a filter built from user text matches only literally', async () => {
        const { crm } = harness();
        const { labelsOf } = await seedCustomers(crm);
        for (const value of hostileValues) {
          expect(labelsOf((await crm.customers.find({ where: { field: 'name', op: 'contains', value } })).items), value).toEqual([]);
        }
        expect(await crm.customers.count()).toBe(8);
      });
    });
  });
}
