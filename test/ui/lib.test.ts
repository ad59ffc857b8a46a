import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePanels, encodePanels, defaultPanel } from '../../web/ui/src/lib/urlState.js';
import {
  parseDuration,
  formatDuration,
  parseTime,
  formatTime,
  formatAgo,
  defaultStep,
  formatSeconds,
  zoomedRange,
  shiftedEnd,
  formatTimestamp,
  axisTimeLabel,
} from '../../web/ui/src/lib/time.js';
import { ruleDefinition } from '../../web/ui/src/lib/rules.js';
import { groupTargets } from '../../web/ui/src/lib/targets.js';
import { legendClick } from '../../web/ui/src/lib/legend.js';
import {
  formatSeriesName,
  countStates,
  matchesSearch,
  formatBytes,
  seriesColor,
  formatHistogram,
  formatAxisValue,
} from '../../web/ui/src/lib/format.js';
import { highlightYAML } from '../../web/ui/src/lib/yaml.js';

test('decodes a link copied from Prometheus', () => {
  const q =
    '?g0.expr=rate(node_cpu_seconds_total%7Bmode%3D%22idle%22%7D%5B5m%5D)&g0.tab=0&g0.stacked=1&g0.show_exemplars=0&g0.range_input=6h&g0.end_input=2023-11-20%2010%3A00%3A00&g0.moment_input=2023-11-20%2009%3A00%3A00&g0.step_input=30&g1.expr=up&g1.tab=1';
  const ps = decodePanels(q);
  assert.equal(ps.length, 2);
  assert.equal(ps[0]!.expr, 'rate(node_cpu_seconds_total{mode="idle"}[5m])');
  assert.equal(ps[0]!.tab, 0);
  assert.equal(ps[0]!.stacked, true);
  assert.equal(ps[0]!.rangeInput, '6h');
  assert.equal(ps[0]!.endTime, Date.UTC(2023, 10, 20, 10));
  assert.equal(ps[0]!.momentTime, Date.UTC(2023, 10, 20, 9));
  assert.equal(ps[0]!.stepInput, 30);
  assert.equal(ps[1]!.expr, 'up');
  assert.equal(ps[1]!.tab, 1);
});

test('encode then decode round-trips every field', () => {
  const p = {
    ...defaultPanel(),
    expr: 'sum by (job) (up{a="b&c"})',
    tab: 0 as const,
    rangeInput: '2h',
    endTime: Date.UTC(2024, 0, 2, 3, 4, 5),
    momentTime: null,
    stepInput: 15,
    stacked: true,
    showExemplars: true,
  };
  const enc = encodePanels([p, defaultPanel()]);
  assert.match(enc, /^g0\.expr=sum%20by%20\(job\)/);
  assert.match(enc, /g0\.end_input=2024-01-02%2003%3A04%3A05/);
  assert.deepEqual(decodePanels(enc), [p, { ...defaultPanel(), tab: 1 }]);
});

test('a link without g0.tab opens the table, as in Prometheus; only tab=0 is the graph', () => {
  assert.equal(decodePanels('g0.expr=up')[0]!.tab, 1);
  assert.equal(decodePanels('g0.expr=up&g0.tab=0')[0]!.tab, 0);
  assert.equal(decodePanels('g0.expr=up&g0.tab=x')[0]!.tab, 1);
});

test('links from newer Prometheus (g0.display_mode) open stacked or lines', () => {
  assert.equal(decodePanels('g0.expr=up&g0.display_mode=stacked')[0]!.stacked, true);
  assert.equal(decodePanels('g0.expr=up&g0.display_mode=lines')[0]!.stacked, false);
  assert.equal(decodePanels('g0.expr=up&g0.display_mode=heatmap')[0]!.stacked, false);
});

test('no panel params gives one empty table panel; bad values fall back', () => {
  assert.deepEqual(decodePanels(''), [defaultPanel()]);
  const p = decodePanels('g0.expr=x&g0.range_input=bogus&g0.step_input=-1&g0.end_input=nope')[0]!;
  assert.equal(p.rangeInput, '1h');
  assert.equal(p.stepInput, null);
  assert.equal(p.endTime, null);
});

