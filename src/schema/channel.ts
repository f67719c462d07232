import * as z from 'zod';

/** The channels customers are reached and heard through. */
export const channels = ['email', 'phone', 'sms', 'chat', 'web', 'social', 'in_person', 'mail', 'other'] as const;

/** One of {@link channels}. */
export type Channel = (typeof channels)[number];

/** Validates a {@link Channel}. */
export const channelSchema = z.enum(channels);
