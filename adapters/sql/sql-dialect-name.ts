/** The database families `crmkit/sql` speaks. PGlite speaks `postgres`; MariaDB speaks `mysql`. */
export const sqlDialectNames = ['sqlite', 'postgres', 'mysql'] as const;

/**
 * One of {@link sqlDialectNames}.
 *
 * @example
 * ```ts
 * const dialect: SqlDialectName = 'postgres';
 * ```
 */
export type SqlDialectName = (typeof sqlDialectNames)[number];
