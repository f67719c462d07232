import { ConflictError, NotFoundError } from '../storage/errors.js';
import type { WriteOutcome } from '../storage/write-outcome.js';

/** The storage call a failed {@link WriteOutcome} came from. */
export type WriteKind = 'insert' | 'update' | 'delete';

/**
 * The error for one failed item of a bulk write: `NotFoundError` for
 * `not_found`; for `conflict` a `ConflictError` whose `reason` is the
 * adapter's (`unique` with its `index`) or, from an adapter that gives none,
 * `id_taken` for an insert and `stale_version` for an update or delete. The
 * one place outcomes become errors.
 *
 * @example
 * ```ts
 * const [outcome] = await storage.insertMany('customers', [record]);
 * if (!outcome.ok) throw writeOutcomeError('customers', record.id, outcome, 'insert');
 * ```
 */
export function writeOutcomeError(
  collection: string,
  id: string,
  outcome: Extract<WriteOutcome, { ok: false }>,
  kind: WriteKind,
): NotFoundError | ConflictError {
  if (outcome.code === 'not_found') return new NotFoundError(collection, id);
  const reason = outcome.reason ?? (kind === 'insert' ? 'id_taken' : 'stale_version');
  switch (reason) {
    case 'unique':
      return new ConflictError(collection, id, `${collection} ${id}: another record holds the same ${outcome.index ?? 'unique'} value`, {
        reason,
        ...(outcome.index === undefined ? {} : { index: outcome.index }),
      });
    case 'id_taken':
      return new ConflictError(collection, id, `${collection}: id ${id} already exists`, { reason });
    case 'stale_version':
      return staleVersion(collection, id);
  }
}

/**
 * A `ConflictError` with reason `stale_version`: the record is not at the
 * version expected (`actual` / `expected` when known) or changed meanwhile.
 *
 * @example
 * ```ts
 * throw staleVersion('deals', id, 4, 3); // "deals … is at version 4, not 3"
 * ```
 */
export function staleVersion(collection: string, id: string, actual?: number, expected?: number): ConflictError {
  const detail = actual === undefined ? 'was changed by another write' : `is at version ${actual}, not ${expected}`;
  return new ConflictError(collection, id, `${collection} ${id} ${detail}`, { reason: 'stale_version' });
}
