import * as z from 'zod';
import { defineModel, type ModelInput, type ModelRecord } from './define-model.js';

/**
 * The model of the `handoffPositions` collection: per actor id (unique), the change-feed
 * sequence number up to which the actor has seen what changed (`crm.handoffs.markSeen`).
 *
 * @example
 * ```ts
 * handoffPositionModel.uniqueKeys; // [{ name: 'handoffPositions_actor', fields: ['actorId'], unique: true }]
 * ```
 */
export const handoffPositionModel = defineModel({
  collection: 'handoffPositions',
  entity: 'handoffPosition',
  shape: {
    /** The actor's id (`Actor.id`). */
    actorId: z.string().min(1).max(256),
    /** The last change-feed sequence number the actor marked seen. */
    position: z.number().int().nonnegative(),
  },
  indexes: [{ name: 'handoffPositions_actor', fields: ['actorId'], unique: true }],
});

/**
 * A stored position of one actor.
 *
 * @example
 * ```ts
 * const [mine] = (await crm.handoffPositions.find({ where: where('actorId', 'eq', 'u_grace') })).items;
 * mine?.position; // 42
 * ```
 */
export type HandoffPosition = ModelRecord<typeof handoffPositionModel>;

/**
 * What `crm.handoffPositions.create()` accepts (prefer `crm.handoffs.markSeen`).
 *
 * @example
 * ```ts
 * const input: HandoffPositionInput = { actorId: 'u_grace', position: 42 };
 * ```
 */
export type HandoffPositionInput = ModelInput<typeof handoffPositionModel>;
