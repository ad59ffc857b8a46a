// Alert templates: Go text/template semantics and Prometheus's template functions, with the
// outputs Prometheus's documentation and tests give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, checkTemplate } from '../../src/template/index.ts';

const data = {
  labels: { job: 'node', instance: 'host-1.example.com:9100', severity: 'page' },
  externalLabels: { cluster: 'eu' },
  externalURL: 'http://prom.example:9090/prefix',
  value: 0.254,
};
const run = (t: string, value: number | string = data.value) =>
  expandTemplate(
    '__alert_Test',
    t,
    { ...data, value },
    {
      timestamp: 1_700_000_000_000,
      query: async (q) =>
        q === 'up'
          ? [
              { metric: { __name__: 'up', job: 'a' }, value: 1 },
              { metric: { __name__: 'up', job: 'b' }, value: 0 },
            ]
          : [],
    },
  );

test('labels, value, external labels and URL', async () => {
  assert.equal(
    await run('{{ $labels.job }} on {{ $labels.instance }} is {{ $value }}'),
    'node on host-1.example.com:9100 is 0.254',
  );
  assert.equal(
    await run('{{ $externalLabels.cluster }} {{ $externalURL }}'),
    'eu http://prom.example:9090/prefix',
  );
  assert.equal(await run('[{{ $labels.nope }}]'), '[]');
  assert.equal(await run('{{ .Labels.job }}/{{ .Value }}'), 'node/0.254');
});

test('control structures, variables, pipelines, whitespace trimming, comments', async () => {
  assert.equal(
    await run('{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}medium{{ else }}low{{ end }}'),
    'medium',
  );
  assert.equal(
    await run(
      '{{ with $labels.severity }}sev={{ . }}{{ end }}{{ with $labels.nope }}never{{ else }}-none{{ end }}',
    ),
    'sev=page-none',
  );
  assert.equal(
    await run('{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}'),
    'instance=host-1.example.com:9100 job=node severity=page ',
  );
  assert.equal(await run('{{ $x := "a" }}{{ $x = "b" }}{{ $x }}'), 'b');
  assert.equal(await run('a  {{- /* note */ -}}  b'), 'ab');
  assert.equal(await run('{{ "x" | printf "%s-%s" "y" }}'), 'y-x');
  assert.equal(
    await run('{{ define "t" }}<{{ . }}>{{ end }}{{ template "t" $labels.job }}'),
    '<node>',
  );
  assert.equal(
    await run(
      '{{ and 1 0 }} {{ or 0 "" "z" }} {{ not true }} {{ len "abc" }} {{ index $labels "job" }}',
    ),
    '0 z false 3 node',
  );
  assert.equal(
    await run('{{ eq $labels.job "node" "x" }} {{ ne 1 2 }} {{ le 1 1 }}'),
    'true true true',
  );
});

test("Prometheus's functions", async () => {
  assert.equal(
    await run('{{ humanize 1234567.0 }} {{ humanize 0.000012 }} {{ humanize 0 }}'),
    '1.235M 12u 0',
  );
  assert.equal(await run('{{ humanize1024 1048576 }} {{ humanize1024 512 }}'), '1Mi 512');
  assert.equal(
    await run(
      '{{ humanizeDuration 0 }} {{ humanizeDuration 59.5 }} {{ humanizeDuration 3661 }} {{ humanizeDuration 90061 }} {{ humanizeDuration 0.25 }}',
    ),
    '0s 59.5s 1h 1m 1s 1d 1h 1m 1s 250ms',
  );
  assert.equal(await run('{{ humanizePercentage $value }}'), '25.4%');
  assert.equal(
    await run('{{ humanizeTimestamp 1435065584.128 }}'),
    '2015-06-23 13:19:44.128 +0000 UTC',
  );
  assert.equal(
    await run(
      '{{ printf "%.1f" $value }} {{ printf "%d items" 3 }} {{ printf "%q" "a" }} {{ printf "%5s|" "ab" }}',
    ),
    '0.3 3 items "a"    ab|',
  );
  assert.equal(
    await run('{{ stripPort $labels.instance }} {{ stripDomain $labels.instance }}'),
    'host-1.example.com host-1:9100',
  );
  assert.equal(
    await run('{{ toUpper "a" }}{{ toLower "B" }} {{ title "hello world" }}'),
    'Ab Hello World',
  );
  assert.equal(
    await run('{{ reReplaceAll "(.*)-(\\\\d)" "$2:$1" "host-1" }} {{ match "^h" "host" }}'),
    '1:host true',
  );
  assert.equal(
    await run('{{ pathPrefix }} {{ externalURL }}'),
    '/prefix http://prom.example:9090/prefix',
  );
  assert.equal(await run('{{ parseDuration "1h30m" }}'), '5400');
  assert.equal(await run('{{ tableLink "up == 0" }}'), '/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
  assert.equal(
    await run('{{ range query "up" }}{{ .Labels.job }}={{ .Value }};{{ end }}'),
    'a=1;b=0;',
  );
  assert.equal(await run('{{ with query "up" }}{{ . | first | label "job" }}{{ end }}'), 'a');
  assert.equal(
    await run('{{ range sortByLabel "job" (query "up") }}{{ label "job" . }}{{ end }}'),
    'ab',
  );
  assert.equal(await run('{{ (args 1 "x").arg1 }}'), 'x');
  assert.equal(await run('{{ $value | humanize }}', 1e21), '1Z');
});

test('errors: unknown functions and bad syntax are parse errors; failures at run time name the place', async () => {
  assert.match(
    checkTemplate('__alert_X', '{{ nosuch 1 }}')!.message,
    /function "nosuch" not defined/,
  );
  assert.match(checkTemplate('__alert_X', '{{ if }}')!.message, /error parsing template __alert_X/);
  assert.equal(checkTemplate('__alert_X', '{{ $labels.job }}'), null);
  await assert.rejects(
    run('{{ first (query "nothing") }}'),
    /error executing template __alert_Test: .*first\(\) called on vector with no elements/,
  );
  await assert.rejects(run('{{ humanize "abc" }}'), /error calling humanize/);
});
