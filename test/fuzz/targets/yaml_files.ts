// The YAML loaders: prometheus.yml through the config package's public entry point (refusal:
// ConfigError), rule files (parseRules reports every problem in its error list and never throws),
// and relabeling (configs loaded from YAML, then applied: applying never throws and is
// deterministic). Inputs are YAML-shaped trees of the files' own keys with values of every kind.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfig, ConfigError } from '../../../src/config/index.js';
import { parseRules } from '../../../src/model/rulefmt/index.js';
import { relabel } from '../../../src/model/relabel/index.js';
import { Labels } from '../../../src/model/labels/index.js';
import { asBytes, labelName, labelValue, nearValidText } from '../arbitraries.js';
import { PropertyViolation, text, type Target } from '../target.js';
import { promqlExpr } from './promql_grammar.js';

const scalar = fc.oneof(
  fc.constantFrom(
    '15s',
    '1m',
    '0s',
    '-1s',
    '5m30s',
    'abc',
    '',
    'http',
    'https',
    '/metrics',
    'localhost:9090',
    'http://localhost:9090/api',
    '10MB',
    '1KiB',
    'replace',
    'keep',
    'drop',
    'labelmap',
    'hashmod',
    'lowercase',
    '(.*)',
    '(',
    '$1',
    '${1}x',
    'a;b',
    'job',
    '__address__',
  ),
  fc.integer({ min: -2, max: 1e6 }),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
);
/** Any YAML value, a little of every shape. */
const anyValue = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { maxDepth: 3 },
    { weight: 5, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(labelName, tie('v'), { maxKeys: 3 }) },
  ),
})).v;
/** A mapping of some of the given keys (plus, rarely, an unknown one), each with a value of its own arbitrary or of any kind. */
function mapping(
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  return fc
    .tuple(
      fc.subarray(keys, { maxLength: Math.min(keys.length, 6) }),
      fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      fc.array(anyValue, { minLength: 8, maxLength: 8 }),
      fc.option(fc.constantFrom('bogus_field', 'honor_labelz')),
    )
    .chain(([ks, wild, vals, unknown]) =>
      fc.tuple(...ks.map((k) => fields[k]!)).map((own) => {
        const o: Record<string, unknown> = {};
        ks.forEach((k, i) => (o[k] = wild[i % 8] && i % 3 === 0 ? vals[i % 8] : own[i]));
        if (unknown) o[unknown] = 1;
        return o;
      }),
    );
}

