// Fuzzing the rules target (test/fuzz/targets/): properties over structured inputs and the corpus replay.
import { fuzzTests } from './harness.js';

fuzzTests('rules');
