// rulefmt's contract with the rule manager: groups and rules as parsed values (durations in ms,
// lines for positions), and errors that name the file, the place, the group and the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseRules, parseRuleFile, RuleFileError } from '../../../src/model/rulefmt/index.ts';

test('a valid file parses into groups and rules with ms durations and lines', () => {
  const { groups, errors } = parseRules(
    `groups:
  - name: a
    interval: 30s
    limit: 5
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels:
          tier: "1"
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 1m30s
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} down"
  - name: b
    rules: []
`,
    'x.yml',
  );
  assert.deepEqual(errors, []);
  assert.equal(groups.length, 2);
  const [a, b] = groups;
  assert.deepEqual(
    { name: a!.name, interval: a!.interval, limit: a!.limit, line: a!.line },
    { name: 'a', interval: 30_000, limit: 5, line: 2 },
  );
  assert.deepEqual(a!.rules[0], {
    record: 'job:up:sum',
    expr: 'sum by (job) (up)',
    for: 0,
    keep_firing_for: 0,
    labels: { tier: '1' },
    annotations: {},
    line: 6,
  });
  assert.deepEqual(a!.rules[1], {
    alert: 'Down',
    expr: 'up == 0',
    for: 300_000,
    keep_firing_for: 90_000,
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.instance }} down' },
    line: 10,
  });
  assert.deepEqual(
    { name: b!.name, interval: b!.interval, rules: b!.rules },
    { name: 'b', interval: 0, rules: [] },
  );
});

test('an empty file and an empty groups list are valid and hold nothing', () => {
  assert.deepEqual(parseRules('', 'e.yml'), { groups: [], errors: [] });
  assert.deepEqual(parseRules('groups: []\n', 'e.yml'), { groups: [], errors: [] });
});

test('validation errors are RuleFileErrors naming file, position, group and rule', () => {
  const { errors } = parseRules(
    `groups:
  - name: g
    rules:
      - record: ok
        expr: rate(x[5m]
      - alert: T
        expr: up
        annotations:
          s: "{{ nosuch }}"
`,
    'r.yml',
  );
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e instanceof RuleFileError && e.file === 'r.yml'));
  assert.match(
    errors[0]!.message,
    /^r\.yml: 5:15: group "g", rule 1, "ok": could not parse expression: 1:\d+: parse error: /,
  );
  assert.equal(errors[0]!.line, 5);
  assert.equal(
    errors[1]!.message,
    'r.yml: group "g", rule 2, "T": annotation "s": template: __alert_T:1: function "nosuch" not defined',
  );
});

test('a missing file is an error naming it', () => {
  const { groups, errors } = parseRuleFile(join(import.meta.dirname, 'nope.yml'));
  assert.deepEqual(groups, []);
  assert.match(errors[0]!.message, /nope\.yml: open .*nope\.yml: no such file or directory$/);
});

test('the seed rules parse', () => {
  const { groups, errors } = parseRuleFile(
    join(import.meta.dirname, 'corpus', 'seed-mordomo_alerts.yml'),
  );
  assert.deepEqual(errors, []);
  assert.ok(groups.reduce((n, g) => n + g.rules.length, 0) >= 5);
});
