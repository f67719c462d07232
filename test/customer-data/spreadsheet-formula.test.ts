// Escaping CSV cells against formula injection: every trigger escaped, and the escape undone exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeFormula, formulaTriggers, unescapeFormula } from 'crmkit';

describe('escapeFormula and unescapeFormula', () => {
  it.each(formulaTriggers)('escape a cell beginning with %j', (trigger) => {
    expect(escapeFormula(`${trigger}cmd`)).toBe(`'${trigger}cmd`);
    expect(unescapeFormula(`'${trigger}cmd`)).toBe(`${trigger}cmd`);
  });

  it('leave other text alone, a lone quote and an apostrophe word included', () => {
    for (const text of ['', 'Ada', "'", "'tis", '1-2', 'a=b']) {
      expect(escapeFormula(text)).toBe(text);
      expect(unescapeFormula(text)).toBe(text);
    }
  });

  it('are inverse on every string, and an escaped cell never begins with a trigger', () => {
    const alphabet = fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', 'a', ' ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 6 }).map((chars) => chars.join('')), (text) => {
        const escaped = escapeFormula(text);
        expect(unescapeFormula(escaped)).toBe(text);
        expect((formulaTriggers as readonly string[]).includes(escaped.charAt(0))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
