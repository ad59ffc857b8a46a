// Relabel rules that are valid but cannot do what they say: a replacement naming a capture group
// the regex does not have, a source label that nothing before this rule can have set, and a
// target label written and then always overwritten before anything reads it.
import { RE2JS } from 're2js';
import type { LintFinding } from './finding.js';
import type { Path, YamlDoc } from './yaml_doc.js';

/** Which labels a relabel list can see: a scrape job's discovered targets, or scraped series. */
export type RelabelStage =
  | { kind: 'target'; metaPrefixes: readonly string[]; mechanisms: readonly string[] }
  | { kind: 'series'; section: string };

interface Rule {
  index: number;
  path: Path;
  action: string;
  sources: string[];
  regex: string;
  targetLabel: string | undefined;
  replacement: string;
}

/** A reference `$x` / `${x}` in a Go regexp.Expand template, as Go's Expand reads it. */
interface TemplateRef {
  raw: string;
  name: string;
}

export function templateRefs(template: string): TemplateRef[] {
  const out: TemplateRef[] = [];
  const word = /[A-Za-z0-9_]/;
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '$') continue;
    const next = template[i + 1];
    if (next === '$') {
      i++;
      continue;
    }
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const name = close < 0 ? '' : template.slice(i + 2, close);
      if (name === '' || ![...name].every((c) => word.test(c))) continue; // Go writes it literally
      out.push({ raw: template.slice(i, close + 1), name });
      i = close;
      continue;
    }
    let j = i + 1;
    while (j < template.length && word.test(template[j]!)) j++;
    if (j === i + 1) continue;
    out.push({ raw: template.slice(i, j), name: template.slice(i + 1, j) });
    i = j - 1;
  }
  return out;
}

function compile(regex: string): RE2JS | null {
  try {
    return RE2JS.compile(`^(?:${regex})$`);
  } catch {
    return null; // the loader reports a bad regex; nothing to lint
  }
}

/** Whether the anchored regex matches every value it could be given (as the default `(.*)` does). */
function matchesEverything(re: RE2JS): boolean {
  return ['', 'a', 'host-1:9100', 'a;b;c', ' x/y?z=1 ', 'ü\u00a0'].every((p) => re.test(p));
}

const WRITES_TARGET = new Set(['replace', 'hashmod', 'lowercase', 'uppercase']);

function readRules(doc: YamlDoc, listPath: Path): Rule[] {
  const rules: Rule[] = [];
  for (let i = 0; i < doc.count(listPath); i++) {
    const p = [...listPath, i];
    rules.push({
      index: i,
      path: p,
      action: (doc.str([...p, 'action']) ?? 'replace').toLowerCase(),
      sources: doc.strs([...p, 'source_labels']) ?? [],
      regex: doc.str([...p, 'regex']) ?? '(.*)',
      targetLabel: doc.str([...p, 'target_label']),
      replacement: doc.str([...p, 'replacement']) ?? '$1',
    });
  }
  return rules;
}

function at(doc: YamlDoc, path: Path): { file: string; line: number; column: number } {
  return { file: doc.file, ...doc.pos(path) };
}

