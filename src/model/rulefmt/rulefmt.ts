// Rule files (groups of recording and alerting rules) read and checked as Prometheus's rulefmt
// does: unknown fields refused, names and expressions validated, templates parsed, each error
// naming the line, the group and the rule.
import { readFileSync } from 'node:fs';
import {
  LineCounter,
  parseAllDocuments,
  parseDocument,
  isMap,
  isSeq,
  isScalar,
  type Node,
  type YAMLMap,
  type Pair,
  type Scalar,
} from 'yaml';
import { goQuote, isValidLabelName, isValidMetricName } from '../labels/index.js';
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
const RULE_FIELDS = new Set([
  'record',
  'alert',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

export function parseRuleFile(path: string): { groups: RuleGroupDef[]; errors: RuleFileError[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      groups: [],
      errors: [
        new RuleFileError(
          `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'open ' + path + ': no such file or directory' : (e as Error).message}`,
          path,
        ),
      ],
    };
  }
  return parseRules(text, path);
}

/** yaml.v3's short tag of a node, as its type errors name it. */
function tagOf(n: Node): string {
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null) return '!!null';
    if (typeof v === 'boolean') return '!!bool';
    if (typeof v === 'number')
      return Number.isInteger(v) && !/[.eE]/.test(String(n.source ?? v)) ? '!!int' : '!!float';
  }
  return '!!str';
}

/** Thrown by a duration field: like a Go custom unmarshaler's error, it ends decoding on its own. */
class DurationError extends Error {}

// yaml.v3 (libyaml) and the JS yaml library word syntax errors differently; the common ones are
// mapped, with the line libyaml reports.
function goYAMLSyntax(
  code: string,
  message: string,
  text: string,
  line: number,
): { line: number; msg: string } {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return { line, msg: 'found character that cannot start any token' };
  if (first.startsWith('Nested mappings are not allowed in compact mappings'))
    return { line, msg: 'mapping values are not allowed in this context' };
  if (first.startsWith('Missing closing "quote') || first.startsWith("Missing closing 'quote")) {
    // libyaml runs to the end of the stream and names the line where the quote opened.
    const q = first.includes('"quote') ? '"' : "'";
    const at = text.lastIndexOf(q);
    return {
      line: at < 0 ? line : text.slice(0, at).split('\n').length,
      msg: 'found unexpected end of stream',
    };
  }
  if (code === 'MISSING_CHAR' && first.startsWith('Sequence item without - indicator')) {
    // libyaml names the line before the first item of the block sequence being parsed.
    const lines = text.split('\n');
    const indentOf = (l: string) => l.length - l.trimStart().length;
    const bad = indentOf(lines[line - 1] ?? '');
    let i = line - 2;
    while (i >= 0 && !(lines[i]!.trimStart().startsWith('-') && indentOf(lines[i]!) < bad)) i--;
    if (i >= 0) {
      const seqIndent = indentOf(lines[i]!);
      let firstItem = i;
      for (let k = i - 1; k >= 0; k--) {
        const l = lines[k]!;
        if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
        const ind = indentOf(l);
        if (ind < seqIndent) break;
        if (ind === seqIndent && l.trimStart().startsWith('-')) firstItem = k;
      }
      return { line: firstItem, msg: "did not find expected '-' indicator" };
    }
  }
  return { line, msg: first };
}

