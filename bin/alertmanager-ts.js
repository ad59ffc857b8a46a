#!/usr/bin/env -S node --max-semi-space-size=2
// A small young generation: an Alertmanager holds few, long-lived objects, and the default
// 16 MiB semi-spaces cost RSS without saving measurable CPU here (docs/benchmarks/alertmanager.md).
import '../dist/cmd/alertmanager.js';
