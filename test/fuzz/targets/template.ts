// Template expansion of alert labels and annotations. Refusal: TemplateError — whose cause (the
// error it wraps) must itself be the template engine's or a template function's, not a
// JavaScript fault (TypeError, RangeError: "Maximum call stack", ...), which expandTemplate would
// otherwise pass off as an ordinary template error.
import fc from 'fast-check';
import { expandTemplate, TemplateError } from '../../../src/template/index.js';
import { asBytes, nearValidText } from '../arbitraries.js';
import { text, type Target } from '../target.js';

const FUNCS = [
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'toUpper',
  'toLower',
  'title',
  'safeHtml',
  'stripPort',
  'stripDomain',
  'pathPrefix',
  'externalURL',
  'parseDuration',
  'toTime',
  'first',
  'label "instance"',
  'value',
  'strvalue',
  'tableLink',
  'graphLink',
  'len',
  'html',
  'js',
  'urlquery',
  'print',
  'println',
  'not',
];
const operand = fc.constantFrom(
  '$labels.job',
  '$labels.instance',
  '$labels',
  '$value',
  '$externalLabels',
  '$externalURL',
  '.',
  '.Labels',
  '.Value',
  '1',
  '-1.5',
  '"s"',
  '`raw`',
  "'c'",
  'true',
  'nil',
  '0x10',
  '1e3',
  '$x',
  '(query "up")',
  '(query "up" | first)',
);
const pipeline = fc
  .tuple(operand, fc.array(fc.constantFrom(...FUNCS), { maxLength: 2 }))
  .map(([o, fs]) => [o, ...fs].join(' | '));
const action: fc.Arbitrary<string> = fc.letrec<{ a: string }>((tie) => ({
  a: fc.oneof(
    { maxDepth: 3 },
    { weight: 5, arbitrary: pipeline.map((p) => `{{ ${p} }}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text ',
        ' ',
        '\n',
        '{{/* c */}}',
        '{{- " trim" -}}',
        '{{ printf "%.2f %s %d %v %q" 1.5 "a" 3 $labels "q" }}',
        '{{ $x := 1 }}{{ $x }}',
        '{{ index $labels "job" }}',
        '{{ reReplaceAll "(a+)" "$1b" "aaa" }}',
        '{{ match "a.*" "abc" }}',
        '{{ args 1 "a" }}',
        '{{ eq 1 1 }}',
        '{{ lt 1 "a" }}',
        '{{ slice "abc" 1 2 }}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(pipeline, tie('a'), tie('a'))
        .map(([p, x, y]) => `{{ if ${p} }}${x}{{ else }}${y}{{ end }}`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(pipeline, tie('a')).map(([p, x]) => `{{ with ${p} }}${x}{{ end }}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('query "up"', '$labels', '"abc"', '1', 'args 1 2'), tie('a'))
        .map(([p, x]) => `{{ range $i, $e := ${p} }}${x}{{ end }}`),
    },
    {
      weight: 1,
      arbitrary: tie('a').map((x) => `{{ define "t" }}${x}{{ end }}{{ template "t" . }}`),
    },
  ),
})).a;
const tmpl = fc.array(action, { maxLength: 5 }).map((as) => as.join(''));

const query = async (q: string): Promise<{ metric: Record<string, string>; value: number }[]> =>
  q === 'up'
    ? [
        { metric: { __name__: 'up', instance: 'a:9090', job: 'node' }, value: 1 },
        { metric: { instance: 'b:9090' }, value: NaN },
      ]
    : [];

const JS_FAULTS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

export const template: Target = {
  name: 'template',
  text: true,
  hangMs: 5000,
  arbitrary: asBytes(nearValidText(tmpl)),
  tokens: [
    '{{',
    '}}',
    '{{-',
    '-}}',
    '{{ end }}',
    '{{ else }}',
    '{{ if ',
    '{{ range ',
    '{{ with ',
    '{{ define "t" }}',
    '{{ template "t" . }}',
    '{{ break }}',
    '{{ continue }}',
    '$labels',
    '.Value',
    ' | ',
    ' := ',
    '(',
    ')',
    '"',
    '`',
    ...FUNCS,
  ],
  async run(input) {
    await expandTemplate(
      'fuzz',
      text(input),
      {
        labels: { job: 'node', instance: 'a:9090' },
        externalLabels: { cluster: 'c' },
        externalURL: 'http://p:9090',
        value: 1.5,
      },
      { timestamp: 1.7e12, query },
    );
  },
  expected: (e) =>
    e instanceof TemplateError && !JS_FAULTS.some((F) => (e as Error).cause instanceof F),
};