export function parseRules(
  text: string,
  filename: string,
): { groups: RuleGroupDef[]; errors: RuleFileError[] } {
  const lc = new LineCounter();
  // Like Go's decoder, only the first YAML document of the file is read.
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
  const doc = (Array.isArray(docs) ? docs[0] : docs) ?? parseDocument('', { lineCounter: lc });
  const lineOf = (n: Node | null | undefined): number =>
    n?.range ? lc.linePos(n.range[0]).line : 0;
  const posOf = (n: Node | null | undefined): string => {
    if (!n?.range) return '0:0';
    const p = lc.linePos(n.range[0]);
    return `${p.line}:${p.col}`;
  };
  const fileErr = (msg: string, line?: number) =>
    new RuleFileError(`${filename}: ${msg}`, filename, line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const g = goYAMLSyntax(e.code, e.message, text, e.linePos?.[0]?.line ?? 0);
    const line = g.line;
    // Prometheus decodes the file twice (typed, then as nodes), so a syntax error is reported twice.
    const msg = `yaml: line ${line}: ${g.msg}`;
    return { groups: [], errors: [fileErr(msg, line), fileErr(msg, line)] };
  }
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return { groups: [], errors: [] };

  const terrors: string[] = [];
  const terror = (n: Node, into: string) => {
    let shown = '';
    const tag = tagOf(n);
    if (tag !== '!!seq' && tag !== '!!map') {
      const v = isScalar(n) ? String(n.source ?? n.value ?? '') : '';
      shown = v.length > 10 ? ' `' + v.slice(0, 7) + '...`' : ' `' + v + '`';
    }
    terrors.push(`line ${lineOf(n)}: cannot unmarshal ${tag}${shown} into ${into}`);
  };
  // yaml.v3 refuses a mapping with a repeated key before decoding any of it.
  const dupKeys = (m: YAMLMap): boolean => {
    const before = terrors.length;
    const items = m.items as Pair<Node, Node>[];
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const ki = items[i]!.key as Scalar;
        const kj = items[j]!.key as Scalar;
        if (String(ki.value) === String(kj.value))
          terrors.push(
            `line ${lineOf(kj)}: mapping key ${JSON.stringify(String(kj.value))} already defined at line ${lineOf(ki)}`,
          );
      }
    }
    return terrors.length > before;
  };
  const isNull = (n: Node | null | undefined): boolean => !n || (isScalar(n) && n.value === null);
  const scalarStr = (n: Node | null): string =>
    n && isScalar(n) && n.value !== null ? String(n.value) : '';
  const strField = (n: Node | null): string => {
    if (isNull(n)) return '';
    if (!isScalar(n)) {
      terror(n!, 'string');
      return '';
    }
    return scalarStr(n);
  };
  const duration = (n: Node | null): number => {
    if (isNull(n)) return 0;
    const s = isScalar(n) ? scalarStr(n) : '';
    try {
      return parseDuration(s);
    } catch (e) {
      throw new DurationError((e as Error).message);
    }
  };
  const strMap = (n: Node | null): Record<string, string> => {
    const out: Record<string, string> = {};
    if (isNull(n)) return out;
    if (!isMap(n)) {
      terror(n!, 'map[string]string');
      return out;
    }
    if (dupKeys(n)) return out;
    for (const p of n.items as Pair<Node, Node>[])
      out[String((p.key as Scalar).value)] = strField(p.value);
    return out;
  };

  interface RawRule {
    def: RuleDef;
    nodes: Record<string, Node | null>;
    node: Node;
  }
  interface RawGroup {
    def: RuleGroupDef;
    node: Node;
    rules: RawRule[];
  }
  const raw: RawGroup[] = [];
  try {
    if (!isMap(root)) terror(root, 'rulefmt.RuleGroups');
    else if (!dupKeys(root)) {
      for (const p of root.items as Pair<Node, Node>[]) {
        const k = String((p.key as Scalar).value);
        if (k !== 'groups') {
          terrors.push(`line ${lineOf(p.key)}: field ${k} not found in type rulefmt.RuleGroups`);
          continue;
        }
        if (isNull(p.value)) continue;
        if (!isSeq(p.value)) {
          terror(p.value as Node, '[]rulefmt.RuleGroup');
          continue;
        }
        for (const g of p.value.items as Node[]) {
          if (isNull(g)) continue;
          if (!isMap(g)) {
            terror(g, 'rulefmt.RuleGroup');
            continue;
          }
          const group: RawGroup = {
            def: { name: '', interval: 0, limit: 0, rules: [], line: lineOf(g) },
            node: g,
            rules: [],
          };
          raw.push(group);
          if (dupKeys(g)) continue;
          for (const gp of g.items as Pair<Node, Node>[]) {
            const k = String((gp.key as Scalar).value);
            if (!GROUP_FIELDS.has(k)) {
              terrors.push(
                `line ${lineOf(gp.key)}: field ${k} not found in type rulefmt.RuleGroup`,
              );
              continue;
            }
            if (k === 'name') group.def.name = strField(gp.value);
            else if (k === 'interval') group.def.interval = duration(gp.value);
            else if (k === 'limit') {
              if (isNull(gp.value)) continue;
              const v = isScalar(gp.value) ? gp.value.value : null;
              if (typeof v !== 'number' || !Number.isInteger(v)) terror(gp.value as Node, 'int');
              else group.def.limit = v;
            } else {
              if (isNull(gp.value)) continue;
              if (!isSeq(gp.value)) {
                terror(gp.value as Node, '[]rulefmt.RuleNode');
                continue;
              }
              for (const r of gp.value.items as Node[]) {
                if (!isMap(r)) {
                  if (!isNull(r)) terror(r, 'rulefmt.RuleNode');
                  else
                    group.rules.push({
                      def: {
                        expr: '',
                        for: 0,
                        keep_firing_for: 0,
                        labels: {},
                        annotations: {},
                        line: 0,
                      },
                      nodes: {},
                      node: r,
                    });
                  continue;
                }
                const rule: RuleDef = {
                  expr: '',
                  for: 0,
                  keep_firing_for: 0,
                  labels: {},
                  annotations: {},
                  line: lineOf(r),
                };
                const nodes: Record<string, Node | null> = {};
                if (dupKeys(r)) continue;
                for (const rp of r.items as Pair<Node, Node>[]) {
                  const rk = String((rp.key as Scalar).value);
                  if (!RULE_FIELDS.has(rk)) {
                    terrors.push(
                      `line ${lineOf(rp.key)}: field ${rk} not found in type rulefmt.RuleNode`,
                    );
                    continue;
                  }
                  nodes[rk] = rp.value;
                  // record, alert and expr are kept as nodes by Prometheus: any scalar's text is taken.
                  if (rk === 'record') rule.record = scalarStr(rp.value);
                  else if (rk === 'alert') rule.alert = scalarStr(rp.value);
                  else if (rk === 'expr') rule.expr = scalarStr(rp.value);
                  else if (rk === 'for' || rk === 'keep_firing_for') rule[rk] = duration(rp.value);
                  else if (rk === 'labels') rule.labels = strMap(rp.value);
                  else rule.annotations = strMap(rp.value);
                }
                if (rule.record === '') delete rule.record;
                if (rule.alert === '') delete rule.alert;
                group.rules.push({ def: rule, nodes, node: r });
              }
            }
          }
        }
      }
    }
  } catch (e) {
    if (e instanceof DurationError) return { groups: [], errors: [fileErr(e.message)] };
    throw e;
  }
  const errors: RuleFileError[] = [];
  if (terrors.length > 0)
    errors.push(fileErr(`yaml: unmarshal errors:\n  ${terrors.join('\n  ')}`));
  // The second, untyped decode fails only on the outer shapes.
  if (!isMap(root))
    errors.push(
      fileErr(
        `yaml: unmarshal errors:\n  line ${lineOf(root)}: cannot unmarshal ${tagOf(root)}${isScalar(root) ? ' `' + String(root.source ?? root.value) + '`' : ''} into rulefmt.ruleGroups`,
      ),
    );
  else {
    const before = terrors.length;
    if (dupKeys(root))
      errors.push(fileErr(`yaml: unmarshal errors:\n  ${terrors.slice(before).join('\n  ')}`));
    const gn = (root.items as Pair<Node, Node>[]).find(
      (p) => String((p.key as Scalar).value) === 'groups',
    )?.value;
    if (gn && !isNull(gn) && !isSeq(gn)) {
      const v = isScalar(gn) ? String(gn.source ?? gn.value) : '';
      errors.push(
        fileErr(
          `yaml: unmarshal errors:\n  line ${lineOf(gn)}: cannot unmarshal ${tagOf(gn)}${isScalar(gn) ? ' `' + (v.length > 10 ? v.slice(0, 7) + '...' : v) + '`' : ''} into []yaml.Node`,
        ),
      );
    }
  }
  if (errors.length > 0) return { groups: [], errors };

  const seen = new Set<string>();
  for (const g of raw) {
    const name = g.def.name;
    if (name === '')
      errors.push(fileErr(`${posOf(g.node)}: Groupname must not be empty`, lineOf(g.node)));
    if (seen.has(name))
      errors.push(
        fileErr(
          `${posOf(g.node)}: groupname: "${name}" is repeated in the same file`,
          lineOf(g.node),
        ),
      );
    seen.add(name);
    g.rules.forEach(({ def: rule, nodes }, idx) => {
      const ruleName = rule.alert ?? rule.record ?? '';
      const recPos = posOf(nodes['record']);
      const alertPos = posOf(nodes['alert']);
      const fail = (pos: string | null, msg: string, n?: Node | null) =>
        errors.push(
          fileErr(
            `${pos === null ? '' : pos + ': '}group "${name}", rule ${idx + 1}, "${ruleName}": ${msg}`,
            n ? lineOf(n) : undefined,
          ),
        );
      if (rule.record !== undefined && rule.alert !== undefined)
        fail(
          `${recPos}: ${alertPos}`,
          "only one of 'record' and 'alert' must be set",
          nodes['record'],
        );
      if (rule.record === undefined && rule.alert === undefined)
        fail(
          `${recPos}: ${alertPos}`,
          "one of 'record' or 'alert' must be set",
          nodes['record'] ?? nodes['alert'],
        );
      if (rule.expr === '')
        fail(posOf(nodes['expr']), "field 'expr' must be set in rule", nodes['expr']);
      else {
        try {
          parseExpr(rule.expr);
        } catch (e) {
          fail(
            posOf(nodes['expr']),
            `could not parse expression: ${(e as Error).message}`,
            nodes['expr'],
          );
        }
      }
      if (rule.record !== undefined) {
        if (Object.keys(rule.annotations).length > 0)
          fail(recPos, "invalid field 'annotations' in recording rule", nodes['record']);
        if (rule.for !== 0) fail(recPos, "invalid field 'for' in recording rule", nodes['record']);
        if (rule.keep_firing_for !== 0)
          fail(recPos, "invalid field 'keep_firing_for' in recording rule", nodes['record']);
        if (!isValidMetricName(rule.record))
          fail(recPos, `invalid recording rule name: ${rule.record}`, nodes['record']);
      }
      // Label, annotation and template errors carry no position in Prometheus.
      for (const k of Object.keys(rule.labels)) {
        if (!isValidLabelName(k) || k === '__name__') fail(null, `invalid label name: ${k}`);
      }
      for (const k of Object.keys(rule.annotations)) {
        if (!isValidLabelName(k)) fail(null, `invalid annotation name: ${k}`);
      }
      if (rule.alert !== undefined) {
        const tname = `__alert_${rule.alert}`;
        const prefix = `error parsing template ${tname}: `;
        for (const [kind, m] of [
          ['label', rule.labels],
          ['annotation', rule.annotations],
        ] as const) {
          for (const [k, v] of Object.entries(m)) {
            const err = checkTemplate(tname, v);
            if (err)
              fail(
                null,
                `${kind} ${goQuote(k)}: ${err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message}`,
              );
          }
        }
      }
      g.def.rules.push(rule);
    });
  }
  return { groups: raw.map((g) => g.def), errors };
}