const labelsMap = fc.dictionary(labelName, labelValue, { maxKeys: 3 });
const relabelConfig = mapping({
  source_labels: fc.array(labelName, { maxLength: 3 }),
  separator: fc.constantFrom(';', '', ',', '\\'),
  regex: fc.constantFrom(
    '(.*)',
    '(.+):(\\d+)',
    'a|b',
    '__meta_(.+)',
    '(?P<x>.)',
    '(?i)A',
    '[',
    '\\p{L}+',
    '(a*)*b',
    '',
  ),
  target_label: fc.oneof(labelName, fc.constantFrom('${1}', '$x_y', 'a-b', '')),
  replacement: fc.constantFrom('$1', '${1}', '$2', '$$', '$x', '', 'lit', '${1}:80', '$'),
  modulus: fc.integer({ min: 0, max: 1000 }),
  action: fc.constantFrom(
    'replace',
    'keep',
    'drop',
    'keepequal',
    'dropequal',
    'hashmod',
    'labelmap',
    'labeldrop',
    'labelkeep',
    'lowercase',
    'uppercase',
    'Replace',
    'bogus',
  ),
});
const relabelList = fc.array(relabelConfig, { maxLength: 4 });
const duration = fc.constantFrom('15s', '1m', '10s', '0s', '1h', 'x', '30');
const httpClient = {
  basic_auth: mapping({
    username: fc.constant('u'),
    password: fc.constant('p'),
    password_file: fc.constant('/nonexistent'),
  }),
  authorization: mapping({
    type: fc.constantFrom('Bearer', 'basic'),
    credentials: fc.constant('c'),
  }),
  bearer_token: fc.constant('t'),
  tls_config: mapping({
    insecure_skip_verify: fc.boolean(),
    min_version: fc.constantFrom('TLS12', 'TLS10', 'TLS99'),
    ca_file: fc.constant('/x'),
  }),
  proxy_url: fc.constantFrom('http://proxy:3128', '::', ''),
  follow_redirects: fc.boolean(),
};
const scrapeConfig = mapping({
  job_name: fc.constantFrom('prometheus', 'node', 'a', ''),
  scrape_interval: duration,
  scrape_timeout: duration,
  metrics_path: fc.constantFrom('/metrics', 'metrics', ''),
  scheme: fc.constantFrom('http', 'https', 'ftp'),
  honor_labels: fc.boolean(),
  params: fc.dictionary(labelName, fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), {
    maxKeys: 2,
  }),
  static_configs: fc.array(
    mapping({
      targets: fc.array(fc.constantFrom('localhost:9090', 'a:1', 'http://x', ''), { maxLength: 3 }),
      labels: labelsMap,
    }),
    { maxLength: 2 },
  ),
  file_sd_configs: fc.array(
    mapping({
      files: fc.array(fc.constantFrom('t.json', 'x/*.yml', 'bad.txt'), { maxLength: 2 }),
      refresh_interval: duration,
    }),
    { maxLength: 1 },
  ),
  relabel_configs: relabelList,
  metric_relabel_configs: relabelList,
  sample_limit: fc.integer({ min: -1, max: 1000 }),
  body_size_limit: fc.constantFrom('10MB', '0', 'abc', '1KiB'),
  ...httpClient,
});
const prometheusYml = mapping({
  global: mapping({
    scrape_interval: duration,
    scrape_timeout: duration,
    evaluation_interval: duration,
    external_labels: labelsMap,
    query_log_file: fc.constant('q.log'),
    body_size_limit: fc.constantFrom('1MB', 'x'),
  }),
  rule_files: fc.array(fc.constantFrom('rules/*.yml', 'a.yml', '[', '/etc/x/**.yml'), {
    maxLength: 2,
  }),
  scrape_configs: fc.array(scrapeConfig, { maxLength: 3 }),
  alerting: mapping({
    alert_relabel_configs: relabelList,
    alertmanagers: fc.array(
      mapping({
        static_configs: fc.array(
          mapping({ targets: fc.array(fc.constant('am:9093'), { maxLength: 1 }) }),
          { maxLength: 1 },
        ),
        api_version: fc.constantFrom('v1', 'v2', 'v3'),
        path_prefix: fc.constant('/am'),
        timeout: duration,
      }),
      { maxLength: 2 },
    ),
  }),
  remote_write: fc.array(
    mapping({
      url: fc.constantFrom('http://rw:9201/write', 'ftp://x', ''),
      name: fc.constantFrom('a', ''),
      write_relabel_configs: relabelList,
      queue_config: mapping({
        capacity: fc.integer({ min: -1, max: 10000 }),
        max_shards: fc.integer({ min: 0, max: 50 }),
      }),
      ...httpClient,
    }),
    { maxLength: 2 },
  ),
  remote_read: fc.array(
    mapping({
      url: fc.constantFrom('http://rr:9201/read', ''),
      read_recent: fc.boolean(),
      required_matchers: labelsMap,
    }),
    { maxLength: 1 },
  ),
  storage: mapping({
    tsdb: mapping({ out_of_order_time_window: duration }),
    exemplars: mapping({ max_exemplars: fc.integer({ min: -1, max: 10 }) }),
  }),
});

const YAML_TOKENS = [
  '\n  ',
  '\n- ',
  ': ',
  '- ',
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!int ',
  '? ',
  '|\n  ',
  '>-\n  ',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  '#',
  '---\n',
  '...\n',
  '\t',
  'null',
  '~',
  'true',
  '0x10',
  '1e3',
  '.inf',
];

