// Rule unit tests in promtool's format: input series in series notation loaded into a real TSDB,
// the rule groups evaluated step by step as the server would, firing alerts and PromQL results
// compared at the asked times, failures worded as promtool words them.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { Labels, compareLabels, goQuote } from '../model/labels/index.js';
import { parseDuration, formatDuration } from '../model/duration/index.js';
import { formatGoFloatE, STALE_NAN } from '../model/value/index.js';
import { openDB } from '../tsdb/index.js';
import { Engine } from '../promql/index.js';
import { parseMetricSelector } from '../promql/parser/index.js';
import { expandSeriesValues, parseSeriesLine, almostEqual } from '../promql/promqltest/index.js';
import { parseRuleFile } from '../model/rulefmt/index.js';
import { glob } from '../util/glob.js';
import { nopLogger } from '../util/log.js';
import { RuleGroup } from './group.js';
import { AlertingRule } from './rule.js';
import { RuleMetrics } from './metrics.js';
import { checkUnitTestFile } from './unittest/index.js';

interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples?: { labels: string; value: number | string }[];
}

interface TestGroup {
  interval?: string;
  input_series?: { series: string; values: string }[];
  alert_rule_test?: AlertTest[];
  promql_expr_test?: ExprTest[];
  external_labels?: Record<string, string>;
  external_url?: string;
  name?: string;
}

interface UnitTestFile {
  rule_files?: string[];
  evaluation_interval?: string;
  group_eval_order?: string[];
  tests?: TestGroup[];
}

function indentLines(lines: string, indent: string): string {
  return lines
    .split('\n')
    .map((l, i) => (i > 0 ? indent + l : l))
    .join('\n');
}

function labelsString(o: Record<string, string>): string {
  return Labels.fromObject(o).toString();
}

function alertsString(
  list: { labels: Record<string, string>; annotations: Record<string, string> }[],
): string {
  if (list.length === 0) return '[]';
  let s =
    '[\n0:' +
    indentLines(
      '\nLabels:' +
        labelsString(list[0]!.labels) +
        '\nAnnotations:' +
        labelsString(list[0]!.annotations),
      '  ',
    );
  list.slice(1).forEach((l, i) => {
    s +=
      ',\n' +
      String(i + 1) +
      ':' +
      indentLines(
        '\nLabels:' + labelsString(l.labels) + '\nAnnotations:' + labelsString(l.annotations),
        '  ',
      );
  });
  return s + '\n]';
}

/** strconv.FormatFloat(v, 'E', -1, 64). */
/** FormatFloat(v, 'E', -1, 64). */
function goE(v: number): string {
  return Number.isFinite(v) ? formatGoFloatE(v).toUpperCase() : formatGoFloatE(v);
}

function samplesString(list: { labels: Labels; value: number }[]): string {
  if (list.length === 0) return 'nil';
  return list.map((s) => `${s.labels.toString()} ${goE(s.value)}`).join(', ');
}

function sortByLabels<T extends { labels: Record<string, string> }>(list: T[]): T[] {
  return list.sort((a, b) =>
    compareLabels(Labels.fromObject(a.labels), Labels.fromObject(b.labels)),
  );
}

/** model.Duration's String(): "600s" in a test file prints as "10m". */
function goDur(text: string): string {
  try {
    return formatDuration(parseDuration(text));
  } catch {
    return text;
  }
}

