// A plugin author's test file: the adapter under test and the published suite, nothing else.
import { describeAdapterConformance } from 'crmkit/testing';
import { plainMapAdapter } from './plain-map-adapter.js';

describeAdapterConformance({ name: 'plain-map (a third-party adapter without optional capabilities)', createAdapter: plainMapAdapter });
