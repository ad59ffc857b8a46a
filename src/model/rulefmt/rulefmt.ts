// Rule files (groups of recording and alerting rules) read and checked as Prometheus's rulefmt
// does: unknown fields refused, names and expressions validated, templates parsed, each error
// naming the line, the group and the rule.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node, type YAMLMap, type Pair, type Scalar } from 'yaml';
import { isValidLabelName, isValidMetricName } from '../labels/index.js';
import { parseDuration } from '../duration/index.js';
import { parseExpr } from '../../promql/parser/index.js';
import { checkTemplate } from '../../template/index.js';

export interface RuleDef {
  record?: string;
  alert?: string;
  expr: string;
  /** ms, 0 when unset. */
  for: number;
  keep_firing_for: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  line: number;
}

export interface RuleGroupDef {
  name: string;
  /** ms; 0 = the global evaluation_interval. */
  interval: number;
  limit: number;
  rules: RuleDef[];
  line: number;
}

export class RuleFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const GROUP_FIELDS = new Set(['name', 'interval', 'limit', 'rules']);
const RULE_FIELDS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

export function parseRuleFile(path: string): { groups: RuleGroupDef[]; errors: RuleFileError[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { groups: [], errors: [new RuleFileError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'open ' + path + ': no such file or directory' : (e as Error).message}`, path)] };
  }
  return parseRules(text, path);
}

export function parseRules(text: string, filename: string): { groups: RuleGroupDef[]; errors: RuleFileError[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  const errors: RuleFileError[] = [];
  const lineOf = (n: Node | null | undefined): number => (n?.range ? lc.linePos(n.range[0]).line : 0);
  const posOf = (n: Node | null | undefined): string => {
    if (!n?.range) return '0:0';
    const p = lc.linePos(n.range[0]);
    return `${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return { groups: [], errors: [new RuleFileError(`${filename}: yaml: line ${e.linePos?.[0]?.line ?? 0}: ${e.message.split('\n')[0]}`, filename)] };
  }
  const root = doc.contents as Node | null;
  if (root === null) return { groups: [], errors: [] };
  const unmarshal: string[] = [];
  const groups: RuleGroupDef[] = [];
  if (!isMap(root)) {
    return { groups: [], errors: [new RuleFileError(`${filename}: yaml: unmarshal errors:\n  line ${lineOf(root)}: cannot unmarshal ${isSeq(root) ? '!!seq' : '!!str'} into rulefmt.RuleGroups`, filename)] };
  }
  let groupsNode: Node | null = null;
  for (const p of (root as YAMLMap).items as Pair<Node, Node>[]) {
    const k = String((p.key as Scalar).value);
    if (k === 'groups') groupsNode = p.value;
    else unmarshal.push(`line ${lineOf(p.key)}: field ${k} not found in type rulefmt.RuleGroups`);
  }
  const scalarStr = (n: Node | null): string => (n && isScalar(n) && n.value !== null ? String(n.value) : '');
  const strMap = (n: Node | null, what: string): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!n || (isScalar(n) && n.value === null)) return out;
    if (!isMap(n)) {
      unmarshal.push(`line ${lineOf(n)}: cannot unmarshal !!${isSeq(n) ? 'seq' : 'str'} into map[string]string`);
      return out;
    }
    for (const p of n.items as Pair<Node, Node>[]) out[String((p.key as Scalar).value)] = scalarStr(p.value);
    void what;
    return out;
  };
  const groupNames = new Set<string>();
  if (groupsNode && isSeq(groupsNode)) {
    for (const g of groupsNode.items as Node[]) {
      if (!isMap(g)) {
        unmarshal.push(`line ${lineOf(g)}: cannot unmarshal !!str into rulefmt.RuleGroup`);
        continue;
      }
      const group: RuleGroupDef = { name: '', interval: 0, limit: 0, rules: [], line: lineOf(g) };
      let rulesNode: Node | null = null;
      let nameNode: Node | null = null;
      for (const p of g.items as Pair<Node, Node>[]) {
        const k = String((p.key as Scalar).value);
        if (!GROUP_FIELDS.has(k)) {
          unmarshal.push(`line ${lineOf(p.key)}: field ${k} not found in type rulefmt.RuleGroup`);
          continue;
        }
        if (k === 'name') {
          group.name = scalarStr(p.value);
          nameNode = p.value;
        } else if (k === 'interval') {
          try {
            group.interval = parseDuration(scalarStr(p.value));
          } catch (e) {
            unmarshal.push(`line ${lineOf(p.value)}: ${(e as Error).message}`);
          }
        } else if (k === 'limit') {
          const v = p.value && isScalar(p.value) ? p.value.value : null;
          if (typeof v !== 'number' || !Number.isInteger(v)) unmarshal.push(`line ${lineOf(p.value)}: cannot unmarshal !!str \`${scalarStr(p.value)}\` into int`);
          else group.limit = v;
        } else rulesNode = p.value;
      }
      if (group.name === '') errors.push(new RuleFileError(`${filename}: ${posOf(g)}: Groupname must not be empty`, filename, lineOf(g)));
      else if (groupNames.has(group.name)) errors.push(new RuleFileError(`${filename}: ${posOf(nameNode)}: groupname: "${group.name}" is repeated in the same file`, filename, lineOf(nameNode)));
      groupNames.add(group.name);
      if (rulesNode && isSeq(rulesNode)) {
        (rulesNode.items as Node[]).forEach((r, idx) => {
          if (!isMap(r)) {
            unmarshal.push(`line ${lineOf(r)}: cannot unmarshal !!str into rulefmt.RuleNode`);
            return;
          }
          const rule: RuleDef = { expr: '', for: 0, keep_firing_for: 0, labels: {}, annotations: {}, line: lineOf(r) };
          const nodes: Record<string, Node | null> = {};
          for (const p of r.items as Pair<Node, Node>[]) {
            const k = String((p.key as Scalar).value);
            if (!RULE_FIELDS.has(k)) {
              unmarshal.push(`line ${lineOf(p.key)}: field ${k} not found in type rulefmt.RuleNode`);
              continue;
            }
            nodes[k] = p.value;
            if (k === 'record') rule.record = scalarStr(p.value);
            else if (k === 'alert') rule.alert = scalarStr(p.value);
            else if (k === 'expr') rule.expr = scalarStr(p.value);
            else if (k === 'for' || k === 'keep_firing_for') {
              try {
                rule[k] = parseDuration(scalarStr(p.value));
              } catch (e) {
                unmarshal.push(`line ${lineOf(p.value)}: ${(e as Error).message}`);
              }
            } else if (k === 'labels') rule.labels = strMap(p.value, k);
            else rule.annotations = strMap(p.value, k);
          }
          const ruleName = rule.alert ?? rule.record ?? '';
          // Prometheus places every error but the expression's at the rule's name.
          const nameNode = nodes['record'] ?? nodes['alert'] ?? r;
          const nodeFor = (k: string) => (k === 'expr' ? (nodes['expr'] ?? r) : nameNode);
          const fail = (n: Node | null, msg: string) =>
            errors.push(new RuleFileError(`${filename}: ${posOf(n)}: group "${group.name}", rule ${idx + 1}, "${ruleName}": ${msg}`, filename, lineOf(n)));
          if (rule.record !== undefined && rule.alert !== undefined) fail(nodeFor('record'), "only one of 'record' and 'alert' must be set");
          if (rule.record === undefined && rule.alert === undefined) fail(r, "one of 'record' or 'alert' must be set");
          if (rule.expr === '') fail(nodeFor('expr'), "field 'expr' must be set in rule");
          else {
            try {
              parseExpr(rule.expr);
            } catch (e) {
              fail(nodeFor('expr'), `could not parse expression: ${(e as Error).message}`);
            }
          }
          if (rule.record !== undefined) {
            if ('annotations' in nodes) fail(nodeFor('annotations'), "invalid field 'annotations' in recording rule");
            if ('for' in nodes) fail(nodeFor('for'), "invalid field 'for' in recording rule");
            if ('keep_firing_for' in nodes) fail(nodeFor('keep_firing_for'), "invalid field 'keep_firing_for' in recording rule");
            if (!isValidMetricName(rule.record)) fail(nodeFor('record'), `invalid recording rule name: ${rule.record}`);
          }
          for (const k of Object.keys(rule.labels)) {
            if (!isValidLabelName(k) || k === '__name__') fail(nodeFor('labels'), `invalid label name: ${k}`);
          }
          for (const k of Object.keys(rule.annotations)) {
            if (!isValidLabelName(k)) fail(nodeFor('annotations'), `invalid annotation name: ${k}`);
          }
          if (rule.alert !== undefined) {
            for (const [k, v] of [...Object.entries(rule.labels), ...Object.entries(rule.annotations)]) {
              const err = checkTemplate(`__alert_${rule.alert}`, v);
              if (err) fail(nodeFor(k in rule.labels ? 'labels' : 'annotations'), `msg=${err.message}`);
            }
          }
          group.rules.push(rule);
        });
      }
      groups.push(group);
    }
  } else if (groupsNode && !(isScalar(groupsNode) && groupsNode.value === null)) {
    unmarshal.push(`line ${lineOf(groupsNode)}: cannot unmarshal !!str into []rulefmt.RuleGroup`);
  }
  if (unmarshal.length > 0) {
    return { groups: [], errors: [new RuleFileError(`${filename}: yaml: unmarshal errors:\n  ${unmarshal.join('\n  ')}`, filename)] };
  }
  return { groups, errors };
}
