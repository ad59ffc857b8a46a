// A rule written back as the YAML of its rule file, as Prometheus's Alerts and Rules pages show it.
import { formatDuration } from './time.js';

export interface RuleDef {
  name: string;
  query: string;
  type: string;
  /** for, in seconds. */
  duration?: number;
  /** keep_firing_for, in seconds. */
  keepFiringFor?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Continuation lines of a multi-line value are indented under their key. */
const indentValue = (v: string, depth: string): string => v.replace(/\n/g, `\n${depth}  `);

function mapping(key: string, m: Record<string, string> | undefined): string[] {
  const entries = Object.entries(m ?? {});
  if (entries.length === 0) return [];
  return [`${key}:`, ...entries.map(([k, v]) => `  ${k}: ${indentValue(v, '  ')}`)];
}

export function ruleDefinition(r: RuleDef): string {
  const lines = [
    r.type === 'alerting' ? `alert: ${r.name}` : `record: ${r.name}`,
    `expr: ${indentValue(r.query, '')}`,
  ];
  if (r.duration) lines.push(`for: ${formatDuration(r.duration * 1000)}`);
  if (r.keepFiringFor) lines.push(`keep_firing_for: ${formatDuration(r.keepFiringFor * 1000)}`);
  lines.push(...mapping('labels', r.labels), ...mapping('annotations', r.annotations));
  return lines.join('\n');
}
