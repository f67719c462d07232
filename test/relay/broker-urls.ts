import { describe, it } from 'vitest';

/** The brokers the relay tests publish to, and where they listen unless told otherwise. */
const brokers = {
  CRMKIT_TEST_NATS_URL: { what: 'NATS JetStream', address: 'nats://127.0.0.1:4222' },
  CRMKIT_TEST_REDIS_URL: { what: 'Redis', address: 'redis://127.0.0.1:6379' },
} as const;

/** The URLs of NATS and Redis for the relay tests. */
export interface BrokerUrls {
  readonly nats: string;
  readonly redis: string;
}

/**
 * The brokers' URLs from `CRMKIT_TEST_NATS_URL` and `CRMKIT_TEST_REDIS_URL`;
 * with `CRMKIT_REQUIRE_SERVERS=1` (CI) a missing one is its default address
 * on this machine (so a broker that is down fails the tests). Otherwise a
 * missing one skips the relay tests, loudly.
 *
 * @example
 * ```ts
 * const urls = brokerUrls('change-feed relay');
 * if (urls !== undefined) describe('relay', () => { … });
 * ```
 */
export function brokerUrls(what: string): BrokerUrls | undefined {
  const required = process.env.CRMKIT_REQUIRE_SERVERS === '1';
  const url = (variable: keyof typeof brokers) => {
    const value = process.env[variable];
    if (value !== undefined && value !== '') return value;
    return required ? brokers[variable].address : undefined;
  };
  const nats = url('CRMKIT_TEST_NATS_URL');
  const redis = url('CRMKIT_TEST_REDIS_URL');
  if (nats !== undefined && redis !== undefined) return { nats, redis };
  const missing = Object.keys(brokers).filter((variable) => !process.env[variable]);
  const line = '*'.repeat(78);
  console.warn(
    `\n${line}\n*** SKIPPING the ${what} tests: set ${missing.join(' and ')} (or CRMKIT_REQUIRE_SERVERS=1 for ${Object.values(brokers)
      .map((broker) => broker.address)
      .join(' and ')}; CI sets it).\n${line}\n`,
  );
  describe.skip(`${what} (skipped: ${missing.join(' and ')} not set)`, () => {
    it('runs against NATS JetStream and Redis', () => {});
  });
  return undefined;
}
