/**
 * `crmkit/testing`: the adapter conformance suite and test helpers.
 *
 * @module crmkit/testing
 */
export * from './collect-pages.js';
export * from './conformance-fixtures.js';
export * from './conformance-options.js';
export type { ConformanceHarness } from './conformance-harness.js';
export {
  isConformanceSkip,
  vitestRunner,
  type ConformanceContext,
  type ConformanceExpect,
  type ConformanceIt,
  type ConformanceMatchers,
  type ConformanceRejectionMatchers,
  type ConformanceRunner,
  type ConformanceTestFunction,
} from './conformance-runner.js';
export { describeAdapterConformance } from './describe-adapter-conformance.js';
export * from './expect-crm-error.js';
export * from './expect-nothing-written.js';
export * from './record-events.js';
export * from './seed-world.js';
export * from './snapshot-collections.js';
export * from './test-clock.js';
