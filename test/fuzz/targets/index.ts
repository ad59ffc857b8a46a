// Every fuzz target, by name.
import type { Target } from '../target.ts';
import { openmetrics, textparse } from './exposition.ts';
import { promqlEngine, promqlParser } from './promql.ts';
import { config, relabeling, rules } from './yaml_files.ts';
import { remote } from './remote.ts';
import { chunks, wal } from './tsdb.ts';
import { template } from './template.ts';

export const TARGETS: readonly Target[] = [textparse, openmetrics, promqlParser, promqlEngine, config, rules, relabeling, remote, wal, chunks, template];

export function target(name: string): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown fuzz target ${name}; known: ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}
