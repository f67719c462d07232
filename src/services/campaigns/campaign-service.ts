import type { Draft } from 'immer';
import type { Campaign, CampaignInput, CampaignStatus } from '../../schema/campaign.js';
import type { Customer } from '../../schema/customer.js';
import { InvalidTransitionError, ValidationError } from '../../storage/errors.js';
import type { ModelService } from '../model-service.js';
import { ModelService as BaseModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { buildCampaignReport, type CampaignReport, type CampaignReportOptions } from './campaign-report.js';
import type { CampaignRefusal } from './campaign-refusals.js';
import type { CampaignMemberService } from './campaign-member-service.js';
import { dispatchCampaign, type DispatchOptions, type DispatchResult, type SendFunction } from './campaign-dispatch.js';
import { launchCampaign, type LaunchOptions, type LaunchResult } from './campaign-launch.js';

type AnyCampaign = ReadonlyRecord<Campaign<any>>;

/** The services a campaign's operations use, all bound to one transaction when there is one. */
export interface CampaignSiblings {
  readonly campaigns: CampaignService<any>;
  readonly campaignMembers: CampaignMemberService<any>;
  readonly customers: ModelService<ReadonlyRecord<Customer>, any>;
}

const closed: readonly CampaignStatus[] = ['completed', 'cancelled'];

/**
 * Marketing campaigns (`crm.campaigns`): the model service plus the
 * campaign's life (`launch`, `pause`, `resume`, `complete`, `cancel`;
 * `status` is managed), sending through the host (`dispatch`) and what it
 * earned (`report`). crmkit sends nothing itself: it decides who, records
 * what happened and attributes the revenue.
 *
 * @example
 * ```ts
 * const spring = await crm.campaigns.create({ name: 'Spring sale', channel: 'email', audience: { tags: ['newsletter'] } });
 * const { added, skipped } = await crm.campaigns.launch(spring.id);
 * await crm.campaigns.dispatch(spring.id, async ({ customer, idempotencyKey }) => mailer.send(customer.emails[0], { idempotencyKey }));
 * const report = await crm.campaigns.report(spring.id, { model: 'linear' });
 * ```
 */
export class CampaignService<C = Record<string, unknown>> extends BaseModelService<ReadonlyRecord<Campaign<C>>, CampaignInput<C>> {
  /** @internal */
  protected override managedDefaults(_candidate: Record<string, unknown>, _now: Date): Record<string, unknown> {
    return { status: 'draft' };
  }

  /**
   * Snapshots the campaign's audience into members (status `targeted`) and
   * sets the campaign `running`. Left out, each with its reason (see
   * `launchSkipReasons`): customers without consent for the campaign's
   * channel and purpose, unsubscribed, bounced before, over the frequency
   * cap, erased, or in a suppression segment. Launching again adds only
   * customers who are not members yet (`alreadyMembers` counts the others),
   * so a launch cut short is finished by launching again. The audience is
   * read in batches (`batchSize`, default 1,000), each written in one atomic
   * block. A completed or cancelled campaign is refused
   * (`InvalidTransitionError`, reason `campaign_closed`; a paused one
   * `campaign_paused`), as is an audience naming no one or a missing
   * segment (`ValidationError`).
   *
   * @example
   * ```ts
   * const { added, alreadyMembers, skipped, skippedByReason } = await crm.campaigns.launch(spring.id);
   * skippedByReason.unsubscribed; // 12
   * ```
   */
  async launch(id: string, options: LaunchOptions = {}): Promise<LaunchResult> {
    const campaign = await this.get(id);
    refuseClosed(campaign, 'launch');
    if (campaign.status === 'paused') throw refusal(`campaign ${id} is paused; resume it first`, 'campaign_paused');
    const result = await launchCampaign(this.context, campaign, options, (fn) => this.#withSiblings(fn));
    if (campaign.status !== 'running') await this.#setStatus(id, 'running', (draft) => void (draft.launchedAt ??= this.context.clock.now()));
    return result;
  }

  /**
   * Calls the host's `send` for every member due (`targeted`, not given up
   * on, its retry time reached) of a running campaign, with a stable
   * `idempotencyKey` (the same for every attempt at one member, so the
   * host's provider can drop a duplicate after a crash). A send that resolves
   * makes the member `sent`; one that throws is recorded on the member
   * (`failedAttempts`, `lastError`) and retried by a later dispatch after an
   * exponential backoff, until `maxAttempts`, when `failedAt` is set. Members
   * are claimed before their send, so two dispatches at once send each
   * member once. Returns the counts.
   *
   * @example
   * ```ts
   * const { sent, failed } = await crm.campaigns.dispatch(spring.id, async ({ customer, variant, idempotencyKey }) => {
   *   await mailer.send({ to: customer.emails[0], template: variant ?? 'default', idempotencyKey });
   * });
   * ```
   */
  async dispatch(id: string, send: SendFunction, options: DispatchOptions = {}): Promise<DispatchResult> {
    if (typeof send !== 'function') {
      throw new ValidationError('dispatch takes a send function', [{ code: 'invalid_send', path: ['send'], message: 'a function (member) => Promise<void>' }]);
    }
    const campaign = await this.get(id);
    refuseClosed(campaign, 'dispatch');
    if (campaign.status === 'paused') throw refusal(`campaign ${id} is paused`, 'campaign_paused');
    if (campaign.status !== 'running') throw refusal(`campaign ${id} is not launched`, 'campaign_not_running');
    return dispatchCampaign(this.context, campaign, send, options);
  }

  /**
   * What the campaign did and earned: budget and costs, the funnel, revenue
   * attributed from purchases within the attribution window after its
   * touches (under `model`, default `last_touch`, or the host's function),
   * ROI, and its A/B variants compared (see `CampaignReport`).
   *
   * @example
   * ```ts
   * const { funnel, revenue, roi, variants } = await crm.campaigns.report(spring.id, { model: 'time_decay' });
   * ```
   */
  async report(id: string, options: CampaignReportOptions = {}): Promise<CampaignReport> {
    const campaign = await this.get(id);
    return buildCampaignReport(this.context, campaign, options);
  }

  /**
   * Marks a draft campaign `scheduled` (it needs `startsAt`); launching it
   * is still the host's call.
   *
   * @example
   * ```ts
   * await crm.campaigns.schedule(spring.id);
   * ```
   */
  async schedule(id: string): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.#move(id, 'scheduled', (campaign) => {
      refuseClosed(campaign, 'schedule');
      if (campaign.status !== 'draft' && campaign.status !== 'scheduled') throw refusal(`campaign ${id} is ${campaign.status}`, 'campaign_running');
      if (campaign.startsAt === undefined) {
        throw new ValidationError('a scheduled campaign needs startsAt', [{ code: 'missing_field', path: ['startsAt'], message: 'set startsAt before scheduling' }]);
      }
    });
  }

  /**
   * Pauses a running campaign: dispatch refuses until it is resumed.
   *
   * @example
   * ```ts
   * await crm.campaigns.pause(spring.id);
   * ```
   */
  async pause(id: string): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.#move(id, 'paused', (campaign) => {
      refuseClosed(campaign, 'pause');
      if (campaign.status !== 'running') throw refusal(`campaign ${id} is ${campaign.status}, not running`, 'campaign_not_running');
    });
  }

  /**
   * Resumes a paused campaign.
   *
   * @example
   * ```ts
   * await crm.campaigns.resume(spring.id);
   * ```
   */
  async resume(id: string): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.#move(id, 'running', (campaign) => {
      if (campaign.status !== 'paused') throw refusal(`campaign ${id} is ${campaign.status}, not paused`, 'not_paused');
    });
  }

  /**
   * Completes a launched campaign; nothing more is launched or dispatched.
   *
   * @example
   * ```ts
   * await crm.campaigns.complete(spring.id);
   * ```
   */
  async complete(id: string): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.#move(id, 'completed', (campaign) => {
      refuseClosed(campaign, 'complete');
      if (campaign.status !== 'running' && campaign.status !== 'paused') throw refusal(`campaign ${id} was never launched`, 'campaign_not_running');
    });
  }

  /**
   * Cancels a campaign that is not completed.
   *
   * @example
   * ```ts
   * await crm.campaigns.cancel(spring.id);
   * ```
   */
  async cancel(id: string): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.#move(id, 'cancelled', (campaign) => refuseClosed(campaign, 'cancel'));
  }

  async #move(id: string, to: CampaignStatus, check: (campaign: AnyCampaign) => void): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.updateManaged(id, ((draft: Draft<Campaign>) => {
      check(draft as unknown as AnyCampaign);
      draft.status = to;
    }) as never);
  }

  #setStatus(id: string, to: CampaignStatus, recipe: (draft: Draft<Campaign>) => void): Promise<ReadonlyRecord<Campaign<C>>> {
    return this.updateManaged(id, ((draft: Draft<Campaign>) => {
      draft.status = to;
      recipe(draft);
    }) as never);
  }

  #withSiblings<T>(fn: (services: CampaignSiblings) => Promise<T>): Promise<T> {
    if (this.context.adapter.capabilities.transactions) return this.context.transaction((services) => fn(services as unknown as CampaignSiblings));
    return fn(this.context.services as unknown as CampaignSiblings);
  }
}

function refusal(message: string, reason: CampaignRefusal): InvalidTransitionError {
  return new InvalidTransitionError(message, { reason });
}

function refuseClosed(campaign: AnyCampaign, what: string): void {
  if (closed.includes(campaign.status)) throw refusal(`cannot ${what} campaign ${campaign.id}: it is ${campaign.status}`, 'campaign_closed');
}

