/**
 * What an import reads from: a Node `Readable`, a web `ReadableStream`, or any
 * (async) iterable of text or byte chunks; a whole string is accepted too.
 * Bytes are decoded as UTF-8 (a leading byte order mark is dropped).
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const source: ImportSource = createReadStream('orders.csv');
 * await crm.imports.interactions(source, { format: 'csv', upsertBy: 'purchase.orderId', customer: { column: 'email', by: 'emails' } });
 * ```
 */
export type ImportSource =
  | string
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

/**
 * The source as text chunks, read one at a time (the source is never read
 * ahead, so a stream's backpressure holds). A value that is no source is a
 * `TypeError` (the facade turns it into a `ValidationError` first).
 *
 * @example
 * ```ts
 * for await (const text of textChunks(createReadStream('customers.csv'))) process(text);
 * ```
 */
export async function* textChunks(source: ImportSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield stripBom(source);
    return;
  }
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of chunksOf(source)) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      text = stripBom(text);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/**
 * True when `value` is something {@link textChunks} reads.
 *
 * @example
 * ```ts
 * isImportSource('a,b\n1,2'); // true
 * ```
 */
export function isImportSource(value: unknown): value is ImportSource {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  return Symbol.asyncIterator in value || Symbol.iterator in value || typeof (value as ReadableStream).getReader === 'function';
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function* chunksOf(source: Exclude<ImportSource, string>): AsyncGenerator<string | Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<string | Uint8Array>;
    return;
  }
  if (typeof (source as unknown as ReadableStream).getReader === 'function') {
    // Browsers without ReadableStream[Symbol.asyncIterator]: read it by hand.
    const reader = (source as unknown as ReadableStream<string | Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
    return;
  }
  yield* source as Iterable<string | Uint8Array>;
}