test('durations parse and format like Prometheus', () => {
  assert.equal(parseDuration('1h30m'), 5400000);
  assert.equal(parseDuration('2w'), 14 * 86400000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1x'), null);
  assert.equal(parseDuration(''), null);
  assert.equal(formatDuration(5400000), '1h30m');
  assert.equal(formatDuration(8 * 86400000), '1w1d');
  assert.equal(formatDuration(0), '0s');
});

test('times parse and format in UTC', () => {
  assert.equal(formatTime(Date.UTC(2023, 0, 5, 6, 7, 8)), '2023-01-05 06:07:08');
  assert.equal(parseTime('2023-01-05 06:07:08'), Date.UTC(2023, 0, 5, 6, 7, 8));
  assert.equal(parseTime('2023-01-05T06:07:08+02:00'), Date.UTC(2023, 0, 5, 4, 7, 8));
  assert.equal(parseTime('yesterday'), null);
  assert.equal(formatAgo(1000, 4500), '3.5s ago');
  assert.equal(formatAgo(0, 125000), '2m5s ago');
  assert.equal(defaultStep(3600000), 14);
  assert.equal(defaultStep(60000), 1);
  assert.equal(formatSeconds(0.0123), '12.300ms');
});

test('series names and table helpers', () => {
  assert.equal(
    formatSeriesName({ __name__: 'up', job: 'x', instance: 'a"b' }),
    'up{instance="a\\"b", job="x"}',
  );
  assert.equal(formatSeriesName({}), '{}');
  assert.equal(formatSeriesName({ job: 'x' }), '{job="x"}');
  assert.deepEqual(countStates(['firing', 'inactive', 'firing', 'pending']), {
    inactive: 1,
    pending: 1,
    firing: 2,
  });
  assert.equal(matchesSearch('node_exporter job="node"', 'NODE job'), true);
  assert.equal(matchesSearch('node', 'prom'), false);
  assert.equal(formatBytes(2048), '2.00 KiB');
  assert.equal(formatBytes(10), '10 B');
});

test('YAML highlighting keeps the text intact', () => {
  const src = 'global:\n  scrape_interval: 15s # c\n# comment\n- job_name: "<img src=x>"';
  const toks = highlightYAML(src);
  assert.equal(toks.map((t) => t.text).join(''), src + '\n');
  assert.ok(toks.some((t) => t.cls === 'y-key' && t.text === 'scrape_interval'));
  assert.ok(toks.some((t) => t.cls === 'y-com' && t.text === '# comment'));
});

test('a drag over the graph selects whole seconds; the end-time buttons move half a range', () => {
  const end = Date.UTC(2024, 0, 1, 12);
  assert.deepEqual(zoomedRange(end - 90_400, end + 300), { rangeInput: '1m31s', endTime: end });
  assert.deepEqual(zoomedRange(end, end + 10), { rangeInput: '1s', endTime: end });
  assert.equal(shiftedEnd(end, 3600_000, -1, 0), end - 1800_000);
  assert.equal(shiftedEnd(null, 600_000, 1, end), end + 300_000);
});

test('timestamps shown in UTC, "-" for an empty head or Go zero time (no RangeError)', () => {
  assert.equal(formatTimestamp(Date.UTC(2024, 1, 3, 4, 5, 6)), '2024-02-03 04:05:06 UTC');
  assert.equal(formatTimestamp('2024-02-03T04:05:06.789Z'), '2024-02-03 04:05:06 UTC');
  assert.equal(formatTimestamp(9223372036854775807), '-');
  assert.equal(formatTimestamp(-9223372036854775808), '-');
  assert.equal(formatTimestamp('0001-01-01T00:00:00Z'), '-');
});

test('rules written back as their rule-file YAML', () => {
  assert.equal(
    ruleDefinition({
      type: 'alerting',
      name: 'Down',
      query: 'up == 0',
      duration: 300,
      keepFiringFor: 90,
      labels: { severity: 'page' },
      annotations: { summary: 'a\nb' },
    }),
    'alert: Down\nexpr: up == 0\nfor: 5m\nkeep_firing_for: 1m30s\nlabels:\n  severity: page\nannotations:\n  summary: a\n    b',
  );
  assert.equal(
    ruleDefinition({
      type: 'recording',
      name: 'job:up:sum',
      query: 'sum by (job) (up)',
      labels: {},
    }),
    'record: job:up:sum\nexpr: sum by (job) (up)',
  );
});

test('target pools: counts over all targets, filters over the shown ones, empty pools hidden while filtering', () => {
  const t = (pool: string, url: string, health: string, labels: Record<string, string> = {}) => ({
    scrapePool: pool,
    scrapeUrl: url,
    health,
    labels,
  });
  const ts = [
    t('b', 'http://x:1/metrics', 'up', { env: 'prod' }),
    t('b', 'http://x:2/metrics', 'down'),
    t('a', 'http://y:1/metrics', 'up'),
  ];
  const all = groupTargets(ts, false, '');
  assert.deepEqual(
    all.map((p) => [p.name, p.up, p.total, p.shown.length]),
    [
      ['a', 1, 1, 1],
      ['b', 1, 2, 2],
    ],
  );
  assert.deepEqual(
    groupTargets(ts, true, '').map((p) => [p.name, p.up, p.total, p.shown.map((x) => x.scrapeUrl)]),
    [['b', 1, 2, ['http://x:2/metrics']]],
  );
  assert.deepEqual(
    groupTargets(ts, false, 'env="prod"').map((p) => p.shown.map((x) => x.scrapeUrl)),
    [['http://x:1/metrics']],
  );
  assert.deepEqual(groupTargets(ts, false, 'nothing'), []);
});

test('time-axis labels in UTC, 24-hour, as fine as the tick spacing', () => {
  const t = Date.UTC(2024, 2, 4, 13, 5, 30);
  assert.equal(axisTimeLabel(t, 15_000), '13:05:30');
  assert.equal(axisTimeLabel(t, 300_000), '13:05');
  assert.equal(axisTimeLabel(t, 2 * 86400_000), '03-04');
});

test('series colours: the palette, then distinct #rrggbb hues', () => {
  assert.equal(seriesColor(0), '#1f77b4');
  const many = Array.from({ length: 40 }, (_, i) => seriesColor(i));
  assert.ok(
    many.every((c) => /^#[0-9a-f]{6}$/.test(c)),
    many.join(),
  );
  assert.equal(new Set(many).size, 40);
});

test('legend: a click isolates a series (again: all), Ctrl+click toggles one', () => {
  const none = new Set<number>();
  assert.deepEqual([...legendClick(none, 1, 3, false)], [0, 2]);
  assert.deepEqual([...legendClick(new Set([0, 2]), 1, 3, false)], []);
  assert.deepEqual([...legendClick(new Set([0, 2]), 0, 3, false)], [1, 2]);
  assert.deepEqual([...legendClick(none, 1, 3, true)], [1]);
  assert.deepEqual([...legendClick(new Set([1]), 1, 3, true)], []);
});

test('native histogram samples in the table', () => {
  assert.equal(
    formatHistogram({
      count: '3',
      sum: '4.5',
      buckets: [
        [0, '1', '2', '2'],
        [3, '0', '0', '1'],
      ],
    }),
    'count=3 sum=4.5 (1,2]:2 [0,0]:1',
  );
  assert.equal(formatHistogram({ count: '0', sum: '0' }), 'count=0 sum=0');
});

test('y-axis values read with SI prefixes, as Prometheus graphs them', () => {
  assert.deepEqual(
    [
      0, 1, 999, 1000, 1500, 1_000_000, 2.5e9, 1.2345678e12, 0.5, 0.0015, 2e-7, -3_000_000, 1e30,
    ].map(formatAxisValue),
    [
      '0',
      '1',
      '999',
      '1k',
      '1.5k',
      '1M',
      '2.5G',
      '1.235T',
      '500m',
      '1.5m',
      '200n',
      '-3M',
      '1000000Y',
    ],
  );
});

test('query history: newest first, each once, at most 50; favourites toggle', async () => {
  const { queryHistory, recordQuery, toggleFavourite, favourites, HISTORY_MAX } =
    await import('../../web/ui/src/lib/history.js');
  const m = new Map<string, string>();
  const store = {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
  };
  for (let i = 0; i < 60; i++) recordQuery(`q${i}`, store);
  recordQuery('q10', store);
  recordQuery('  ', store);
  const h = queryHistory(store);
  assert.equal(h.length, HISTORY_MAX);
  assert.deepEqual(h.slice(0, 3), ['q10', 'q59', 'q58']);
  assert.deepEqual(toggleFavourite('up', store), ['up']);
  assert.deepEqual(toggleFavourite('up', store), []);
  assert.deepEqual(favourites(store), []);
  m.set('queryHistory', '{not json');
  assert.deepEqual(queryHistory(store), []);
});

test('targets: the pool and health filters', () => {
  const t = (pool: string, health: string) => ({
    scrapePool: pool,
    scrapeUrl: `http://${pool}/metrics`,
    health,
    labels: { job: pool },
  });
  const ts = [t('a', 'up'), t('a', 'down'), t('b', 'up'), t('c', 'unknown')];
  assert.deepEqual(
    groupTargets(ts, { unhealthyOnly: false, pool: 'a', search: '' }).map((p) => [
      p.name,
      p.shown.length,
    ]),
    [['a', 2]],
  );
  assert.deepEqual(
    groupTargets(ts, { unhealthyOnly: false, health: 'up', search: '' }).map((p) => [
      p.name,
      p.shown.length,
    ]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
  assert.deepEqual(
    groupTargets(ts, { unhealthyOnly: false, health: 'unknown', search: '' }).map((p) => p.name),
    ['c'],
  );
});
