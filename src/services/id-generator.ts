import { v7 as uuidv7 } from 'uuid';

/**
 * Makes a new unique record id. crmkit's default makes UUIDv7s, which sort by
 * creation time (monotonic within one process), so `id` order is creation order.
 */
export type IdGenerator = () => string;

const poolIds = 1024;
let pool = new Uint8Array(0);
let offset = 0;
// UUIDv7 monotonic state (RFC 9562 method 1, as the uuid package keeps it): within
// one millisecond the 31-bit counter counts up; a new millisecond reseeds it.
let lastMsecs = -Infinity;
let seq = 0;

/**
 * The default id generator: time-sortable, monotonic UUIDv7. Randomness is
 * drawn from the platform's CSPRNG in blocks of 16 KiB rather than 16 bytes per
 * id, which makes bulk inserts markedly cheaper.
 *
 * @example
 * ```ts
 * uuidV7Ids(); // '019356c1-6a2e-7cc1-9a4b-1f0e2d3c4b5a'
 * ```
 */
export const uuidV7Ids: IdGenerator = () => {
  if (offset >= pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(16 * poolIds));
    offset = 0;
  }
  const random = pool.subarray(offset, offset + 16);
  offset += 16;
  const now = Date.now();
  if (now > lastMsecs) {
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMsecs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMsecs++;
  }
  return uuidv7({ random, msecs: lastMsecs, seq });
};
