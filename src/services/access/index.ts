/**
 * Access: tenancy (`createCrm({ tenant })`, `crm.forTenant`), roles and scopes
 * as data (`crm.as(subject)`), each one storage middleware every module's reads
 * and writes pass through. See `docs/access.md`.
 *
 * @module
 */
export * from './access-issue-codes.js';
export { accessMiddleware } from './access-middleware.js';
export { collectionPolicy, maskedValue, matchesNothing, type CollectionPolicy } from './access-policy.js';
export { maskFieldChanges, maskRecord } from './field-mask.js';
export * from './role-definition.js';
export { scopeFilter, type FilterScope } from './scope-filter.js';
export { checkTenancy, storeSettingsModel, type StoreSetting } from './store-settings.js';
export { parseTenantId, tenantIdMaxLength, tenantIdSchema, tenantKeyedId } from './tenant-id.js';
export { tenantMiddleware } from './tenant-middleware.js';
export { tenantCollectionSchema, tenantField, tenantStorageSchema } from './tenant-schema.js';
export { accessModule } from './access-module.js';
export * from './share.js';
export { SharingFacade, type ShareListOptions } from './sharing-facade.js';
