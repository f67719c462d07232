import { parseJsonWithDates, stringifyJsonWithDates } from '../../storage/json-with-dates.js';
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
  return stringifyJsonWithDates(definition);
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
  return parseJsonWithDates(text) as RuleDefinition;
}
