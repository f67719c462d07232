/**
 * The stable codes carried by every {@link CrmError}. Callers branch on these,
 * never on message text.
 */
export const crmErrorCodes = [
  'validation',
  'invalid_query',
  'not_found',
  'conflict',
  'invalid_transition',
  'unsupported',
  'adapter',
  'out_of_range',
  'forbidden',
] as const;

/** One of {@link crmErrorCodes}. */
export type CrmErrorCode = (typeof crmErrorCodes)[number];

/**
 * One problem found in a piece of input: where it is (`path`), what kind of
 * problem it is (`code`) and a human-readable `message`. Validation errors carry
 * zod's issues in this shape; query errors use the same shape with their own codes.
 */
export interface CrmIssue {
  /** A machine-readable code, for example zod's `invalid_type` or crmkit's `unknown_field`. */
  readonly code: string;
  /** Where in the input the problem sits, for example `['emails', 0]`. */
  readonly path: readonly PropertyKey[];
  /** A sentence for humans. */
  readonly message: string;
}

const brand = Symbol.for('crmkit.error');

/** Options accepted by every crmkit error constructor. */
export interface CrmErrorOptions {
  /** The error that led to this one, kept for debugging. */
  readonly cause?: unknown;
}

/**
 * The base class of every error crmkit throws. Branch on {@link CrmError.code}.
 *
 * @example
 * ```ts
 * try {
 *   await crm.customers.update(id, (d) => { d.name = 'Ada' }, { expectedVersion: 3 });
 * } catch (error) {
 *   if (isCrmError(error) && error.code === 'conflict') reloadAndRetry();
 *   else throw error;
 * }
 * ```
 */
export class CrmError extends Error {
  /** The stable code. */
  readonly code: CrmErrorCode;
  /** Problems found in the input, when there are any. */
  readonly issues: readonly CrmIssue[];