/** Runs one unit-test file; returns the failures (empty when it passes). */
export async function runRuleTestFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return [
      `open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
    ];
  }
  const decodeErr = checkUnitTestFile(text);
  if (decodeErr !== null) return [decodeErr];
  const spec = (parseYAML(text) ?? {}) as UnitTestFile;
  const order = spec.group_eval_order ?? [];
  const dupGroup = order.find((g, i) => order.indexOf(g) !== i);
  if (dupGroup !== undefined) return [`group name repeated in evaluation order: ${dupGroup}`];
  const base = dirname(file);
  const evalInterval = spec.evaluation_interval ? parseDuration(spec.evaluation_interval) : 60_000;
  const ruleFiles: string[] = [];
  for (const rf of spec.rule_files ?? []) {
    const pattern = isAbsolute(rf) ? rf : join(base, rf);
    const matched = glob(pattern);
    if (matched.length === 0) process.stderr.write(`  WARNING: no file match pattern ${pattern}\n`);
    ruleFiles.push(...matched);
  }
  const errors: string[] = [];
  for (const tg of spec.tests ?? [])
    errors.push(...(await runTestGroup(tg, ruleFiles, evalInterval, spec.group_eval_order ?? [])));
  return errors;
}

async function runTestGroup(
  tg: TestGroup,
  ruleFiles: string[],
  evalInterval: number,
  order: string[],
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-unittest-'));
  const db = await openDB(dir, { retentionDuration: 0 }, {});
  try {
    const engine = new Engine({ timeout: 120_000, maxSamples: 50_000_000, lookbackDelta: 300_000 });
    const interval = tg.interval ? parseDuration(tg.interval) : evalInterval;
    // Input series.
    const app = db.appender();
    for (const s of tg.input_series ?? []) {
      // promtool loads the series as a PromQL test script's `load` block ("  <series> <values>"
      // on its line 2), so a bad series fails the group with the parser's error on that line.
      let labels: Labels;
      let values: ReturnType<typeof expandSeriesValues>;
      try {
        labels = parseSeriesLine(`${s.series} ${s.values}`).labels;
        values = expandSeriesValues(s.values);
      } catch (e) {
        return [(e as Error).message.replace(/^(\d+):/, (_, l: string) => `${Number(l) + 1}:`)];
      }
      values.forEach((v, i) => {
        if (v === null) return;
        app.append(0, labels, i * interval, v === 'stale' ? STALE_NAN : v);
      });
    }
    await app.commit();
    // Rule groups, in group_eval_order when given.
    const externalLabels = Labels.fromObject(tg.external_labels ?? {});
    // Prometheus 2.48 passes the group's external_url as given: empty when unset.
    const externalURL = tg.external_url ?? '';
    const groups: RuleGroup[] = [];
    const metrics = new RuleMetrics();
    for (const f of ruleFiles) {
      const { groups: defs, errors } = parseRuleFile(f);
      if (errors.length > 0) return errors.map((e) => e.message);
      for (const def of defs) {
        groups.push(
          new RuleGroup({
            file: f,
            def,
            interval: def.interval > 0 ? def.interval : evalInterval,
            queryable: db,
            appendable: db,
            engine,
            notify: () => {},
            externalLabels,
            externalURL,
            logger: nopLogger,
            metrics,
            outageTolerance: 3_600_000,
            forGracePeriod: 600_000,
            resendDelay: 60_000,
          }),
        );
      }
    }
    if (order.length > 0) groups.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const alertTests = tg.alert_rule_test ?? [];
    const exprTests = tg.promql_expr_test ?? [];
    const errs: string[] = [];
    const alertTimes = new Map<number, AlertTest[]>();
    let maxT = 0;
    for (const at of alertTests) {
      if (!at.alertname) {
        return [
          `an item under alert_rule_test misses required attribute alertname at eval_time ${goDur(at.eval_time)}${tg.name ? ` (in TestGroup ${tg.name})` : ''}`,
        ];
      }
      const t = parseDuration(at.eval_time);
      if (t % evalInterval !== 0) {
        errs.push(
          `    eval_time ${at.eval_time} is not a multiple of evaluation interval ${formatDuration(evalInterval)}`,
        );
        continue;
      }
      alertTimes.set(t, [...(alertTimes.get(t) ?? []), at]);
      maxT = Math.max(maxT, t);
    }
    for (const et of exprTests) maxT = Math.max(maxT, parseDuration(et.eval_time));
    for (let ts = 0; ts <= maxT; ts += evalInterval) {
      for (const g of groups) {
        // A group evaluates on its own interval's boundaries.
        if (ts % g.interval === 0) await g.evalAt(ts);
      }
      for (const at of alertTimes.get(ts) ?? []) {
        const got: { labels: Record<string, string>; annotations: Record<string, string> }[] = [];
        for (const g of groups) {
          for (const r of g.rules) {
            if (!(r instanceof AlertingRule) || r.name !== at.alertname) continue;
            for (const a of r.activeAlerts())
              if (a.state === 'firing')
                got.push({ labels: a.labels.toObject(), annotations: a.annotations.toObject() });
          }
        }
        const exp = (at.exp_alerts ?? []).map((e) => ({
          labels: { ...(e.exp_labels ?? {}), alertname: at.alertname },
          annotations: e.exp_annotations ?? {},
        }));
        sortByLabels(got);
        sortByLabels(exp);
        const same =
          got.length === exp.length &&
          got.every(
            (g, i) =>
              labelsString(g.labels) === labelsString(exp[i]!.labels) &&
              labelsString(g.annotations) === labelsString(exp[i]!.annotations),
          );
        if (!same) {
          errs.push(
            `${tg.name ? `    name: ${tg.name},\n` : ''}    alertname: ${at.alertname}, time: ${goDur(at.eval_time)}, \n        exp:${indentLines(alertsString(exp), '            ')}, \n        got:${indentLines(alertsString(got), '            ')}`,
          );
        }
      }
    }
    for (const et of exprTests) {
      const t = parseDuration(et.eval_time);
      let got: { labels: Labels; value: number }[];
      try {
        const res = await engine.newInstantQuery(db, et.expr, t).exec();
        const v = res.value;
        if (v.type === 'vector') got = v.samples.map((s) => ({ labels: s.metric, value: s.f }));
        else if (v.type === 'scalar') got = [{ labels: Labels.EMPTY, value: v.v }];
        else throw new Error(`rule result is not a vector or scalar: "${v.type}"`);
      } catch (e) {
        errs.push(
          `    expr: ${JSON.stringify(et.expr)}, time: ${goDur(et.eval_time)}, err: ${(e as Error).message}`,
        );
        continue;
      }
      let exp: { labels: Labels; value: number }[];
      let badLabels = '';
      try {
        exp = (et.exp_samples ?? []).map((s) => {
          badLabels = s.labels;
          const ms = s.labels === '' ? [] : parseMetricSelector(s.labels);
          const o: Record<string, string> = {};
          for (const m of ms) o[m.name] = m.value;
          return {
            labels: Labels.fromObject(o),
            value: typeof s.value === 'number' ? s.value : Number(s.value),
          };
        });
      } catch (e) {
        errs.push(
          `    expr: ${JSON.stringify(et.expr)}, time: ${goDur(et.eval_time)}, err: labels ${goQuote(badLabels)}: ${(e as Error).message}`,
        );
        continue;
      }
      got.sort((a, b) => compareLabels(a.labels, b.labels));
      exp.sort((a, b) => compareLabels(a.labels, b.labels));
      const same =
        got.length === exp.length &&
        got.every((g, i) => g.labels.equals(exp[i]!.labels) && almostEqual(exp[i]!.value, g.value));
      if (!same)
        errs.push(
          `    expr: ${JSON.stringify(et.expr)}, time: ${goDur(et.eval_time)},\n        exp: ${samplesString(exp)}\n        got: ${samplesString(got)}`,
        );
    }
    for (const g of groups) await g.stop(false);
    return errs;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
