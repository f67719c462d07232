/** How a bound parameter is typed: binary string, double, integer, text or JSON. */
export const paramKinds = ['bin', 'num', 'int', 'text', 'json'] as const;

/** One of {@link paramKinds}. */
export type ParamKind = (typeof paramKinds)[number];

/** A value bound as a parameter, never spliced into the SQL text. */
export interface SqlParam {
  /** The value handed to the driver. */
  readonly value: unknown;
  /** Its SQL type, for dialects that cast placeholders (PostgreSQL). */
  readonly kind: ParamKind;
}

/**
 * A piece of SQL: text with `?` where each parameter goes, and the parameters.
 * The text is built only from crmkit's own keywords and quoted identifiers, so
 * every `?` in it is a placeholder.
 *
 * @example
 * ```ts
 * const condition = sqlJoin([sqlText('"name" = '), sqlParam(Buffer.from('Ada'), 'bin')], '');
 * ```
 */
export interface SqlFragment {
  /** SQL text with `?` placeholders. */
  readonly text: string;
  /** The parameters, in placeholder order. */
  readonly params: readonly SqlParam[];
}

/**
 * A fragment of fixed SQL text without parameters.
 *
 * @example
 * ```ts
 * sqlText('1 = 1');
 * ```
 */
export function sqlText(text: string): SqlFragment {
  return { text, params: [] };
}

/**
 * A fragment that is one bound parameter.
 *
 * @example
 * ```ts
 * sqlParam(42, 'num');
 * ```
 */
export function sqlParam(value: unknown, kind: ParamKind): SqlFragment {
  return { text: '?', params: [{ value, kind }] };
}

/**
 * Joins fragments with a separator.
 *
 * @example
 * ```ts
 * sqlJoin([sqlText('a'), sqlText('b')], ' AND '); // a AND b
 * ```
 */
export function sqlJoin(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return { text: parts.map((part) => part.text).join(separator), params: parts.flatMap((part) => part.params) };
}

/**
 * A template tag composing fragments: `sql\`${a} = ${b}\``. Interpolations
 * must be fragments; raw values are refused so nothing is spliced by accident.
 *
 * @example
 * ```ts
 * const where = sql`${column} >= ${sqlParam(1, 'num')}`;
 * ```
 */
export function sql(strings: TemplateStringsArray, ...values: readonly SqlFragment[]): SqlFragment {
  let text = strings[0]!;
  const params: SqlParam[] = [];
  values.forEach((value, i) => {
    if (typeof value !== 'object' || value === null || typeof value.text !== 'string') {
      throw new TypeError('sql`` interpolates fragments only');
    }
    text += value.text + strings[i + 1]!;
    params.push(...value.params);
  });
  return { text, params };
}
