import { AdapterError, isCrmError } from '../../src/storage/index.js';

/**
 * Wraps what IndexedDB threw in an {@link AdapterError} (code `adapter`) that
 * says what crmkit was doing, keeping the original as `cause`. crmkit's own
 * errors pass through unchanged.
 *
 * @example
 * ```ts
 * try { await store.put(entry) } catch (error) { throw toAdapterError(error, 'writing customers') }
 * ```
 */
export function toAdapterError(error: unknown, doing: string): Error {
  if (isCrmError(error)) return error;
  const name = error instanceof Error || isDomException(error) ? (error as { name: string }).name : 'Error';
  const message = error instanceof Error || isDomException(error) ? (error as { message: string }).message : String(error);
  const hint =
    name === 'TransactionInactiveError'
      ? ' (the IndexedDB transaction had already committed: a crmkit transaction may only await crmkit operations)'
      : name === 'QuotaExceededError'
        ? ' (the browser refused to store more data for this origin)'
        : '';
  return new AdapterError(`IndexedDB failed while ${doing}: ${name}: ${message}${hint}`, { cause: error });
}

function isDomException(value: unknown): boolean {
  return typeof DOMException !== 'undefined' && value instanceof DOMException;
}
