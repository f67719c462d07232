import { ValidationError, type CrmIssue } from '../storage/errors.js';

/**
 * The issues found in the items of one write call. Checks report each issue
 * with a path relative to its item; the collector prefixes the item's index
 * for the batch calls (`createMany`, `updateMany`, `deleteMany`) and not for
 * the single ones (`create`, `update`, `delete`), so no check needs to know
 * which kind of call it serves.
 *
 * @example
 * ```ts
 * const issues = new ItemIssues('deals', { batch: true });
 * issues.add(2, { code: 'unknown_stage', path: ['stageId'], message: 'no such stage' }); // path [2, 'stageId']
 * issues.throwIfAny();
 * ```
 */
export class ItemIssues {
  /** The collected issues, paths as the caller sees them. */
  readonly list: CrmIssue[] = [];
  readonly #collection: string;
  readonly #batch: boolean;

  constructor(collection: string, options: { readonly batch: boolean }) {
    this.#collection = collection;
    this.#batch = options.batch;
  }

  /** Records an issue of item `index`, its path relative to the item. */
  add(index: number, issue: CrmIssue): void {
    this.list.push(this.#batch ? { ...issue, path: [index, ...issue.path] } : issue);
  }

  /** Throws a `ValidationError` with every issue collected so far, if there is one. */
  throwIfAny(): void {
    throwIfIssues(this.#collection, this.list);
  }
}

/**
 * Throws a `ValidationError` naming the first five issues when there are any.
 *
 * @example
 * ```ts
 * throwIfIssues('customers', [{ code: 'invalid_type', path: ['name'], message: 'name is required' }]);
 * ```
 */
export function throwIfIssues(collection: string, issues: readonly CrmIssue[]): void {
  if (issues.length === 0) return;
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
  throw new ValidationError(`Invalid ${collection} input: ${summary}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`, issues);
}
