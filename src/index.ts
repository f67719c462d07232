/**
 * crmkit: customer relationship management as code.
 *
 * ```ts
 * import { createCrm, where, ago } from 'crmkit';
 * import { memoryAdapter } from 'crmkit/memory';
 * ```
 *
 * @module crmkit
 */
export * from './analytics/index.js';
export * from './crm.js';
export * from './schema/index.js';
export * from './services/index.js';
export * from './storage/index.js';
