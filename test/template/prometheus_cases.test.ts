// Template expansion cases with the outputs Prometheus 2.48's template package expects of them
// (template/template_test.go: inputs and expected texts only). List inputs there are ranged over;
// here each element is written as a literal, which Go's parser types the same way (int or float).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, checkTemplate, type QueryFunc } from '../../src/template/index.ts';

const NAME = 'test';
// Prometheus prepends this to every alert template, so run-time error columns on line 1 move right by its length.
const PREAMBLE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';
const shiftCol = (msg: string) =>
  msg.replace(/test:1:(\d+):/, (_, c: string) => `test:1:${Number(c) + PREAMBLE.length}:`);
const data = {
  labels: {},
  externalLabels: {},
  externalURL: 'http://testhost:9090/path/prefix',
  value: 0,
};
function expand(text: string, query?: QueryFunc): Promise<string> {
  return expandTemplate(NAME, text, data, {
    timestamp: 0,
    externalURL: data.externalURL,
    ...(query ? { query } : {}),
  });
}
const vec =
  (...s: [Record<string, string>, number][]): QueryFunc =>
  async () =>
    s.map(([metric, value]) => ({ metric, value }));
const eachOf = (fn: string, lits: string[]) => lits.map((l) => `{{ ${fn} ${l} }}:`).join('');

