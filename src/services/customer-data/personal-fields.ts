/**
 * What erasure does to the personal data of a record that refers to an
 * erased customer, per collection: fields to remove and fields to overwrite
 * with a placeholder (required text). `custom` is emptied in every
 * collection, a host's own included, since crmkit cannot know what a host
 * keeps there. Amounts, dates, stages, statuses and kinds stay, so reports
 * still add up.
 *
 * @example
 * ```ts
 * personalFields.interactions; // { remove: ['subject', 'body', 'survey.comment'], placeholder: {} }
 * ```
 */
export const personalFields: Readonly<Record<string, { readonly remove: readonly string[]; readonly placeholder: Readonly<Record<string, string>> }>> = {
  interactions: { remove: ['subject', 'body', 'survey.comment'], placeholder: {} },
  cases: { remove: ['description'], placeholder: { subject: 'Erased' } },
  deals: { remove: ['lostReason'], placeholder: { title: 'Erased' } },
  relationships: { remove: ['role', 'notes'], placeholder: {} },
  consentRecords: { remove: ['proof'], placeholder: {} },
  campaignMembers: { remove: [], placeholder: {} },
};

/** What an erased customer record keeps: its id, kind, organization, lifecycle and business fields; its name becomes this. */
export const erasedName = 'Erased customer';
