import { describeAdapterConformance } from '../../src/testing/index.js';
import { memoryAdapter } from './memory-adapter.js';

describeAdapterConformance({ name: 'memory', createAdapter: () => memoryAdapter() });
