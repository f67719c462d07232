// Vitest setup: when CRMKIT_PROPERTY_SEED is set (.ci/run sets it), every fast-check property runs
// from that seed, so a CI run is reproducible; locally the seeds stay random and keep exploring.
import fc from 'fast-check';

const seed = process.env.CRMKIT_PROPERTY_SEED;
if (seed !== undefined && seed !== '') fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