/** Lints one relabel list (`relabel_configs`, `metric_relabel_configs`, …) at `listPath`. */
export function lintRelabelList(
  doc: YamlDoc,
  listPath: Path,
  context: string,
  stage: RelabelStage,
  out: LintFinding[],
): void {
  const rules = readRules(doc, listPath);
  const name = (r: Rule): string => `${context}[${r.index}]`;
  const written = new Set<string>();
  // For each label: the writes of it that nothing has read since.
  const unread = new Map<string, Rule[]>();
  for (const r of rules) {
    const re = compile(r.regex);
    // 1. Group references in the replacement (replace, labelmap) and the target label (replace).
    if (re !== null) {
      const groups = re.groupCount();
      const named = re.namedGroups() as Record<string, number>;
      const fields: [string, string][] = [];
      if (r.action === 'replace' || r.action === 'labelmap')
        fields.push(['replacement', r.replacement]);
      if (r.action === 'replace' && r.targetLabel !== undefined)
        fields.push(['target_label', r.targetLabel]);
      for (const [field, template] of fields) {
        for (const ref of templateRefs(template)) {
          const numeric = /^\d+$/.test(ref.name);
          if (numeric && Number(ref.name) <= groups) continue;
          if (!numeric && ref.name in named) continue;
          const what = numeric
            ? `refers to capture group ${ref.name}, but regex ${JSON.stringify(r.regex)}${doc.str([...r.path, 'regex']) === undefined ? ' (the default)' : ''} has ${groups === 1 ? 'only 1 group' : `${groups} groups`}`
            : /^\d/.test(ref.name)
              ? `writes ${ref.raw}, which Go reads as the group named "${ref.name}" (a name runs on over letters, digits and _), not group ${/^\d+/.exec(ref.name)![0]}`
              : `refers to the group named "${ref.name}", which regex ${JSON.stringify(r.regex)} does not have`;
          const shown = template
            .split(ref.raw)
            .join('')
            .replace(/\$\{?(\w+)\}?/g, '<$$$1>');
          const effect =
            field === 'target_label'
              ? `the target label's name loses that part`
              : r.targetLabel !== undefined
                ? `${ref.raw} expands to an empty string, so ${r.targetLabel} becomes ${JSON.stringify(shown)}${/[:/;,.-]$/.test(shown) ? ` (every ${r.targetLabel} ends in ${JSON.stringify(shown.slice(-1))})` : ''}`
                : `${ref.raw} expands to an empty string`;
          const fix = numeric
            ? `capture what ${ref.raw} should hold: list every label it comes from in source_labels (their values are joined by ";") and give the regex a group for each, e.g. source_labels: [${[...r.sources, '<label with the rest>'].join(', ')}], regex: '([^;]+);(.+)'.`
            : /^\d/.test(ref.name)
              ? `write \${${/^\d+/.exec(ref.name)![0]}}${ref.name.replace(/^\d+/, '')} instead of ${ref.raw}.`
              : `name the group in the regex, (?P<${ref.name}>…), or refer to it by number.`;
          out.push({
            ...at(doc, [...r.path, field]),
            message: `${name(r)}: ${field} ${JSON.stringify(template)} ${what}: ${effect}.`,
            fix,
          });
        }
      }
    }
    // 2. Source labels nothing can have set at this point.
    for (const src of r.sources) {
      if (!src.startsWith('__meta_') || written.has(src)) continue;
      if (stage.kind === 'series') {
        out.push({
          ...at(doc, [...r.path, 'source_labels']),
          message: `${name(r)}: source label ${src} is never set here: __meta_* labels are dropped after target relabeling, so ${stage.section} never sees them.`,
          fix: `copy it to a target label in the job's relabel_configs (source_labels: [${src}], target_label: <name>) and use <name> here.`,
        });
        continue;
      }
      if (stage.metaPrefixes.some((p) => src.startsWith(p))) continue;
      const found =
        stage.mechanisms.length === 0
          ? 'no service discovery (only static_configs, which set no __meta_* labels)'
          : stage.mechanisms.join(', ');
      out.push({
        ...at(doc, [...r.path, 'source_labels']),
        message: `${name(r)}: source label ${src} can never be set: this job discovers targets with ${found}${stage.metaPrefixes.length > 0 ? `, whose labels start with ${stage.metaPrefixes.join(' or ')}` : ''}.`,
        fix:
          stage.metaPrefixes.length > 0
            ? `use a label the job's discovery sets (${stage.metaPrefixes.map((p) => p + '*').join(', ')}), or add the discovery that sets ${src}.`
            : `add the service discovery that sets ${src}, or remove this rule.`,
      });
    }
    // 3. A write that a later unconditional write of the same label makes dead.
    const readsAll =
      r.action === 'labelmap' || r.action === 'labeldrop' || r.action === 'labelkeep';
    for (const label of [...unread.keys()])
      if (readsAll || r.sources.includes(label)) unread.delete(label);
    if (
      WRITES_TARGET.has(r.action) &&
      r.targetLabel !== undefined &&
      !r.targetLabel.includes('$')
    ) {
      const label = r.targetLabel;
      const unconditional = r.action !== 'replace' || (re !== null && matchesEverything(re));
      const pending = unread.get(label) ?? [];
      if (unconditional) {
        const later = doc.pos(r.path);
        for (const prev of pending) {
          out.push({
            ...at(doc, [...prev.path, 'target_label']),
            message: `${name(prev)}: the ${label} this rule writes is always overwritten by ${name(r)} (line ${later.line}) before anything reads it, because that rule's regex ${JSON.stringify(r.regex)} matches every value: this rule has no effect.`,
            fix: `merge the two rules into one (both labels in source_labels, one regex capturing each), or give ${name(r)} a regex that matches only when it should apply, e.g. regex: '(.+)' to leave ${label} alone when its source is empty.`,
          });
        }
        unread.set(label, [r]);
      } else unread.set(label, [...pending, r]);
      written.add(label);
    }
  }
}
