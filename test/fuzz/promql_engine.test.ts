// Fuzzing the promql-engine target (test/fuzz/targets/): properties over structured inputs and the corpus replay.
import { fuzzTests } from './harness.ts';

fuzzTests('promql-engine');
