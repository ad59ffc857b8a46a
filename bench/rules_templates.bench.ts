// Rule files and alert templates: parsing and validating a large rule file (what a reload and
// `promtool check rules` cost), and expanding typical annotation templates (what every firing
// alert costs at each evaluation).
import { readFileSync } from 'node:fs';
import { parseRules } from '../src/model/rulefmt/index.js';
import { expandTemplate, checkTemplate } from '../src/template/index.js';

function bigRuleFile(groups: number, perGroup: number): string {
  let s = 'groups:\n';
  for (let g = 0; g < groups; g++) {
    s += `  - name: group_${g}\n    interval: 30s\n    rules:\n`;
    for (let r = 0; r < perGroup; r++) {
      if (r % 2 === 0) {
        s += `      - record: job:http_requests_${g}_${r}:rate5m\n        expr: sum by (job, instance) (rate(http_requests_total{job="api_${g}",code=~"5.."}[5m]))\n        labels:\n          team: t${g}\n`;
      } else {
        s += `      - alert: HighErrorRate_${g}_${r}\n        expr: job:http_requests_${g}_${r - 1}:rate5m > 0.5\n        for: 10m\n        labels:\n          severity: "{{ if gt $value 1.0 }}critical{{ else }}warning{{ end }}"\n        annotations:\n          summary: "High error rate on {{ $labels.job }}/{{ $labels.instance }}"\n          description: "{{ $value | humanize }} errors/s for 10m, see {{ $externalURL }}/graph"\n`;
      }
    }
  }
  return s;
}

async function measure(label: string, n: number, unit: string, f: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(n, 50); i++) await f(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  const ns = Number(process.hrtime.bigint() - t0);
  const perOp = ns / n;
  console.log(
    `${label}: ${unit === 'ms' ? (perOp / 1e6).toFixed(2) + ' ms/op' : (perOp / 1000).toFixed(2) + ' µs/op'} (${n} ops, wall clock)`,
  );
  return perOp;
}

export async function run(): Promise<void> {
  const big = bigRuleFile(50, 40);
  const perOp = await measure(
    `parseRules, 2000 rules in 50 groups (${(big.length / 1024).toFixed(0)} KiB, every expr parsed, every template checked)`,
    20,
    'ms',
    () => {
      const { errors } = parseRules(big, 'big.yml');
      if (errors.length > 0) throw new Error(errors[0]!.message);
    },
  );
  console.log(`  = ${(perOp / 2000 / 1000).toFixed(1)} µs per rule`);
  const seed = readFileSync('/work/shared/fixtures/seed/rules/mordomo_alerts.yml', 'utf8');
  await measure("parseRules, the seed's mordomo_alerts.yml", 500, 'µs', () =>
    parseRules(seed, 'seed.yml'),
  );
  const data = {
    labels: { job: 'api', instance: 'host-1:9100', severity: 'page' },
    externalLabels: { cluster: 'eu' },
    externalURL: 'http://prom:9090',
    value: 0.2543,
  };
  const opts = { timestamp: 1_700_000_000_000 };
  const summary = 'High error rate on {{ $labels.job }}/{{ $labels.instance }}';
  const desc =
    '{{ $value | humanizePercentage }} of requests fail on {{ $labels.instance }} ({{ $externalLabels.cluster }}), see {{ $externalURL }}/alerts';
  const ctl =
    '{{ if gt $value 0.5 }}critical{{ else if gt $value 0.1 }}warning{{ else }}info{{ end }}: {{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}';
  await measure('expandTemplate, summary with two labels', 20_000, 'µs', () =>
    expandTemplate('__alert_A', summary, data, opts),
  );
  await measure(
    'expandTemplate, description with humanizePercentage, external labels and URL',
    20_000,
    'µs',
    () => expandTemplate('__alert_A', desc, data, opts),
  );
  await measure('expandTemplate, if/else if chain and range over labels', 20_000, 'µs', () =>
    expandTemplate('__alert_A', ctl, data, opts),
  );
  await measure('checkTemplate, description (parsed tree cached)', 20_000, 'µs', () =>
    checkTemplate('__alert_A', desc),
  );
  let k = 0;
  // A text never seen before (a distinct trailing comment each time) pays the full parse.
  await measure(
    'expandTemplate, description, text not seen before (parse + execute)',
    5_000,
    'µs',
    () => expandTemplate('__alert_A', desc + `{{/* ${k++} */}}`, data, opts),
  );
}
