import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseMatcher,
  parseMatchers,
  matchersString,
  compareMatchers,
  AMMatcher,
} from '../../src/alertmanager/matchers/index.js';
import { fingerprint, labelSetString } from '../../src/alertmanager/model/index.js';

test('matchers: both value spellings, operators, escapes', () => {
  const m = parseMatcher('severity="critical"');
  assert.equal(m.type, '=');
  assert.equal(m.value, 'critical');
  assert.equal(parseMatcher('job=~api.*').type, '=~');
  assert.equal(parseMatcher('  a != b ').value, 'b');
  assert.equal(parseMatcher('a!~"x|y"').matches('x'), false);
  assert.equal(parseMatcher('a="q\\"uo\\nte"').value, 'q"uo\nte');
  assert.equal(parseMatcher('a=b\\').value, 'b\\');
  assert.equal(parseMatcher('a=~"b.*"').toString(), 'a=~"b.*"');
  assert.equal(new AMMatcher('=', 'a', 'x"y\n').toString(), 'a="x\\"y\\n"');
});

test('matchers: lists in braces, commas inside quotes, errors as Alertmanager words them', () => {
  const ms = parseMatchers('{alertname="Foo", job=~"a,b", instance!=""}');
  assert.deepEqual(
    ms.map((m) => [m.name, m.type, m.value]),
    [
      ['alertname', '=', 'Foo'],
      ['job', '=~', 'a,b'],
      ['instance', '!=', ''],
    ],
  );
  assert.throws(() => parseMatcher('foo'), /^Error: bad matcher format: foo$/);
  assert.throws(() => parseMatcher('a="b'), /matcher value contains unescaped double quote: "b/);
  assert.throws(() => parseMatcher('a="b"c"'), /unescaped double quote/);
  assert.throws(() => parseMatchers('a=b,,c=d'), /bad matcher format: $/);
  assert.throws(() => parseMatcher('a=~"("'), /error parsing regexp/);
});

test('matchers: regexps are anchored; route key order and form', () => {
  const re = parseMatcher('a=~"b|c"');
  assert.ok(re.matches('b'));
  assert.ok(!re.matches('bb'));
  const ms = [parseMatcher('z=1'), parseMatcher('a=~2'), parseMatcher('a=2')].sort(compareMatchers);
  assert.equal(matchersString(ms), '{a="2",a=~"2",z="1"}');
});

test('labels: fingerprint and printed form as prometheus/common model.LabelSet', () => {
  // Values computed by Alertmanager 0.25 for the same label sets.
  assert.equal(fingerprint({}), 'cbf29ce484222325');
  assert.equal(
    fingerprint({ alertname: 'ContainerDown', instance: 'a', severity: 'critical' }),
    '67e6f779db0addab',
  );
  assert.equal(labelSetString({ b: 'x"y', a: '1' }), '{a="1", b="x\\"y"}');
});

test('labels: fingerprint of non-ASCII label values hashes their UTF-8 bytes', () => {
  // FNV-1a 64 over name 0xff value 0xff, computed with BigInt as a reference.
  const ref = (n: string, v: string) => {
    let h = 0xcbf29ce484222325n;
    for (const b of [...Buffer.from(n), 0xff, ...Buffer.from(v), 0xff])
      h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
    return h.toString(16).padStart(16, '0');
  };
  assert.equal(fingerprint({ a: 'é' }), ref('a', 'é'));
  assert.equal(fingerprint({ a: 'xé日本' }), ref('a', 'xé日本'));
  assert.equal(fingerprint({ job: 'api' }), ref('job', 'api'));
});
