import { describe, expect, it } from 'vitest';
import { uuidV7Ids } from './id-generator.js';

describe('uuidV7Ids', () => {
  it('makes RFC 9562 version 7 UUIDs', () => {
    expect(uuidV7Ids()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('makes unique ids that sort in creation order, even thousands within one millisecond', () => {
    const ids = Array.from({ length: 50_000 }, () => uuidV7Ids());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = uuidV7Ids();
    const msecs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(Date.now() + 1);
  });
});
