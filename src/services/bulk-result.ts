import type { CrmError } from '../storage/errors.js';

/**
 * The result of one item of a bulk update or delete, in the order the items
 * were given: the record written, or the error that item met.
 */
export type BulkItemResult<R> = { readonly ok: true; readonly record: R } | { readonly ok: false; readonly error: CrmError };
