import { fromBase64Url, toBase64Url } from '../../storage/base64-url.js';
import { InvalidQueryError } from '../../storage/errors.js';

/**
 * The cursor of `crm.changes.read`: the sequence number of the last entry
 * read, as a string (`'0'` before the first). Sequence numbers are part of the
 * feed's contract, so this cursor is plain rather than opaque.
 *
 * @example
 * ```ts
 * feedPosition('42', ['after']); // 42
 * feedPosition('x', ['after']);  // throws InvalidQueryError (invalid_cursor)
 * ```
 */
export function feedPosition(cursor: string | undefined, path: readonly PropertyKey[]): number {
  if (cursor === undefined) return 0;
  if (typeof cursor === 'string' && /^(0|[1-9][0-9]{0,15})$/u.test(cursor)) {
    const position = Number(cursor);
    if (Number.isSafeInteger(position)) return position;
  }
  const message = 'a change-feed cursor is the sequence number a read returned, as a string';
  throw new InvalidQueryError(message, [{ code: 'invalid_cursor', path: [...path], message }]);
}

/** What a consumer's batch cursor says: whose range of which consumer it acknowledges. */
export interface LeaseCursor {
  /** The consumer's name. */
  readonly consumer: string;
  /** The handle that took the range. */
  readonly owner: string;
  /** The range: after this sequence number… */
  readonly after: number;
  /** …up to this one. */
  readonly upTo: number;
}

/**
 * The cursor `consumer.next()` returns with a batch, for `consumer.ack`: opaque
 * (base64url JSON).
 *
 * @example
 * ```ts
 * decodeLeaseCursor(encodeLeaseCursor({ consumer: 'search', owner: 'a', after: 0, upTo: 10 })); // the same
 * ```
 */
export function encodeLeaseCursor(cursor: LeaseCursor): string {
  return toBase64Url(JSON.stringify([cursor.consumer, cursor.owner, cursor.after, cursor.upTo]));
}

/**
 * Reads what {@link encodeLeaseCursor} wrote; anything else is an `InvalidQueryError` (`invalid_cursor`).
 *
 * @example
 * ```ts
 * decodeLeaseCursor('bm9wZQ'); // throws InvalidQueryError
 * ```
 */
export function decodeLeaseCursor(cursor: unknown): LeaseCursor {
  try {
    if (typeof cursor === 'string') {
      const [consumer, owner, after, upTo] = JSON.parse(fromBase64Url(cursor)) as unknown[];
      if (typeof consumer === 'string' && typeof owner === 'string' && Number.isSafeInteger(after) && Number.isSafeInteger(upTo) && (after as number) >= 0 && (upTo as number) > (after as number)) {
        return { consumer, owner, after: after as number, upTo: upTo as number };
      }
    }
  } catch {
    // fall through to the error below
  }
  const message = 'not a cursor that consumer.next() returned';
  throw new InvalidQueryError(message, [{ code: 'invalid_cursor', path: ['cursor'], message }]);
}
