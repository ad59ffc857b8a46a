// promtool reads a rule unit-test file with yaml.v2's UnmarshalStrict: unknown fields, wrong shapes
// and bad durations fail the file before any test runs, worded as yaml.v2 words them.
import {
  LineCounter,
  parseDocument,
  isMap,
  isSeq,
  isScalar,
  type Node,
  type Pair,
  type Scalar,
} from 'yaml';
import { parseDuration } from '../../model/duration/index.js';

type Shape =
  | { struct: string; fields: Record<string, Shape> }
  | { list: Shape }
  | 'duration'
  | 'string'
  | 'float'
  | 'map'
  | 'labels';

const sample: Shape = {
  struct: 'main.sample',
  fields: { labels: 'string', value: 'float', histogram: 'string' },
};
const alert: Shape = {
  struct: 'main.alert',
  fields: { exp_labels: 'map', exp_annotations: 'map' },
};
const series: Shape = { struct: 'main.series', fields: { series: 'string', values: 'string' } };
const testGroup: Shape = {
  struct: 'main.testGroup',
  fields: {
    interval: 'duration',
    input_series: { list: series },
    alert_rule_test: {
      list: {
        struct: 'main.alertTestCase',
        fields: { eval_time: 'duration', alertname: 'string', exp_alerts: { list: alert } },
      },
    },
    promql_expr_test: {
      list: {
        struct: 'main.promqlTestCase',
        fields: { expr: 'string', eval_time: 'duration', exp_samples: { list: sample } },
      },
    },
    external_labels: 'labels',
    external_url: 'string',
    name: 'string',
  },
};
const unitTestFile: Shape = {
  struct: 'main.unitTestFile',
  fields: {
    rule_files: { list: 'string' },
    evaluation_interval: 'duration',
    group_eval_order: { list: 'string' },
    tests: { list: testGroup },
  },
};

class Abort extends Error {}

/** The error promtool prints for a unit-test file that does not decode, or null when it decodes. */
export function checkUnitTestFile(text: string): string | null {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return `yaml: line ${e.linePos?.[0]?.line ?? 0}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
  }
  const lineOf = (n: Node): number => (n.range ? lc.linePos(n.range[0]).line : 0);
  const terrors: string[] = [];
  const tagOf = (n: Node): string => {
    if (isMap(n)) return '!!map';
    if (isSeq(n)) return '!!seq';
    const v = (n as Scalar).value;
    return typeof v === 'number'
      ? Number.isInteger(v)
        ? '!!int'
        : '!!float'
      : typeof v === 'boolean'
        ? '!!bool'
        : '!!str';
  };
  const terror = (n: Node, into: string) => {
    let shown = '';
    if (isScalar(n)) {
      const v = String(n.source ?? n.value ?? '');
      shown = v.length > 10 ? ' `' + v.slice(0, 7) + '...`' : ' `' + v + '`';
    }
    terrors.push(`line ${lineOf(n)}: cannot unmarshal ${tagOf(n)}${shown} into ${into}`);
  };
  const walk = (n: Node | null, shape: Shape): void => {
    if (!n || (isScalar(n) && n.value === null)) return;
    if (shape === 'duration') {
      const s = isScalar(n) ? String(n.value) : '';
      try {
        parseDuration(s);
      } catch (e) {
        throw new Abort((e as Error).message);
      }
      return;
    }
    if (shape === 'string') {
      if (!isScalar(n)) terror(n, 'string');
      return;
    }
    if (shape === 'float') {
      if (
        !isScalar(n) ||
        (typeof n.value !== 'number' &&
          !/^[-+]?(\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$/.test(String(n.value)))
      )
        terror(n, 'float64');
      return;
    }
    if (shape === 'map' || shape === 'labels') {
      if (!isMap(n)) terror(n, shape === 'map' ? 'map[string]string' : 'map[string]string');
      return;
    }
    if ('list' in shape) {
      if (!isSeq(n)) {
        terror(
          n,
          shape.list === 'string' ? '[]string' : `[]${(shape.list as { struct: string }).struct}`,
        );
        return;
      }
      for (const item of n.items as Node[]) walk(item, shape.list);
      return;
    }
    if (!isMap(n)) {
      terror(n, shape.struct);
      return;
    }
    for (const p of n.items as Pair<Node, Node>[]) {
      const k = String((p.key as Scalar).value);
      const child = shape.fields[k];
      if (child === undefined)
        terrors.push(`line ${lineOf(p.key)}: field ${k} not found in type ${shape.struct}`);
      else walk(p.value, child);
    }
  };
  try {
    walk(doc.contents as Node | null, unitTestFile);
  } catch (e) {
    if (e instanceof Abort) return e.message;
    throw e;
  }
  return terrors.length > 0 ? `yaml: unmarshal errors:\n  ${terrors.join('\n  ')}` : null;
}
