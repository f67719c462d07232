import { ValidationError, type CrmIssue } from '../../storage/errors.js';

/**
 * How one collection keeps its history: `false` keeps none; `exclude` lists
 * dotted paths (`custom.passwordHash`, `address`) whose values never reach a
 * history entry (the entry still says that they changed).
 *
 * @example
 * ```ts
 * const settings: CollectionHistorySettings = { exclude: ['custom.passwordHash'] };
 * ```
 */
export type CollectionHistorySettings = false | { readonly exclude?: readonly string[] };

/**
 * `createCrm({ history })`: `false` turns record history off everywhere;
 * otherwise per collection (every collection keeps it by default).
 *
 * @example
 * ```ts
 * const history: HistoryOptions = { customers: { exclude: ['custom.passwordHash'] }, interactions: false };
 * ```
 */
export type HistoryOptions = false | Readonly<Record<string, CollectionHistorySettings | undefined>>;

/** The history settings per collection, resolved and checked. */
export interface ResolvedHistory {
  /** Whether `collection` keeps history. */
  keeps(collection: string): boolean;
  /** The excluded paths of `collection`. */
  excluded(collection: string): readonly string[];
}

/**
 * Checks `options` against the crm's collections: an unknown collection, or an
 * exclusion that is not a dotted path, is a `ValidationError`.
 *
 * @example
 * ```ts
 * resolveHistoryOptions({ customers: false }, ['customers', 'deals']).keeps('deals'); // true
 * ```
 */
export function resolveHistoryOptions(options: HistoryOptions | undefined, collections: readonly string[]): ResolvedHistory {
  if (options === false) return { keeps: () => false, excluded: () => [] };
  const issues: CrmIssue[] = [];
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ValidationError('history must be false or an object per collection', [
      { code: 'invalid_option', path: ['history'], message: 'history must be false or an object per collection' },
    ]);
  }
  const known = new Set(collections);
  for (const [collection, settings] of Object.entries(options ?? {})) {
    const path = ['history', collection];
    if (!known.has(collection)) issues.push({ code: 'invalid_option', path, message: `history names no collection ${JSON.stringify(collection)}` });
    if (settings === undefined || settings === false) continue;
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
      issues.push({ code: 'invalid_option', path, message: 'a collection takes false or { exclude }' });
      continue;
    }
    const exclude: unknown = settings.exclude ?? [];
    if (!Array.isArray(exclude)) {
      issues.push({ code: 'invalid_option', path: [...path, 'exclude'], message: 'exclude is a list of dotted paths' });
      continue;
    }
    exclude.forEach((entry, index) => {
      if (typeof entry !== 'string' || !/^[^.\s]+(\.[^.\s]+)*$/u.test(entry)) {
        issues.push({ code: 'invalid_option', path: [...path, 'exclude', index], message: 'an excluded field is a dotted path such as custom.passwordHash' });
      }
    });
  }
  if (issues.length > 0) throw new ValidationError(`Invalid history options: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  const settings = (options ?? {}) as Readonly<Record<string, CollectionHistorySettings | undefined>>;
  return {
    keeps: (collection) => settings[collection] !== false,
    excluded: (collection) => {
      const entry = settings[collection];
      return entry === undefined || entry === false ? [] : (entry.exclude ?? []);
    },
  };
}
