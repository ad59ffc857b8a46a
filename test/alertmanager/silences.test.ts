import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMMatcher } from '../../src/alertmanager/matchers/index.js';
import { NotificationLog } from '../../src/alertmanager/nflog/index.js';
import { Silences, silenceState } from '../../src/alertmanager/silence/index.js';
import { nopLogger } from '../../src/util/log.js';

const H = 3600_000;

test('silences: update in place while allowed, else expire and replace; expire; mute', () => {
  let now = 1_000_000_000_000;
  const s = new Silences({ retention: 120 * H, logger: nopLogger, now: () => now });
  const m = [new AMMatcher('=', 'alertname', 'A'), new AMMatcher('=~', 'instance', 'web-.*')];
  const id = s.set({
    id: '',
    matchers: m,
    startsAt: now - 1000,
    endsAt: now + H,
    createdBy: 'a',
    comment: 'c',
  });
  assert.equal(s.get(id)!.startsAt, now, 'a start in the past becomes now');
  assert.deepEqual(s.mutedBy({ alertname: 'A', instance: 'web-1' }), [id]);
  assert.deepEqual(s.mutedBy({ alertname: 'A', instance: 'db-1' }), []);
  // Extending an active silence keeps its id.
  now += 1000;
  assert.equal(s.set({ ...s.get(id)!, endsAt: now + 2 * H }), id);
  // Changing its matchers expires it and creates another.
  const id2 = s.set({ ...s.get(id)!, matchers: [new AMMatcher('=', 'alertname', 'B')] });
  assert.notEqual(id2, id);
  assert.equal(silenceState(s.get(id)!, now), 'expired');
  assert.equal(silenceState(s.get(id2)!, now), 'active');
  // A pending silence expires with start = end = now.
  const p = s.set({
    id: '',
    matchers: [new AMMatcher('=', 'x', 'y')],
    startsAt: now + H,
    endsAt: now + 2 * H,
    createdBy: 'a',
    comment: 'later',
  });
  assert.equal(silenceState(s.get(p)!, now), 'pending');
  s.expire(p);
  assert.deepEqual([s.get(p)!.startsAt, s.get(p)!.endsAt], [now, now]);
  assert.throws(() => s.expire(p), /already expired/);
  assert.throws(
    () =>
      s.set({
        id: '00000000-0000-0000-0000-000000000000',
        matchers: m,
        startsAt: now,
        endsAt: now + H,
        createdBy: '',
        comment: '',
      }),
    /silence not found/,
  );
  assert.throws(
    () =>
      s.set({
        id: '',
        matchers: [new AMMatcher('=~', 'a', '.*')],
        startsAt: now,
        endsAt: now + H,
        createdBy: '',
        comment: '',
      }),
    /at least one matcher must not match the empty string/,
  );
  // Garbage collection after the retention, counted from each silence's end.
  now += 119 * H;
  assert.equal(s.gc(), 0);
  now += 2 * H;
  assert.equal(s.gc(), 2); // id and p ended about 121h ago; id2 ended 2h after its start
  assert.deepEqual(
    s.list().map((x) => x.id),
    [id2],
  );
});

test('nflog: entries expire after 2 × repeat_interval when that is shorter than the retention', () => {
  let now = 1_000_000_000_000;
  const l = new NotificationLog({ retention: 120 * H, logger: nopLogger, now: () => now });
  const r = { groupName: 'team', integration: 'webhook', idx: 0 };
  l.log('{}:{a="1"}', r, [1n, 2n], [], 2 * 4 * H);
  l.log('{}:{a="2"}', r, [3n], [], 2 * 100 * H);
  assert.deepEqual([...l.query('{}:{a="1"}', r)!.firing], [1n, 2n]);
  now += 8 * H + 1;
  assert.equal(l.gc(), 1);
  assert.equal(l.query('{}:{a="1"}', r), undefined);
  assert.ok(l.query('{}:{a="2"}', r));
  now += 112 * H;
  assert.equal(l.gc(), 1, 'the retention caps a longer expiry');
});
