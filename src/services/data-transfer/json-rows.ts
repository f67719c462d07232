import { ImportParseError } from './import-parse-error.js';
import { textChunks, type ImportSource } from './import-source.js';
import type { SourceRow } from './source-row.js';

/** The largest single element the JSON reader holds, in characters. */
const maxElementChars = 8 * 1024 * 1024;

/**
 * The objects of a JSON array source (`[{…}, {…}]`), one at a time: the
 * text is scanned for the array's top-level elements and each is parsed on
 * its own with `JSON.parse`, so memory holds one element, never the file.
 * Anything but an array of objects, broken syntax, or an element over 8 MiB
 * is an {@link ImportParseError} (`malformed_json`) with the row.
 *
 * @example
 * ```ts
 * for await (const row of jsonRows('[{"name":"Ada"},{"name":"Grace"}]')) row.values?.name;
 * ```
 */
export async function* jsonRows(source: ImportSource): AsyncGenerator<SourceRow> {
  // States: before '[' / between elements / inside an element / after ']'.
  let state = 'start' as 'start' | 'between' | 'element' | 'end';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = '';
  let row = 0;
  let line = 1;
  let expectElement = true;
  const fail = (detail: string, cause?: unknown): never => {
    throw new ImportParseError('malformed_json', row + 1, line, detail, cause);
  };
  for await (const text of textChunks(source)) {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line += 1;
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth += 1;
        else if (c === 125 || c === 93) {
          depth -= 1;
          if (depth === 0) {
            element += text.slice(start, i + 1);
            row += 1;
            let value: unknown;
            try {
              value = JSON.parse(element);
            } catch (error) {
              fail('an element of the array is not valid JSON', error);
            }
            element = '';
            state = 'between';
            expectElement = false;
            yield { row, line, values: value as Record<string, unknown> };
          }
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      if (state === 'start') {
        if (c !== 91) fail('a JSON import is an array of objects: the source does not start with [');
        state = 'between';
      } else if (state === 'between') {
        if (c === 93) {
          if (expectElement && row > 0) fail('a trailing comma before ]');
          state = 'end';
        } else if (c === 44) {
          if (expectElement) fail('an empty element (two commas)');
          expectElement = true;
        } else if (c === 123) {
          if (!expectElement) fail('a missing comma between elements');
          state = 'element';
          depth = 1;
          start = i;
        } else fail('a JSON import is an array of objects: an element is not an object');
      } else fail('text after the closing ]');
    }
    if (state === 'element') {
      element += text.slice(start);
      if (element.length > maxElementChars) fail(`an element is longer than ${maxElementChars} characters`);
    }
  }
  if (state !== 'end') fail(state === 'start' ? 'the source is empty' : 'the array is not closed');
}

/**
 * The objects of an NDJSON source (one JSON object per line; blank lines
 * skipped; `\n` or `\r\n`), one at a time. `row` counts the objects, `line`
 * is the source line. A line that is not a JSON object, or longer than 8 MiB,
 * is an {@link ImportParseError} (`malformed_ndjson`).
 *
 * @example
 * ```ts
 * for await (const row of ndjsonRows('{"name":"Ada"}\n{"name":"Grace"}\n')) row.values?.name;
 * ```
 */
export async function* ndjsonRows(source: ImportSource): AsyncGenerator<SourceRow> {
  let pending = '';
  let row = 0;
  let line = 0;
  const parseLine = (text: string): SourceRow | undefined => {
    line += 1;
    if (text.trim().length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ImportParseError('malformed_ndjson', row + 1, line, 'the line is not valid JSON', error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ImportParseError('malformed_ndjson', row + 1, line, 'each line of an NDJSON import is a JSON object');
    }
    row += 1;
    return { row, line, values: value as Record<string, unknown> };
  };
  for await (const text of textChunks(source)) {
    pending += text;
    let newline = pending.indexOf('\n');
    let from = 0;
    while (newline >= 0) {
      const found = parseLine(pending.slice(from, newline));
      if (found !== undefined) yield found;
      from = newline + 1;
      newline = pending.indexOf('\n', from);
    }
    pending = pending.slice(from);
    if (pending.length > maxElementChars) throw new ImportParseError('malformed_ndjson', row + 1, line + 1, `a line is longer than ${maxElementChars} characters`);
  }
  const last = parseLine(pending);
  if (last !== undefined) yield last;
}
