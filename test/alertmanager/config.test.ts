import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAlertmanagerConfig, intervalContains } from '../../src/alertmanager/config/index.js';
import type { WebhookConfig } from '../../src/alertmanager/notify/index.js';
import { SEED as SEED_DIR } from '../support/paths.js';

const SEED = readFileSync(join(SEED_DIR, 'alertmanager.yml'), 'utf8');

const minimal = (extra: string) => `route:\n  receiver: r\nreceivers:\n  - name: r\n${extra}`;

test('config: the seed alertmanager.yml loads with Alertmanager defaults', () => {
  const c = loadAlertmanagerConfig(SEED, 'alertmanager.yml');
  assert.equal(c.global.resolveTimeout, 5 * 60_000);
  assert.equal(c.global.smtpHello, 'localhost');
  assert.equal(c.global.pagerdutyUrl, 'https://events.pagerduty.com/v2/enqueue');
  assert.deepEqual(c.route.groupBy, ['alertname', 'cluster', 'service']);
  assert.equal(c.route.groupWait, 10_000);
  assert.equal(c.route.routes[0]!.continue, true);
  // Children inherit the parent's timings and grouping.
  assert.equal(c.route.routes[1]!.repeatInterval, 12 * 3600_000);
  assert.deepEqual(c.route.routes[1]!.groupBy, ['alertname', 'cluster', 'service']);
  assert.deepEqual(
    c.receivers.map((r) => r.name),
    ['default', 'critical', 'warning'],
  );
  const wh = c.receivers[1]!.integrations[0]!.config as WebhookConfig;
  assert.equal(wh.url, 'http://mordomo-core-api:8000/webhooks/alerts/critical');
  assert.equal(wh.sendResolved, true);
});

test('config: defaults of a bare route, group_by "..." and both matcher syntaxes', () => {
  const c = loadAlertmanagerConfig(
    `route:
  receiver: r
  routes:
    - receiver: r
      group_by: ['...']
      match: { a: "1" }
      match_re: { b: "x|y" }
      matchers: ['c!="2"', '{d=~"e.*", f="g"}']
receivers:
  - name: r
`,
    'am.yml',
  );
  assert.equal(c.route.groupWait, 30_000);
  assert.equal(c.route.groupInterval, 5 * 60_000);
  assert.equal(c.route.repeatInterval, 4 * 3600_000);
  assert.deepEqual(c.route.groupBy, []);
  const child = c.route.routes[0]!;
  assert.equal(child.groupBy, null);
  assert.deepEqual(
    child.matchers.map((m) => m.toString()),
    ['a="1"', 'b=~"x|y"', 'c!="2"', 'd=~"e.*"', 'f="g"'],
  );
});

test('config: every error names file:line', () => {
  const bad: [string, RegExp][] = [
    [
      minimal('    webhook_configs:\n      - url: http://x\n') + 'bogus: 1\n',
      /^am\.yml:7: field bogus not found/,
    ],
    [
      'route:\n  receiver: nope\nreceivers:\n  - name: r\n',
      /^am\.yml:2: undefined receiver "nope" used in route/,
    ],
    [
      'route:\n  receiver: r\n  routes:\n    - matchers: ["a=~("]\nreceivers:\n  - name: r\n',
      /^am\.yml:4: error parsing regexp/,
    ],
    [
      'route:\n  receiver: r\n  routes:\n    - matchers: ["a"]\nreceivers:\n  - name: r\n',
      /^am\.yml:4: bad matcher format: a/,
    ],
    [
      'route:\n  receiver: r\n  group_wait: 1x\nreceivers:\n  - name: r\n',
      /^am\.yml:3: group_wait: /,
    ],
    [
      'route:\n  receiver: r\n  group_by: [a, "..."]\nreceivers:\n  - name: r\n',
      /^am\.yml:3: cannot have wildcard group_by/,
    ],
    [
      'route:\n  receiver: r\n  match: {a: b}\nreceivers:\n  - name: r\n',
      /^am\.yml:3: root route must not have any matchers/,
    ],
    [
      'route:\n  receiver: r\n  continue: true\nreceivers:\n  - name: r\n',
      /^am\.yml:3: cannot have continue in root route/,
    ],
    ['receivers:\n  - name: r\n', /no route provided in config/],
    [
      'route:\n  receiver: r\nreceivers:\n  - name: r\n  - name: r\n',
      /^am\.yml:5: notification config name "r" is not unique/,
    ],
    [
      minimal('    webhook_configs:\n      - url: ftp://x\n'),
      /^am\.yml:6: receiver "r": webhook_configs\[0\]: scheme required for webhook url/,
    ],
    [
      minimal('    webhook_configs:\n      - url: http://x\n        nope: 1\n'),
      /^am\.yml:6: .*field nope not found/,
    ],
    [
      minimal(
        '    webhook_configs:\n      - url: http://x\n        http_config: {basic_auth: {username: u}, bearer_token: t}\n',
      ),
      /^am\.yml:6: .*at most one of basic_auth/,
    ],
    [
      minimal('    carrier_pigeon_configs:\n      - {}\n'),
      /^am\.yml:5: field carrier_pigeon_configs not found/,
    ],
    [
      'route:\n  receiver: r\n  routes:\n    - mute_time_intervals: [never]\nreceivers:\n  - name: r\n',
      /^am\.yml:4: undefined time interval "never" used in route/,
    ],
    [
      'route:\n  receiver: r\nreceivers:\n  - name: r\ntime_intervals:\n  - name: t\n    time_intervals:\n      - weekdays: [funday]\n',
      /^am\.yml:8: funday is not a valid weekday/,
    ],
    [
      'route:\n  receiver: r\nreceivers:\n  - name: r\ninhibit_rules:\n  - source_matchers: ["a=~(x"]\n',
      /^am\.yml:6: error parsing regexp/,
    ],
    [
      'route:\n  receiver: r\n  receiver: s\nreceivers:\n  - name: r\n',
      /^am\.yml:3: key "receiver" already set/,
    ],
    ['route: [\n', /^am\.yml:\d+: yaml: /],
  ];
  for (const [text, re] of bad)
    assert.throws(
      () => loadAlertmanagerConfig(text, 'am.yml'),
      (e: Error) => re.test(e.message),
      text,
    );
});

test('config: time intervals (weekdays, times, days of month from the end, location)', () => {
  const c = loadAlertmanagerConfig(
    `route:
  receiver: r
  routes:
    - receiver: r
      mute_time_intervals: [offhours]
receivers:
  - name: r
time_intervals:
  - name: offhours
    time_intervals:
      - weekdays: ['saturday', 'sunday']
      - times: [{start_time: '00:00', end_time: '06:00'}]
        location: Europe/Berlin
      - days_of_month: ['-1']
        months: ['december']
`,
    'am.yml',
  );
  const [weekend, night, lastOfDec] = c.timeIntervals.get('offhours')!;
  assert.ok(intervalContains(weekend!, Date.parse('2026-12-05T12:00:00Z'))); // a Saturday
  assert.ok(!intervalContains(weekend!, Date.parse('2026-12-04T12:00:00Z')));
  assert.ok(intervalContains(night!, Date.parse('2026-12-04T04:30:00Z'))); // 05:30 in Berlin
  assert.ok(!intervalContains(night!, Date.parse('2026-12-04T05:30:00Z'))); // 06:30 in Berlin
  assert.ok(intervalContains(lastOfDec!, Date.parse('2026-12-31T10:00:00Z')));
  assert.ok(!intervalContains(lastOfDec!, Date.parse('2026-12-30T10:00:00Z')));
});
