// The shard count of a remote-write queue, as Prometheus works it out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EWMARate, desiredShards, type ShardInputs } from '../../../src/storage/remote/sharding.ts';

const base: ShardInputs = {
  current: 1,
  min: 1,
  max: 50,
  inRate: 1000,
  outRate: 1000,
  droppedRate: 0,
  outDuration: 0.5,
  delay: 0,
};

test('EWMA rate: the first tick sets it, later ones move a fifth of the way', () => {
  const r = new EWMARate(10_000);
  r.incr(1000);
  r.tick();
  assert.equal(r.rate(), 100);
  r.incr(2000);
  r.tick();
  assert.equal(r.rate(), 120);
  r.tick();
  assert.equal(r.rate(), 96);
});

test('desired shards: enough to send what comes in, plus 5% of the backlog a second', () => {
  // Half a second of sending per second of data: one shard is enough.
  assert.deepEqual(desiredShards(base), { estimate: 0.5, shards: 1 });
  // Four seconds of sending per second: four shards.
  assert.equal(desiredShards({ ...base, outDuration: 4 }).shards, 4);
  // 100 s behind at 1000 samples/s: 100,000 pending, 5,000/s more to send.
  assert.deepEqual(desiredShards({ ...base, outDuration: 1, delay: 100 }), {
    estimate: 6,
    shards: 6,
  });
  // Samples dropped by relabeling are not work.
  assert.equal(
    desiredShards({ ...base, current: 4, outDuration: 4, outRate: 500, droppedRate: 500 }).shards,
    4,
  );
});

test('desired shards: tolerance, bounds, and no shrinking while behind', () => {
  assert.equal(
    desiredShards({ ...base, current: 10, outDuration: 12 }).shards,
    10,
    'within 30%: unchanged',
  );
  assert.equal(desiredShards({ ...base, current: 10, outDuration: 14 }).shards, 14);
  assert.equal(desiredShards({ ...base, outDuration: 400 }).shards, 50, 'capped at max_shards');
  assert.equal(
    desiredShards({ ...base, current: 8, min: 2, outDuration: 0.1 }).shards,
    2,
    'floored at min_shards',
  );
  assert.equal(
    desiredShards({ ...base, current: 8, outDuration: 0.1, delay: 11 }).shards,
    8,
    'more than 10 s behind: no downsharding',
  );
  assert.deepEqual(
    desiredShards({ ...base, current: 3, outRate: 0 }),
    { estimate: 3, shards: 3 },
    'nothing sent yet: nothing to go by',
  );
});
