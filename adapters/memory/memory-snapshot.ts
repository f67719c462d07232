import { ValidationError, type CrmIssue, type StoredRecord } from '../../src/storage/index.js';

/** The contents of a memory adapter, as exported. */
export interface MemorySnapshot {
  /** Identifies the document. */
  readonly format: 'crmkit-memory';
  /** The format's version. */
  readonly version: 1;
  /** Records per collection. */
  readonly collections: Readonly<Record<string, readonly StoredRecord[]>>;
}

const dateTag = '$date';

/**
 * Serializes a snapshot to JSON, writing each `Date` as `{ "$date": "<ISO instant>" }`
 * so that it comes back as a `Date`.
 *
 * @example
 * ```ts
 * encodeSnapshot({ format: 'crmkit-memory', version: 1, collections: { customers: [] } });
 * ```
 */
export function encodeSnapshot(snapshot: MemorySnapshot): string {
  return JSON.stringify(snapshot, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? { [dateTag]: raw.toISOString() } : value;
  });
}

/**
 * Parses and checks a snapshot: known collections only, every record with a
 * string id (unique in its collection), `createdAt` / `updatedAt` dates and a
 * positive integer version. Throws `ValidationError` listing every problem.
 *
 * @example
 * ```ts
 * const snapshot = decodeSnapshot(json, ['customers', 'interactions']);
 * ```
 */
export function decodeSnapshot(json: string, knownCollections: readonly string[]): MemorySnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json, (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === dateTag && typeof (value as Record<string, unknown>)[dateTag] === 'string') {
          return new Date((value as Record<string, string>)[dateTag]!);
        }
      }
      return value;
    });
  } catch (cause) {
    throw new ValidationError('the snapshot is not valid JSON', [{ code: 'invalid_json', path: [], message: String(cause) }], { cause });
  }
  const issues: CrmIssue[] = [];
  const document = parsed as Partial<MemorySnapshot> | null;
  if (typeof document !== 'object' || document === null || document.format !== 'crmkit-memory' || document.version !== 1) {
    issues.push({ code: 'invalid_format', path: [], message: 'not a crmkit-memory version 1 snapshot' });
  } else if (typeof document.collections !== 'object' || document.collections === null) {
    issues.push({ code: 'invalid_format', path: ['collections'], message: 'collections must be an object' });
  } else {
    for (const [name, records] of Object.entries(document.collections)) {
      if (!knownCollections.includes(name)) {
        issues.push({ code: 'unknown_collection', path: ['collections', name], message: `unknown collection ${name}` });
        continue;
      }
      if (!Array.isArray(records)) {
        issues.push({ code: 'invalid_type', path: ['collections', name], message: 'records must be an array' });
        continue;
      }
      const ids = new Set<string>();
      records.forEach((record: Record<string, unknown>, i) => {
        const at = ['collections', name, i];
        if (typeof record !== 'object' || record === null) {
          issues.push({ code: 'invalid_type', path: at, message: 'a record must be an object' });
          return;
        }
        if (typeof record.id !== 'string' || record.id === '' || ids.has(record.id)) {
          issues.push({ code: 'invalid_id', path: [...at, 'id'], message: 'a record needs a unique string id' });
        } else ids.add(record.id);
        for (const field of ['createdAt', 'updatedAt'] as const) {
          const value = record[field];
          if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
            issues.push({ code: 'invalid_date', path: [...at, field], message: `${field} must be a date` });
          }
        }
        if (!Number.isInteger(record.version) || (record.version as number) < 1) {
          issues.push({ code: 'invalid_version', path: [...at, 'version'], message: 'version must be a positive integer' });
        }
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(`Invalid memory snapshot: ${issues[0]!.message}`, issues);
  return document as MemorySnapshot;
}