const cases: { text: string; output: string; query?: QueryFunc }[] = [
  { text: 'plain text', output: 'plain text' },
  { text: '{{ 1 }}', output: '1' },
  { text: '{{ "<b>" }}', output: '<b>' },
  { text: '{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}', output: '1 2' },
  { text: '{{ query "1.5" | first | value }}', output: '1.5', query: vec([{}, 1.5]) },
  {
    text: `{{ query "metric{instance='a'}" | first | value }}`,
    output: '11',
    query: vec([{ __name__: 'metric', instance: 'a' }, 11]),
  },
  {
    text: `{{ query "metric{instance='a'}" | first | label "instance" }}`,
    output: 'a',
    query: vec([{ __name__: 'metric', instance: 'a' }, 11]),
  },
  {
    text: `{{ query "metric{__value__='a'}" | first | strvalue }}`,
    output: 'a',
    query: vec([{ __name__: 'metric', __value__: 'a' }, 11]),
  },
  {
    text: `{{ query "metric{instance='a'}" | first | label "foo" }}`,
    output: '',
    query: vec([{ __name__: 'metric', instance: 'a' }, 11]),
  },
  {
    text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}',
    output: '',
    query: vec([{ __name__: 'metric', instance: 'a' }, 11]),
  },
  {
    text: '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    output: 'a:11: b:21: ',
    query: vec(
      [{ __name__: 'metric', instance: 'b' }, 21],
      [{ __name__: 'metric', instance: 'a' }, 11],
    ),
  },
  { text: '{{ "foo.example.com" | stripPort }}', output: 'foo.example.com' },
  { text: '{{ "foo.example.com:12345" | stripPort }}', output: 'foo.example.com' },
  { text: '{{ "192.0.2.1" | stripPort }}', output: '192.0.2.1' },
  { text: '{{ "192.0.2.1:12345" | stripPort }}', output: '192.0.2.1' },
  { text: '{{ "2001:0DB8::1" | stripPort }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]:12345" | stripPort }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]::12345" | stripPort }}', output: '[2001:0DB8::1]::12345' },
  { text: '{{ reReplaceAll "(a)b" "x$1" "ab" }}', output: 'xa' },
  { text: eachOf('humanize', ['0.0', '1.0', '1234567.0', '.12']), output: '0:1:1.235M:120m:' },
  {
    text: eachOf('humanize', ['"0.0"', '"1.0"', '"1234567.0"', '".12"']),
    output: '0:1:1.235M:120m:',
  },
  { text: eachOf('humanize', ['0', '-1', '1', '1234567']), output: '0:-1:1:1.235M:' },
  { text: eachOf('humanize1024', ['0.0', '1.0', '1048576.0', '.12']), output: '0:1:1Mi:0.12:' },
  {
    text: eachOf('humanize1024', ['"0.0"', '"1.0"', '"1048576.0"', '".12"']),
    output: '0:1:1Mi:0.12:',
  },
  { text: eachOf('humanize1024', ['0', '-1', '1', '1234567']), output: '0:-1:1:1.177Mi:' },
  {
    text: eachOf('humanizeDuration', [
      '0.0',
      '1.0',
      '60.0',
      '3600.0',
      '86400.0',
      '90000.0',
      '-183845.0',
      '899.99',
    ]),
    output: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:',
  },
  {
    text: eachOf('humanizeDuration', ['"0"', '"1"', '"60"', '"3600"', '"86400"']),
    output: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:',
  },
  {
    text: eachOf('humanizeDuration', ['.1', '.0001', '.12345', '60.1', '60.5', '1.2345', '12.345']),
    output: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:',
  },
  {
    text: eachOf('humanizeDuration', [
      '".1"',
      '".0001"',
      '".12345"',
      '"60.1"',
      '"60.5"',
      '"1.2345"',
      '"12.345"',
    ]),
    output: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:',
  },
  {
    text: eachOf('humanizeDuration', ['0', '-1', '1', '1234567']),
    output: '0s:-1s:1s:14d 6h 56m 7s:',
  },
  {
    text: ['"+Inf"', '"-Inf"', '"NaN"']
      .map(
        (x) =>
          `{{ humanize ${x} }}:{{ humanize1024 ${x} }}:{{ humanizeDuration ${x} }}:{{ humanizeTimestamp ${x} }}:`,
      )
      .join(''),
    output: '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  },
  {
    text: '{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}',
    output: '-22.22%:0%:12.35%:123.5%',
  },
  {
    text: eachOf('humanizePercentage', ['0', '-1', '1', '1234567']),
    output: '0%:-100%:100%:1.235e+08%:',
  },
  {
    text: '{{ "-0.22222" | humanizePercentage }}:{{ "0.0" | humanizePercentage }}:{{ "0.1234567" | humanizePercentage }}:{{ "1.23456" | humanizePercentage }}',
    output: '-22.22%:0%:12.35%:123.5%',
  },
  {
    text: eachOf('humanizeTimestamp', ['0', '-1', '1', '1234567', '9223372036']),
    output:
      '1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  },
  { text: '{{ 1435065584.128 | humanizeTimestamp }}', output: '2015-06-23 13:19:44.128 +0000 UTC' },
  {
    text: '{{ "1435065584.128" | humanizeTimestamp }}',
    output: '2015-06-23 13:19:44.128 +0000 UTC',
  },
  { text: '{{ (1435065584.128 | toTime).Format "2006" }}', output: '2015' },
  { text: '{{ ("1435065584.128" | toTime).Format "2006" }}', output: '2015' },
  { text: '{{ "aa bb CC" | title }}', output: 'Aa Bb CC' },
  { text: '{{ "aa bb CC" | toUpper }}', output: 'AA BB CC' },
  { text: '{{ "aA bB CC" | toLower }}', output: 'aa bb cc' },
  { text: '{{ match "a+" "aa" }} {{ match "a+" "b" }}', output: 'true false' },
  { text: '{{ graphLink "up" }}', output: '/graph?g0.expr=up&g0.tab=0' },
  { text: '{{ tableLink "up" }}', output: '/graph?g0.expr=up&g0.tab=1' },
  { text: '{{ pathPrefix }}', output: '/path/prefix' },
  { text: '{{ externalURL }}', output: 'http://testhost:9090/path/prefix' },
  { text: '{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', output: '3720.01' },
  { text: '{{ "foo.example.com" | stripDomain }}', output: 'foo' },
  { text: '{{ "foo.example.com:12345" | stripDomain }}', output: 'foo:12345' },
  { text: '{{ "192.0.2.1" | stripDomain }}', output: '192.0.2.1' },
  { text: '{{ "192.0.2.1:12345" | stripDomain }}', output: '192.0.2.1:12345' },
];

const failures: { text: string; error: string; query?: QueryFunc }[] = [
  {
    text: '{{\u00a0}}',
    error:
      'error parsing template test: template: test:1: unrecognized character in action: U+00A0',
  },
  { text: '{{', error: 'error parsing template test: template: test:1: unclosed action' },
  {
    text: '{{ template "nope" }}',
    error:
      'error executing template test: template: test:1:12: executing "test" at <{{template "nope"}}>: template "nope" not defined',
  },
  {
    text: '{{ query "missing" | first }}',
    error:
      'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements',
    query: vec(),
  },
  {
    text: '{{ humanize "one" }}',
    error:
      'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ humanize1024 "one" }}',
    error:
      'error executing template test: template: test:1:3: executing "test" at <humanize1024 "one">: error calling humanize1024: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ humanizeDuration "one" }}',
    error:
      'error executing template test: template: test:1:3: executing "test" at <humanizeDuration "one">: error calling humanizeDuration: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ "one" | humanizePercentage }}',
    error:
      'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax',
  },
];

test("Prometheus's template expansion cases", async () => {
  const wrong: string[] = [];
  for (const c of cases) {
    try {
      const got = await expand(c.text, c.query);
      if (got !== c.output)
        wrong.push(
          `${c.text}\n   got  ${JSON.stringify(got)}\n   want ${JSON.stringify(c.output)}`,
        );
    } catch (e) {
      wrong.push(`${c.text}\n   threw ${(e as Error).message}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('time values: toTime and Go layouts', async () => {
  assert.equal(
    await expand('{{ (toTime 1435065584.128).Format "2006-01-02T15:04:05.000Z07:00" }}'),
    '2015-06-23T13:19:44.128Z',
  );
  assert.equal(
    await expand('{{ (toTime 1435065584).Format "Mon Jan _2 03:04:05 PM MST 2006" }}'),
    'Tue Jun 23 01:19:44 PM UTC 2015',
  );
  assert.equal(
    await expand('{{ (toTime 1435065584).Unix }} {{ (toTime 1435065584).Year }}'),
    '1435065584 2015',
  );
  assert.equal(await expand('{{ toTime 1435065584 }}'), '2015-06-23 13:19:44 +0000 UTC');
  assert.equal(
    await expand(
      '{{ printf "%d" (toTime 1435065584.5).UnixMilli }} {{ humanize (toTime 1435065584).Unix }}',
    ),
    '1435065584500 1.435G',
  );
});

test('Go keeps integer constants and floats apart, as text/template does', async () => {
  // $value is a float64: comparing it with an integer constant fails in Prometheus; 1.0 works.
  await assert.rejects(
    expandTemplate(
      '__alert_A',
      '{{ if gt $value 1 }}big{{ end }}',
      { ...data, value: 2 },
      { timestamp: 0 },
    ),
    (e: Error) =>
      e.message ===
      'error executing template __alert_A: template: __alert_A:1:118: executing "__alert_A" at <gt $value 1>: error calling gt: incompatible types for comparison',
  );
  assert.equal(
    await expandTemplate(
      '__alert_A',
      '{{ if gt $value 1.0 }}big{{ end }}',
      { ...data, value: 2 },
      { timestamp: 0 },
    ),
    'big',
  );
  await assert.rejects(
    expand('{{ eq 1 1.0 }}'),
    /error calling eq: incompatible types for comparison/,
  );
  assert.equal(
    await expand(
      '{{ if gt (len "abc") 2 }}long{{ end }} {{ len "abc" | printf "%d" }} {{ printf "%.1f" 3 }} {{ printf "%05d" 42 }}',
    ),
    'long 3 %!f(int=3) 00042',
  );
  assert.equal(await expand('{{ 1e3 }} {{ 1000 }} {{ 0x1F }} {{ -5 }}'), '1000 1000 31 -5');
});

test("Prometheus's template failure cases, worded as Go words them", async () => {
  const wrong: string[] = [];
  for (const c of failures) {
    try {
      const got = await expand(c.text, c.query);
      wrong.push(`${c.text}: expanded to ${JSON.stringify(got)}`);
    } catch (e) {
      if ((e as Error).message !== shiftCol(c.error))
        wrong.push(`${c.text}\n   got  ${(e as Error).message}\n   want ${c.error}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.match(checkTemplate(NAME, '{{')!.message, /unclosed action/);
});
