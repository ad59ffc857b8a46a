// Each target is scraped at a stable phase of its interval; the server's seed (hostname and
// external labels, as Prometheus's offsetSeed) moves every phase, so HA replicas do not scrape
// the same target at the same instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/labels/index.ts';
import { Target } from '../../src/scrape/index.ts';

test('scrape offsets: stable per target, within the interval, shifted by the server seed', () => {
  const interval = 15_000;
  const targets = Array.from(
    { length: 50 },
    (_, i) =>
      new Target(
        'job',
        Labels.fromStrings('instance', `h${i}:9100`, 'job', 'job'),
        Labels.fromStrings('__address__', `h${i}:9100`),
        {},
      ),
  );
  const now = 1_700_000_000_123;
  const phase = (t: Target, seed: number) => (now + t.offset(interval, now, seed)) % interval;
  for (const t of targets) {
    const o = t.offset(interval, now, 7);
    assert.ok(o >= 0 && o <= interval, `offset ${o}`);
    assert.equal(
      phase(t, 7),
      (now + 5000 + t.offset(interval, now + 5000, 7)) % interval,
      'the phase does not depend on when it is asked',
    );
  }
  const a = targets.map((t) => phase(t, 1));
  const b = targets.map((t) => phase(t, 2));
  assert.ok(a.filter((x, i) => x !== b[i]).length > 45, 'another seed, other phases');
  assert.ok(new Set(a).size > 45, 'targets spread over the interval');
});
