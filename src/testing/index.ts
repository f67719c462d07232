/**
 * `crmkit/testing`: the adapter conformance suite and test helpers.
 *
 * @module crmkit/testing
 */
export * from './conformance-fixtures.js';
export * from './conformance-options.js';
export type { ConformanceHarness } from './conformance-harness.js';
export { describeAdapterConformance } from './describe-adapter-conformance.js';
export * from './test-clock.js';
