// Alert templates, differentially: one rule file with many annotation templates is loaded by the
// real Prometheus and by this server; the firing alert's labels and annotations, read back from
// /api/v1/alerts, are the same on both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, tempDir, startRealPrometheus } from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';

const ANNOTATIONS: Record<string, string> = {
  labels:
    '{{ $labels.job }} on {{ $labels.instance }} ({{ .Labels.instance }}) missing=[{{ $labels.nope }}]',
  value:
    '{{ $value }} {{ .Value }} {{ $value | humanize }} {{ humanizePercentage $value }} {{ printf "%.2f" $value }}',
  external: '{{ $externalLabels.cluster }} {{ $externalURL }} {{ externalURL }} {{ pathPrefix }}',
  control:
    '{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}medium{{ else }}low{{ end }} {{ with $labels.severity }}sev={{ . }}{{ end }}',
  range: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}',
  trim: 'a  {{- /* comment */ -}}  b {{ "x" }}   {{- "y" }}',
  strings:
    '{{ toUpper "abc" }} {{ toLower "ABC" }} {{ title "hello world" }} {{ stripPort $labels.instance }} {{ stripDomain $labels.instance }}',
  regex:
    '{{ reReplaceAll "(.*)-(\\\\d)\\\\..*" "$2/$1" $labels.instance }} {{ match "^host" $labels.instance }}',
  humanize:
    '{{ humanize 1234567.0 }} {{ humanize1024 1048576.0 }} {{ humanizeDuration 90061.0 }} {{ humanizeDuration 0.25 }} {{ humanizeTimestamp 1435065584.128 }}',
  query:
    '{{ with query "vector(42)" }}{{ . | first | value }}{{ end }} {{ range query "label_replace(vector(1), \\"j\\", \\"x\\", \\"\\", \\"\\")" }}{{ .Labels.j }}{{ end }}',
  links: '{{ graphLink "up == 0" }} | {{ tableLink "rate(x[5m])" }}',
  builtins:
    '{{ len "abcd" }} {{ index $labels "job" }} {{ and 1 0 }} {{ or 0 "z" }} {{ not true }} {{ eq $labels.job "api" "node" }} {{ print "a" 1 2 }} {{ html "<b>" }} {{ js "it\'s" }} {{ urlquery "a b" }}',
  printf: '{{ printf "%d|%5s|%-4s|%q|%x|%v|%g|%e" 42 "ab" "c" "q" 255 1.5 0.000012 1234.5 }}',
  vars: '{{ $x := "a" }}{{ $x = "b" }}{{ $x }} {{ define "t" }}<{{ . }}>{{ end }}{{ template "t" $labels.job }}',
  time: '{{ (toTime 1435065584.128).Format "2006-01-02T15:04:05Z07:00" }} {{ parseDuration "1h2m" }}',
  sorting:
    '{{ range sortByLabel "j" (query "label_replace(vector(1), \\"j\\", \\"b\\", \\"\\", \\"\\") or label_replace(vector(2), \\"j\\", \\"a\\", \\"\\", \\"\\")") }}{{ label "j" . }}={{ value . }},{{ end }}',
  special:
    '{{ humanize -1234.5 }} {{ humanize 1e-12 }} {{ humanizeDuration -90.0 }} {{ humanize1024 -2048.0 }} {{ 1e21 }} {{ 0.1 }} {{ 100000000.0 }}',
  failing: '{{ humanize "abc" }}',
  failingCompare: '{{ if gt $value 1 }}x{{ end }}',
  printfOdd: '{{ printf "%s|%d|%.1f" 1 "a" 3 }} {{ printf "%d" }} {{ printf "%d" 1 2 }}',
  safe: '{{ "<b>" | safeHtml }} {{ strvalue (query "vector(1)" | first) }}',
  printfMore:
    '{{ printf "%+d|%08.3f|%-8.2f|%x|%X|%5.1f%%|%t" 5 3.14159 2.5 "hi" 255 99.44 false }}',
  maps: '{{ $labels }} | {{ $externalLabels }} | {{ index $labels "nope" }}|{{ len $labels }}',
  rangeElse:
    '{{ range query "vector(1) == 2" }}x{{ else }}empty{{ end }} {{ range $i, $s := query "vector(3)" }}{{ $i }}:{{ $s.Value }}{{ end }}',
  breakContinue:
    '{{ range $k, $v := $labels }}{{ if eq $k "instance" }}{{ continue }}{{ end }}{{ if eq $k "severity" }}{{ break }}{{ end }}{{ $k }} {{ end }}',
  escapes:
    '{{ js "<a href=\'x\'>é" }} | {{ html "\\"q\\" & \'s\'" }} | {{ urlquery "a/b?c=d&e=f g" }}',
  newlines: 'line1\n  {{- " trimmed" }}\n{{ $labels.job -}}\n  end',
  timeValues: '{{ humanizeTimestamp $value }} {{ toTime 1435065584.128 }} {{ (toTime 0).Unix }}',
  regexErr: '{{ match "(" "x" }}',
  reAnchors:
    '{{ reReplaceAll "^h" "H" $labels.instance }} {{ reReplaceAll "o" "0" "foo" }} {{ title "mIxED case-words" }}',
  args: '{{ define "two" }}{{ .arg0 }}+{{ .arg1 }}{{ end }}{{ template "two" (args 1 "b") }}',
};

function ruleFile(): string {
  const ann = Object.entries(ANNOTATIONS)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `groups:
  - name: templates
    interval: 1s
    rules:
      - alert: TemplateCheck
        expr: label_replace(label_replace(vector(0.254), "instance", "host-1.example.com:9100", "", ""), "job", "api", "", "")
        labels:
          severity: page
          derived: "{{ $labels.job }}-{{ $value }}"
        annotations:
${ann}
`;
}

type Alert = { labels: Record<string, string>; annotations: Record<string, string>; state: string };

async function firingAlert(url: string): Promise<Alert> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
    const a = r.data.alerts.find(
      (x) => x.labels['alertname'] === 'TemplateCheck' && x.state === 'firing',
    );
    if (a) return a;
    if (Date.now() > deadline) throw new Error(`no firing alert at ${url}: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

test('alert templates expand the same in the real Prometheus and here', async (t) => {
  if (!peer('prometheus', t)) return;
  const { dir, cleanup } = tempDir('tmpl-diff-');
  t.after(cleanup);
  const rules = join(dir, 'rules.yml');
  writeFileSync(rules, ruleFile());
  const config = `global:\n  evaluation_interval: 1s\n  external_labels:\n    cluster: eu\nrule_files:\n  - ${rules}\n`;
  const args = ['--web.external-url=http://prom.example:9090/prefix', '--web.route-prefix=/'];
  const real = await startRealPrometheus(config, args);
  t.after(() => real.stop());
  const ours = await startOurServer(config, args);
  t.after(() => ours.stop());
  const [want, got] = await Promise.all([firingAlert(real.url), firingAlert(ours.url)]);
  assert.deepEqual(got.labels, want.labels);
  for (const k of Object.keys(ANNOTATIONS))
    assert.equal(got.annotations[k], want.annotations[k], `annotation ${k}: ${ANNOTATIONS[k]}`);
  assert.deepEqual(got.annotations, want.annotations);
});
