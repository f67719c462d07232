// The storage schema tells adapters how long a string field's values can be, when the model bounds
// them, so an adapter can size an indexed column (MariaDB's index entries are limited to 3,072 bytes).
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createCrm } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { fieldCatalogue } from '../../src/schema/field-catalogue.js';

describe('the field catalogue', () => {
  it('gives maxLength for a bounded string, an enum, a literal and a bounded string under a transform; none for unbounded ones', () => {
    const fields = fieldCatalogue(
      z.object({
        code: z.string().min(1).max(128),
        fixed: z.string().length(8),
        both: z.string().max(64).max(32),
        status: z.enum(['new', 'open', 'pending_customer']),
        kind: z.literal('task'),
        email: z.string().max(320).transform((value) => value.toLowerCase()),
        free: z.string(),
        count: z.number().max(5),
        tags: z.array(z.string().max(40)),
      }),
    );
    expect(fields).toEqual({
      code: { type: 'string', optional: false, maxLength: 128 },
      fixed: { type: 'string', optional: false, maxLength: 8 },
      both: { type: 'string', optional: false, maxLength: 32 },
      status: { type: 'string', optional: false, maxLength: 16 },
      kind: { type: 'string', optional: false, maxLength: 4 },
      email: { type: 'string', optional: false, maxLength: 320 },
      free: { type: 'string', optional: false },
      count: { type: 'number', optional: false },
      tags: { type: 'string[]', optional: false },
    });
  });

  it('reaches the storage schema the adapters open: ids of the built-in models and a tenant id are bounded', async () => {
    const crm = await createCrm({ adapter: memoryAdapter(), tenant: 'acme' });
    const deals = crm.schema.collections.deals!;
    expect(deals.fields.stageId).toEqual({ type: 'string', optional: false, maxLength: 64 });
    expect(deals.fields.id).toEqual({ type: 'string', optional: false, maxLength: 128 });
    expect(deals.fields.tenantId).toEqual({ type: 'string', optional: false, maxLength: 128 });
    await crm.close();
  });
});
