import * as z from 'zod';

/** The roles a contact plays in a deal (the buying committee). */
export const dealContactRoles = ['decision_maker', 'economic_buyer', 'champion', 'technical_buyer', 'influencer', 'end_user', 'blocker', 'other'] as const;

/** One of {@link dealContactRoles}. */
export type DealContactRole = (typeof dealContactRoles)[number];

/** A person on the deal: a customer record (usually a `person` of the deal's organisation) and the role they play. */
export const dealContactSchema = z.strictObject({
  /** The contact's customer id; it must exist. */
  customerId: z.string().min(1).max(128),
  role: z.enum(dealContactRoles),
  /** The main contact of the deal; at most one is. */
  primary: z.boolean().default(false),
});

/** A person on a deal with their role. */
export type DealContact = z.output<typeof dealContactSchema>;