export const config: Target = {
  name: 'config',
  text: true,
  hangMs: 5000,
  arbitrary: asBytes(nearValidText(prometheusYml.map((o) => stringify(o)))),
  tokens: [
    ...YAML_TOKENS,
    'scrape_configs:',
    'job_name: ',
    'relabel_configs:',
    'static_configs:',
    'targets: ',
    'global:',
    'remote_write:',
    'url: ',
  ],
  run: (input) => void loadConfig(text(input), 'fuzz.yml'),
  expected: (e) => e instanceof ConfigError,
};

const ruleLabels = fc.dictionary(
  labelName,
  fc.constantFrom(
    'critical',
    '{{ $labels.job }}',
    '{{ $value | humanize }}',
    '{{ .Bad',
    '{{ range }}',
    'x',
  ),
  { maxKeys: 2 },
);
const rule = fc.oneof(
  mapping({
    record: fc.constantFrom('job:up:sum', 'bad name', ''),
    expr: promqlExpr,
    labels: ruleLabels,
  }),
  mapping({
    alert: fc.constantFrom('Down', 'bad name', ''),
    expr: promqlExpr,
    for: duration,
    keep_firing_for: duration,
    labels: ruleLabels,
    annotations: ruleLabels,
  }),
);
const ruleFile = fc.record({
  groups: fc.array(
    mapping({
      name: fc.constantFrom('g', 'h', ''),
      interval: duration,
      limit: fc.integer({ min: -1, max: 10 }),
      rules: fc.array(rule, { maxLength: 3 }),
    }),
    { maxLength: 3 },
  ),
});

export const rules: Target = {
  name: 'rules',
  text: true,
  hangMs: 5000,
  arbitrary: asBytes(nearValidText(ruleFile.map((o) => stringify(o)))),
  tokens: [
    ...YAML_TOKENS,
    'groups:',
    'rules:',
    'record: ',
    'alert: ',
    'expr: ',
    'for: ',
    'labels:',
    'annotations:',
    '{{ ',
    ' }}',
    '$labels',
    '$value',
  ],
  run: (input) => void parseRules(text(input), 'fuzz.rules.yml'),
  expected: () => false,
};

const LABEL_SETS = [
  Labels.fromStrings(
    '__address__',
    'localhost:9090',
    'job',
    'node',
    '__meta_x',
    'A b',
    '__scheme__',
    'http',
  ),
  Labels.fromStrings('__name__', 'up', 'instance', 'a:1', 'le', '0.5', 'x', ''),
  Labels.EMPTY,
];

/** The input is a relabel_configs YAML list; it is loaded as a scrape config's and applied to a few label sets. */
export const relabeling: Target = {
  name: 'relabel',
  text: true,
  hangMs: 5000,
  arbitrary: asBytes(nearValidText(relabelList.map((l) => stringify(l)))),
  tokens: [
    ...YAML_TOKENS,
    'source_labels: ',
    'regex: ',
    'action: ',
    'replacement: ',
    'target_label: ',
    'modulus: ',
    'separator: ',
    '$1',
    '${1}',
    '(.*)',
    '(?i)',
  ],
  run(input) {
    const indented = text(input).replace(/\n/g, '\n      ');
    const cfg = loadConfig(
      `scrape_configs:\n  - job_name: j\n    relabel_configs:\n      ${indented}\n`,
      'fuzz.yml',
    );
    const cfgs = cfg.scrape_configs[0]?.relabel_configs ?? [];
    for (const ls of LABEL_SETS) {
      const a = relabel(ls, cfgs);
      const b = relabel(ls, cfgs);
      if ((a === null) !== (b === null) || (a !== null && !a.equals(b!)))
        throw new PropertyViolation('relabeling the same labels twice gave different results');
    }
  },
  expected: (e) => e instanceof ConfigError,
};
