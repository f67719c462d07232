import * as z from 'zod';

/** The fields every stored record has, assigned and maintained by the core. */
export const recordBaseShape = {
  /** Time-sortable unique id (UUIDv7 unless `createCrm` is given its own id generator). */
  id: z.string().min(1).max(128),
  /** When the record was created, from the crm's clock. */
  createdAt: z.date(),
  /** When the record was last written, from the crm's clock. */
  updatedAt: z.date(),
  /** 1 on create, incremented by every update. */
  version: z.number().int().positive(),
};

/** The names of the fields the core maintains; recipes and inputs may not set them. */
export const recordBaseFields = ['id', 'createdAt', 'updatedAt', 'version'] as const;

/** One of {@link recordBaseFields}. */
export type RecordBaseField = (typeof recordBaseFields)[number];

/** The fields every stored record has. */
export interface RecordBase {
  /** Time-sortable unique id. */
  readonly id: string;
  /** When the record was created. */
  readonly createdAt: Date;
  /** When the record was last written. */
  readonly updatedAt: Date;
  /** 1 on create, incremented by every update. */
  readonly version: number;
}
