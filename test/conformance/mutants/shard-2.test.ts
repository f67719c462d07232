// Shard 2 of the mutation test of the conformance suite (see ../mutation-suite.ts).
import { describeMutationShard } from '../mutation-suite.js';

describeMutationShard(2);
