// Every fuzz target, by name.
import type { Target } from '../target.js';
import { openmetrics, textparse } from './exposition.js';
import { promqlEngine, promqlParser } from './promql.js';
import { config, relabeling, rules } from './yaml_files.js';
import { remote } from './remote.js';
import { chunks, wal } from './tsdb.js';
import { template } from './template.js';

export const TARGETS: readonly Target[] = [
  textparse,
  openmetrics,
  promqlParser,
  promqlEngine,
  config,
  rules,
  relabeling,
  remote,
  wal,
  chunks,
  template,
];

export function target(name: string): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (!t)
    throw new Error(`unknown fuzz target ${name}; known: ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}
