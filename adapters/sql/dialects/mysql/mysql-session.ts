/**
 * The session mode crmkit's MySQL / MariaDB statements rely on, set on every
 * connection they use: `STRICT_ALL_TABLES` added to the server's mode, so a value
 * too long for its column (a `string[]` element over the value column's 2,048
 * bytes) is an error instead of being cut with a warning. Comparisons need no
 * mode: strings are `VARBINARY`, compared byte by byte, never padded.
 *
 * @example
 * ```ts
 * await connection.query(mysqlSessionSql);
 * ```
 */
export const mysqlSessionSql = "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')";
