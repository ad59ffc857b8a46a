// promtool-ts --experimental promql format | label-matchers (Prometheus 2.48's commands; Debian's
// promtool 2.42 has neither): format is checked against the real Prometheus's /api/v1/format_query,
// which runs the same prettifier, and label-matchers against what 2.48's command does to each
// vector selector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peer, startRealPrometheus } from '../support/peers.ts';
import { runPromtoolTs } from '../support/server.ts';

const QUERIES = [
  'sum by(job)(rate(http_requests_total{code=~"5.."}[5m])) / on(job) group_left sum by(job)(rate(http_requests_total[5m])) > 0.05',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[1m] offset 5m)))',
  'up',
  'label_replace(up{job="a"}, "dst", "$1", "src", "(.*)") or vector(1)',
];

test('promql format prints what the real Prometheus format_query returns', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus('global: {}\n');
  t.after(real.stop);
  for (const q of QUERIES) {
    const res = (await (
      await fetch(`${real.url}/api/v1/format_query?query=${encodeURIComponent(q)}`)
    ).json()) as { data: string };
    const ours = await runPromtoolTs(['--experimental', 'promql', 'format', q]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, res.data + '\n', q);
  }
});

test('promql commands need --experimental, which may also follow the command', async () => {
  const refused = await runPromtoolTs(['promql', 'format', 'up']);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    'This command is experimental and requires the --experimental flag to be set.\n',
  );
  const after = await runPromtoolTs(['promql', 'format', 'up', '--experimental']);
  assert.equal(after.stdout, 'up\n');
});

test('promql format: a parse error is printed as the parser gives it, exit 1', async () => {
  const r = await runPromtoolTs(['--experimental', 'promql', 'format', 'sum(']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '1:5: parse error: unclosed left parenthesis\n');
});

test('label-matchers set replaces the matcher on that label or adds one, in every selector', async () => {
  const cases: [string[], string][] = [
    [['rate(x{a="b"}[5m]) + y', 'a', 'c'], 'rate(x{a="c"}[5m]) + y{a="c"}'],
    [['-t', '=~', 'rate(x{a="b"}[5m]) + y', 'a', 'c.*'], 'rate(x{a=~"c.*"}[5m]) + y{a=~"c.*"}'],
    [['--type=!=', 'x{b="1"}', 'a', 'c'], 'x{a!="c",b="1"}'], // the printer sorts matchers, as 2.48's,
  ];
  for (const [args, want] of cases) {
    const r = await runPromtoolTs(['--experimental', 'promql', 'label-matchers', 'set', ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, want + '\n', args.join(' '));
  }
  const bad = await runPromtoolTs([
    '--experimental',
    'promql',
    'label-matchers',
    'set',
    '-t',
    '<',
    'x',
    'a',
    'b',
  ]);
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    "promtool: error: enum value must be one of =,!=,=~,!~, got '<', try --help\n",
  );
});

test('label-matchers delete removes the matchers on that label from every selector', async () => {
  const r = await runPromtoolTs([
    '--experimental',
    'promql',
    'label-matchers',
    'delete',
    'rate(x{a="b",c="d"}[5m]) + y{a="q"}',
    'a',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'rate(x{c="d"}[5m]) + y\n');
});