  constructor(code: CrmErrorCode, message: string, options: CrmErrorOptions & { issues?: readonly CrmIssue[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrmError';
    this.code = code;
    this.issues = options.issues ?? [];
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True when `value` is a crmkit error, even one created by another copy of the
 * library (a CJS and an ESM build loaded side by side, say).
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'not_found')) return null;
 * if (isCrmError(error, 'conflict') && error.reason === 'unique') showTaken(error.index); // narrowed to ConflictError
 * ```
 */
export function isCrmError<C extends CrmErrorCode>(value: unknown, code: C): value is CrmErrorByCode[C];
export function isCrmError(value: unknown): value is CrmError;
export function isCrmError(value: unknown, code?: CrmErrorCode): value is CrmError {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false;
  return code === undefined || (value as unknown as CrmError).code === code;
}

/** Input failed its schema. `issues` holds zod's issues; nothing was written. */
export class ValidationError extends CrmError {
  constructor(message: string, issues: readonly CrmIssue[], options: CrmErrorOptions = {}) {
    super('validation', message, { ...options, issues });
    this.name = 'ValidationError';
  }
}

/** A filter, sort, cursor or limit was malformed: an unknown field or operator, a value of the wrong type. */
export class InvalidQueryError extends CrmError {
  constructor(message: string, issues: readonly CrmIssue[] = [], options: CrmErrorOptions = {}) {
    super('invalid_query', message, { ...options, issues });
    this.name = 'InvalidQueryError';
  }
}

/** The record asked for does not exist. */
export class NotFoundError extends CrmError {
  /** The collection that was searched. */
  readonly collection: string;
  /** The id that was not found. */
  readonly id: string;

  constructor(collection: string, id: string, options: CrmErrorOptions = {}) {
    super('not_found', `${collection} record ${JSON.stringify(id)} does not exist`, options);
    this.name = 'NotFoundError';
    this.collection = collection;
    this.id = id;
  }
}

/**
 * A write lost a race: the record's `version` was not the one expected, or a
 * record with the same id already exists. Nothing was written.
 */
export class ConflictError extends CrmError {
  /** The collection written to. */
  readonly collection: string;
  /** The id of the record in conflict. */
  readonly id: string;
  /** Which conflict: see {@link conflictReasons}. */
  readonly reason: ConflictReason;
  /** For `unique`: the unique index whose value is taken. */
  readonly index: string | undefined;

  constructor(collection: string, id: string, message: string, options: CrmErrorOptions & { reason?: ConflictReason; index?: string } = {}) {
    super('conflict', message, options);
    this.name = 'ConflictError';
    this.collection = collection;
    this.id = id;
    this.reason = options.reason ?? 'stale_version';
    this.index = options.index;
  }
}

/**
 * Why a write failed with `conflict`: `id_taken` (a create whose id exists),
 * `stale_version` (the record changed since it was read, or is not at the
 * `expectedVersion`), `still_referenced` (a delete of a record other records
 * point at), `unique` (another record holds the value of a unique index).
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'conflict') && error.reason === 'unique') showTaken(error.index);
 * ```
 */
export const conflictReasons = ['id_taken', 'stale_version', 'still_referenced', 'unique'] as const;

/** One of {@link conflictReasons}. */
export type ConflictReason = (typeof conflictReasons)[number];

/**
 * A state change that the model does not allow (a closed deal moved, a deal won from a lost
 * stage, a pipeline stage removed while deals still sit in it). Nothing was written. `reason`
 * names the case from the refusing module's closed list (the pipelines module's
 * `dealMoveRefusals` and `pipelineEditRefusals`, say).
 *
 * @example
 * ```ts
 * try {
 *   await crm.deals.win(dealId);
 * } catch (error) {
 *   if (isCrmError(error, 'invalid_transition') && error.reason === 'deal_lost') askToReopenFirst();
 * }
 * ```
 */
export class InvalidTransitionError extends CrmError {
  /** Which refused case: one of the refusing module's closed list of reasons. */
  readonly reason: string;

  constructor(message: string, options: CrmErrorOptions & { reason?: string } = {}) {
    super('invalid_transition', message, options);
    this.name = 'InvalidTransitionError';
    this.reason = options.reason ?? 'invalid_transition';
  }
}

/** The adapter lacks a capability the call needs (transactions, say). */
export class UnsupportedError extends CrmError {
  constructor(message: string, options: CrmErrorOptions = {}) {
    super('unsupported', message, options);
    this.name = 'UnsupportedError';
  }
}

/** The storage underneath failed. `cause` holds the driver's error. */
export class AdapterError extends CrmError {
  constructor(message: string, options: CrmErrorOptions = {}) {
    super('adapter', message, options);
    this.name = 'AdapterError';
  }
}

/**
 * A computed value left the range crmkit guarantees exact: a `sum` whose summed
 * values or exact total lie beyond ±(2^53 − 1) (`Number.MAX_SAFE_INTEGER`).
 * Every adapter raises it for the same data, instead of returning a rounded,
 * infinite or wrapped total. Nothing was written.
 *
 * @example
 * ```ts
 * try {
 *   await crm.interactions.aggregate({ groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'purchase.amount' }] });
 * } catch (error) {
 *   if (isCrmError(error, 'out_of_range')) console.warn(error.message);
 * }
 * ```
 */
export class OutOfRangeError extends CrmError {
  constructor(message: string, options: CrmErrorOptions = {}) {
    super('out_of_range', message, options);
    this.name = 'OutOfRangeError';
  }
}

/**
 * A write the actor's role does not allow (`crm.as(subject)`): a collection or
 * operation the role does not grant, a record outside the role's scope, a
 * record that would leave it. Nothing was written. A read the role does not
 * allow is never this error: it looks like not found. `reason` names the case
 * (see {@link forbiddenReasons}).
 *
 * @example
 * ```ts
 * try {
 *   await crm.as(subject).customers.delete(id);
 * } catch (error) {
 *   if (isCrmError(error, 'forbidden')) showNoPermission(error.collection, error.reason);
 * }
 * ```
 */
export class ForbiddenError extends CrmError {
  /** The collection written to. */
  readonly collection: string;
  /** Which refusal: see {@link forbiddenReasons}. */
  readonly reason: ForbiddenReason;

  constructor(collection: string, reason: ForbiddenReason, message: string, options: CrmErrorOptions = {}) {
    super('forbidden', message, { ...options, issues: [{ code: 'forbidden', path: [collection], message }] });
    this.name = 'ForbiddenError';
    this.collection = collection;
    this.reason = reason;
  }
}

/**
 * Why a write was `forbidden`: `operation` (the role grants no such operation on
 * the collection), `out_of_scope` (the stored record is outside the role's
 * record scope for the operation), `leaves_scope` (the record written would be
 * outside it: a create for another owner, an update handing the record away).
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'forbidden') && error.reason === 'operation') hideTheButton();
 * ```
 */
export const forbiddenReasons = ['operation', 'out_of_scope', 'leaves_scope'] as const;

/** One of {@link forbiddenReasons}. */
export type ForbiddenReason = (typeof forbiddenReasons)[number];

/**
 * The error class of each {@link CrmErrorCode}: what {@link isCrmError} narrows to.
 *
 * @example
 * ```ts
 * const handle = (error: CrmErrorByCode['conflict']) => error.reason;
 * ```
 */
export interface CrmErrorByCode {
  validation: ValidationError;
  invalid_query: InvalidQueryError;
  not_found: NotFoundError;
  conflict: ConflictError;
  invalid_transition: InvalidTransitionError;
  unsupported: UnsupportedError;
  adapter: AdapterError;
  out_of_range: OutOfRangeError;
  forbidden: ForbiddenError;
}

/**
 * Why a storage migration was refused: `column_type_changed` (a field the
 * database keeps in a column of one type is now declared with another),
 * `index_changed` (an index name the database has is now declared over other
 * fields or uniqueness), `unique_over_duplicates` (a new unique index over
 * values stored records already share), `value_too_long` (a new index over a
 * string field whose stored values exceed what an indexed column holds),
 * `migration_pending` (the database needs a migration and automatic migration is off),
 * `tenancy_changed` (a store made multi-tenant opened without a tenant, or one made without
 * tenancy opened with one).
 *
 * @example
 * ```ts
 * if (error instanceof MigrationError && error.reason === 'unique_over_duplicates') dedupeFirst();
 * ```
 */
export const migrationRefusalReasons = ['column_type_changed', 'index_changed', 'unique_over_duplicates', 'value_too_long', 'migration_pending', 'tenancy_changed'] as const;

/** One of {@link migrationRefusalReasons}. */
export type MigrationRefusalReason = (typeof migrationRefusalReasons)[number];

/**
 * An adapter refused to change the stored layout to what the schema asks for,
 * because the change could lose or break data; the message says what to do.
 * Code `adapter`; nothing was changed.
 *
 * @example
 * ```ts
 * try {
 *   await createCrm({ adapter });
 * } catch (error) {
 *   if (error instanceof MigrationError) console.error(error.reason, error.message);
 * }
 * ```
 */
export class MigrationError extends AdapterError {
  /** Why: see {@link migrationRefusalReasons}. */
  readonly reason: MigrationRefusalReason;

  constructor(reason: MigrationRefusalReason, message: string, options: CrmErrorOptions = {}) {
    super(message, options);
    this.name = 'MigrationError';
    this.reason = reason;
  }
}
