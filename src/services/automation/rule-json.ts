import type { RuleDefinition } from './automation-rule.js';

/**
 * A rule's definition as stored: JSON, with dates (in filters, in `update` values) as
 * `{ "$date": "<ISO>" }` so they come back as dates.
 *
 * @example
 * ```ts
 * parseRuleJson(ruleJson(definition)); // equal to definition
 * ```
 */
export function ruleJson(definition: RuleDefinition): string {
  return JSON.stringify(definition, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

/**
 * Reads a definition written by {@link ruleJson}.
 *
 * @example
 * ```ts
 * const definition = parseRuleJson(rule.definition);
 * ```
 */
export function parseRuleJson(text: string): RuleDefinition {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$date' && typeof (value as { $date: unknown }).$date === 'string') return new Date((value as { $date: string }).$date);
    }
    return value;
  }) as RuleDefinition;
}
