// Relabeling with Prometheus 2.48's semantics: every action, source labels joined by the
// separator, a fully anchored RE2 regex, and `$1` / `${1}` / `$name` / `${name}` expansion exactly
// as Go's regexp.Expand (a name is the longest run of [A-Za-z0-9_], so `$1x` is group "1x"; a
// missing group expands to ''; `$$` is a literal `$`). Used for targets, metric_relabel_configs,
// alerts, Alertmanager discovery and remote write.
import { createHash } from 'node:crypto';
import { Labels, LabelsBuilder, isValidLabelName } from '../labels/index.js';
import type { RelabelConfig } from './config.js';

interface Match {
  groups: (string | null)[];
  named: Record<string, string>;
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/** Go's regexp.Expand for a whole-string match. */
export function expand(template: string, m: Match): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    if (template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close < 0 || inner === '' || ![...inner].every((c) => NAME_CHAR.test(c))) {
        out += '$'; // malformed: the '$' is literal text
        continue;
      }
      name = inner;
      i = close + 1;
    } else {
      let j = i;
      while (j < template.length && NAME_CHAR.test(template[j]!)) j++;
      if (j === i) {
        out += '$';
        continue;
      }
      name = template.slice(i, j);
      i = j;
    }
    if (/^\d+$/.test(name)) {
      const n = Number(name);
      const g = n < m.groups.length ? m.groups[n] : null;
      if (g !== null && g !== undefined) out += g;
    } else if (name in m.named) out += m.named[name];
  }
  return out;
}

function hashmod(val: string, modulus: number): string {
  // The last 8 bytes of the MD5 sum, big-endian, modulo the modulus (as Prometheus, for stability
  // of shard assignment across versions and implementations).
  const sum = createHash('md5').update(val).digest();
  const v = sum.readBigUInt64BE(8);
  return (v % BigInt(modulus)).toString();
}

/** Applies one config to the builder; false means the target/series is dropped. */
function applyOne(lb: LabelsBuilder, cfg: RelabelConfig): boolean {
  let val: string;
  if (cfg.source_labels.length === 1) val = lb.get(cfg.source_labels[0]!);
  else {
    const vals: string[] = [];
    for (const n of cfg.source_labels) vals.push(lb.get(n));
    val = vals.join(cfg.separator);
  }
  switch (cfg.action) {
    case 'drop':
      return !cfg.regex.matches(val);
    case 'keep':
      return cfg.regex.matches(val);
    case 'dropequal':
      return lb.get(cfg.target_label) !== val;
    case 'keepequal':
      return lb.get(cfg.target_label) === val;
    case 'replace': {
      const m = cfg.regex.exec(val);
      if (m === null) return true;
      const target = expand(cfg.target_label, m);
      if (!isValidLabelName(target)) return true;
      const res = expand(cfg.replacement, m);
      if (res === '') lb.del(target);
      else lb.set(target, res);
      return true;
    }
    case 'lowercase':
      lb.set(cfg.target_label, val.toLowerCase());
      return true;
    case 'uppercase':
      lb.set(cfg.target_label, val.toUpperCase());
      return true;
    case 'hashmod':
      lb.set(cfg.target_label, hashmod(val, cfg.modulus));
      return true;
    case 'labelmap': {
      const current = lb.labels();
      current.forEach((name, value) => {
        const m = cfg.regex.exec(name);
        if (m !== null) lb.set(expand(cfg.replacement, m), value);
      });
      return true;
    }
    case 'labeldrop': {
      lb.labels().forEach((name) => {
        if (cfg.regex.matches(name)) lb.del(name);
      });
      return true;
    }
    case 'labelkeep': {
      lb.labels().forEach((name) => {
        if (!cfg.regex.matches(name)) lb.del(name);
      });
      return true;
    }
  }
}

/** Applies the configs in order; null when one of them drops the label set. */
export function relabel(labels: Labels, cfgs: readonly RelabelConfig[]): Labels | null {
  if (cfgs.length === 0) return labels;
  const lb = new LabelsBuilder(labels);
  for (const cfg of cfgs) if (!applyOne(lb, cfg)) return null;
  return lb.labels();
}

/** Applies the configs to a builder in place (callers that keep building after); false = dropped. */
export function relabelBuilder(lb: LabelsBuilder, cfgs: readonly RelabelConfig[]): boolean {
  for (const cfg of cfgs) if (!applyOne(lb, cfg)) return false;
  return true;
}
