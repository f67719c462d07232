import * as z from 'zod';
import { ValidationError, type CrmIssue } from '../storage/errors.js';

/**
 * Who can make a write: a person signed in to the host, an API key, a partner
 * organization, a system job, an automation rule.
 *
 * @example
 * ```ts
 * actorKinds.includes('api_key'); // true
 * ```
 */
export const actorKinds = ['user', 'api_key', 'partner', 'system', 'automation'] as const;

/** One of {@link actorKinds}. */
export type ActorKind = (typeof actorKinds)[number];

/**
 * The schema of an {@link Actor}: a kind, the host's id for it (1–256
 * characters), an optional display name (up to 256). Unknown keys are refused.
 *
 * @example
 * ```ts
 * actorSchema.parse({ kind: 'user', id: 'u_42', name: 'Grace' });
 * ```
 */
export const actorSchema = z
  .object({
    kind: z.enum(actorKinds),
    id: z.string().min(1).max(256),
    name: z.string().min(1).max(256).optional(),
  })
  .strict();

/**
 * Who made a write. Every write of a crm records one: in its events, its
 * history entries and its change-feed entries. Set it for the whole crm with
 * `createCrm({ actor })`, or per call site with `crm.withActor(actor)`.
 *
 * @example
 * ```ts
 * const actor: Actor = { kind: 'user', id: session.userId, name: session.userName };
 * await crm.withActor(actor).customers.update(id, (draft) => { draft.tags.push('vip') });
 * ```
 */
export type Actor = z.output<typeof actorSchema>;

/**
 * The actor of a crm made without `createCrm({ actor })`: the host's system,
 * unnamed.
 *
 * @example
 * ```ts
 * (await crm.customers.history(id)).entries[0]?.actor; // { kind: 'system', id: 'system' } unless an actor was given
 * ```
 */
export const systemActor: Actor = Object.freeze({ kind: 'system', id: 'system' });

/**
 * `value` as an {@link Actor} (a frozen copy), or a `ValidationError` with zod's
 * issues under `path`.
 *
 * @example
 * ```ts
 * parseActor({ kind: 'partner', id: 'p_7' }, ['actor']); // { kind: 'partner', id: 'p_7' }
 * parseActor({ kind: 'robot', id: '' }, ['actor']);      // throws ValidationError (invalid_value, too_small)
 * ```
 */
export function parseActor(value: unknown, path: readonly PropertyKey[]): Actor {
  const result = actorSchema.safeParse(value);
  if (result.success) return Object.freeze(result.data);
  const issues: CrmIssue[] = result.error.issues.map((issue) => ({ code: issue.code, path: [...path, ...issue.path], message: issue.message }));
  throw new ValidationError(`Invalid actor: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
