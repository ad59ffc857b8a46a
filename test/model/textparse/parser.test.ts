// The exposition parsers against the formats' documented examples, their escapes and numbers,
// and the errors Prometheus reports for broken bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExposition, newParser, TextParseError } from '../../../src/model/textparse/index.ts';
import { isStaleNaN } from '../../../src/model/value/index.ts';

function all(body: string, ct = 'text/plain; version=0.0.4') {
  const p = newParser(body, ct);
  const out: unknown[] = [];
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e === 'series') out.push(['series', p.labels().toString(), p.value(), p.timestamp()]);
    else if (e === 'help') out.push(['help', ...p.help()]);
    else if (e === 'type') out.push(['type', ...p.type()]);
    else if (e === 'unit') out.push(['unit', ...p.unit()]);
  }
  return out;
}

test('text format 0.0.4: the documented example', () => {
  const body = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045
`;
  assert.deepEqual(all(body), [
    ['help', 'http_requests_total', 'The total number of HTTP requests.'],
    ['type', 'http_requests_total', 'counter'],
    ['series', '{__name__="http_requests_total", code="200", method="post"}', 1027, 1395066363000],
    ['series', '{__name__="http_requests_total", code="400", method="post"}', 3, 1395066363000],
    [
      'series',
      '{__name__="msdos_file_access_time_seconds", error="Cannot find file:\\n\\"FILE.TXT\\"", path="C:\\\\DIR\\\\FILE.TXT"}',
      1458255915,
      null,
    ],
    ['series', '{__name__="metric_without_timestamp_and_labels"}', 12.47, null],
    ['series', '{__name__="something_weird", problem="division by zero"}', Infinity, -3982045],
  ]);
});

test('text format: NaN, -Inf, exponents, trailing comma, untyped', () => {
  const r = all('# TYPE a untyped\na NaN\nb{x="1",} -Inf\nc 1e-3\nd -0.5\n');
  assert.ok(Number.isNaN((r[1] as unknown[])[2] as number));
  assert.equal((r[1] as unknown[])[2] === undefined, false);
  assert.deepEqual(r.slice(2), [
    ['series', '{__name__="b", x="1"}', -Infinity, null],
    ['series', '{__name__="c"}', 0.001, null],
    ['series', '{__name__="d"}', -0.5, null],
  ]);
  assert.deepEqual(r[0], ['type', 'a', 'unknown']);
});

test('the series text is the cache key: identical lines give identical keys', () => {
  const p = newParser('a{b="c"} 1\na{b="c"} 2\n', 'text/plain');
  p.next();
  const k1 = p.series();
  p.next();
  assert.equal(p.series(), k1);
  assert.equal(k1, 'a{b="c"}');
});

test('expect: a line that starts with the expected series text is that series; anything else is parsed as usual', () => {
  const p = newParser('a{b="c"} 1\na{b="c"} 2\na{b="d"} 3\na 4\nbad{b="c"} 5\n', 'text/plain');
  p.expect('a{b="c"}');
  assert.equal(p.next(), 'series');
  assert.ok(p.wasExpected());
  assert.equal(p.series(), 'a{b="c"}');
  assert.equal(p.metricName(), 'a');
  assert.equal(p.labels().toString(), '{__name__="a", b="c"}');
  assert.equal(p.value(), 1);
  p.next(); // no expectation given: parsed as usual
  assert.ok(!p.wasExpected());
  assert.equal(p.series(), 'a{b="c"}');
  p.expect('a{b="c"}');
  p.next();
  assert.ok(!p.wasExpected());
  assert.equal(p.series(), 'a{b="d"}');
  assert.equal(p.value(), 3);
  p.expect('a'); // a series without labels is always parsed (a label set may follow a blank)
  p.next();
  assert.ok(!p.wasExpected());
  assert.equal(p.value(), 4);
  p.expect('a{b="c"}');
  p.next();
  assert.ok(!p.wasExpected());
  assert.equal(p.series(), 'bad{b="c"}');
});

test('expect does not excuse what follows the series text', () => {
  const p = newParser('a{b="c"} x\n', 'text/plain');
  p.expect('a{b="c"}');
  assert.throws(() => p.next(), TextParseError);
});

test('seriesIs compares the current series text in place', () => {
  const p = newParser('a{b="c"} 1\na{b="cd"} 2\na 3\n', 'text/plain');
  p.next();
  assert.ok(p.seriesIs('a{b="c"}'));
  assert.ok(!p.seriesIs('a{b="c"'), 'a prefix is not the series');
  assert.ok(!p.seriesIs('a{b="d"}'));
  p.next();
  assert.ok(!p.seriesIs('a{b="c"}'));
  assert.ok(p.seriesIs('a{b="cd"}'));
  p.next();
  assert.ok(p.seriesIs('a'));
  assert.ok(!p.seriesIs('a{b="c"}'));
});

test('errors name the line and what was expected', () => {
  const cases: [string, RegExp][] = [
    ['a 1\nb{c="d" 1\n', /expected comma/],
    ['a 1 2 3\n', /expected next entry after timestamp/],
    ['a{b="c"} 1x\n', /ParseFloat: parsing "1x": invalid syntax/],
    ['{} 1\n', /is not a valid start token/],
    ['# TYPE a bogus\n', /invalid metric type "bogus"/],
    ['a{1="x"} 1\n', /expected label name/],
  ];
  for (const [body, re] of cases) {
    assert.throws(
      () => all(body),
      (e: unknown) => e instanceof TextParseError && re.test(e.message),
      body,
    );
  }
  try {
    all('ok 1\nok2 2\nbad{ 3\n');
  } catch (e) {
    assert.equal((e as TextParseError).line, 3);
  }
});

test('OpenMetrics: units, exemplars, float timestamps in seconds, # EOF required', () => {
  const body =
    '# TYPE foo counter\n# HELP foo Foo things.\n# UNIT foo_seconds seconds\nfoo_seconds_total{a="b"} 1.5 1700000000.25 # {trace_id="abc"} 0.5 1700000000.1\nfoo_seconds_created 1700000000\n# EOF\n';
  const ct = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
  assert.deepEqual(all(body, ct), [
    ['type', 'foo', 'counter'],
    ['help', 'foo', 'Foo things.'],
    ['unit', 'foo_seconds', 'seconds'],
    ['series', '{__name__="foo_seconds_total", a="b"}', 1.5, 1700000000250],
    ['series', '{__name__="foo_seconds_created"}', 1700000000, null],
  ]);
  const p = newParser(body, ct);
  p.next();
  p.next();
  p.next();
  p.next();
  assert.deepEqual(p.exemplar(), { labels: p.exemplar()!.labels, value: 0.5, ts: 1700000000100 });
  assert.equal(p.exemplar()!.labels.toString(), '{trace_id="abc"}');
  assert.throws(() => all('foo 1\n', ct), /data does not end with # EOF/);
  assert.throws(
    () => all('# TYPE foo gaugehistogram\n# EOF\nfoo 1\n', ct),
    /unexpected data after # EOF/,
  );
});

test('a stale marker is never produced by parsing', () => {
  const r = all('a NaN\n');
  assert.ok(!isStaleNaN((r[0] as unknown[])[2] as number));
});

test('timestamps are int64 as Go parses them: past the range is "value out of range", the edges are accepted', () => {
  const ts = (body: string) => {
    const p = newParser(body, undefined);
    p.next();
    return p.timestamp();
  };
  assert.equal(ts('m 1 9223372036854775807\n'), 9223372036854775807);
  assert.equal(ts('m 1 -9223372036854775808\n'), -9223372036854775808);
  assert.equal(ts('m 1 0009223372036854775807\n'), 9223372036854775807);
  for (const bad of [
    '9223372036854775808',
    '-9223372036854775809',
    '12345678901234567890',
    '9'.repeat(400),
  ]) {
    assert.throws(() => ts(`m 1 ${bad}\n`), {
      message: `strconv.ParseInt: parsing "${bad}": value out of range while parsing: "m 1 ${bad}"`,
    });
  }
  // OpenMetrics timestamps are float seconds; past int64 they become Go's amd64 conversion result.
  const om = newParser('m 1 1e300\n# EOF\n', 'application/openmetrics-text');
  om.next();
  assert.equal(om.timestamp(), -(2 ** 63));
});

test('a label value that was not UTF-8 is refused with its bytes; elsewhere invalid bytes show as U+FFFD', () => {
  const raw = Buffer.concat([
    Buffer.from('# HELP m h\xff\n', 'latin1'),
    Buffer.from('m{a="x'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('"} 1\n'),
  ]);
  const p = newParser(decodeExposition(raw), undefined);
  assert.equal(p.next(), 'help');
  assert.deepEqual(p.help(), ['m', 'h\ufffd']);
  assert.throws(() => p.next(), { message: 'invalid UTF-8 label value: "\\"x\\xc3(\\""' });
  // Valid multi-byte UTF-8 (and a genuine U+FFFD) passes untouched.
  const ok = newParser(decodeExposition(Buffer.from('m{a="é😀\ufffd"} 1\n')), undefined);
  ok.next();
  assert.equal(ok.labels().get('a'), 'é😀\ufffd');
  // An encoded surrogate (not valid UTF-8) is refused byte by byte.
  const sur = newParser(
    decodeExposition(
      Buffer.concat([Buffer.from('m{a="'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"} 1\n')]),
    ),
    undefined,
  );
  assert.throws(() => sur.next(), {
    message: 'invalid UTF-8 label value: "\\"\\xed\\xa0\\x80\\""',
  });
});
