/**
 * The models: zod schemas, inferred types and the closed vocabularies they use.
 *
 * @module
 */
export * from './campaign.js';
export * from './campaign-member.js';
export * from './campaign-cost.js';
export * from './case.js';
export * from './case-sla-state.js';
export * from './case-event.js';
export * from './sla-policy.js';
export * from './case-message.js';
export * from './support-team.js';
export * from './channel.js';
export * from './currency-code.js';
export * from './custom-fields.js';
export * from './custom-fields-schema.js';
export * from './customer.js';
export * from './define-model.js';
export * from './deal.js';
export * from './deal-contact.js';
export * from './deal-line-item.js';
export * from './deal-stage-entry.js';
export * from './email-address.js';
export * from './field-catalogue.js';
export * from './handoff-position.js';
export * from './interaction.js';
export * from './issue-codes.js';
export * from './model-definition.js';
export * from './ownership-transfer.js';
export * from './phone-number.js';
export * from './pipeline.js';
export * from './record-base.js';
export * from './record-note.js';
export * from './record-value-checks.js';
export * from './stored-value-limits.js';
export * from './unique-list.js';
export * from './task.js';
