import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XORAppender, XORIterator } from '../../src/tsdb/chunkenc/index.js';
import { STALE_NAN, isStaleNaN } from '../../src/model/value/index.js';

function roundTrip(ts: number[], vs: number[]): void {
  const a = new XORAppender();
  for (let i = 0; i < ts.length; i++) a.append(ts[i]!, vs[i]!);
  const it = new XORIterator(a.bytes());
  for (let i = 0; i < ts.length; i++) {
    assert.equal(it.next(), 1, `sample ${i}`);
    assert.equal(it.atT(), ts[i]);
    if (Number.isNaN(vs[i])) assert.ok(Number.isNaN(it.atF()));
    else assert.equal(Object.is(it.atF(), vs[i]), true, `value ${i}: ${it.atF()} != ${vs[i]}`);
  }
  assert.equal(it.next(), 0);
  assert.equal(it.err(), null);
}

test('xor: regular scrape data round-trips', () => {
  const ts: number[] = [];
  const vs: number[] = [];
  let t = 1700000000000;
  let v = 1000;
  for (let i = 0; i < 120; i++) {
    t += 15000 + ((i * 7919) % 50) - 25;
    v += (i % 3) * 1.5;
    ts.push(t);
    vs.push(v);
  }
  roundTrip(ts, vs);
});

test('xor: extreme deltas, negative times, special floats', () => {
  roundTrip(
    [-5000, -4999, 0, 8192, 8192 + 70000, 8192 + 70000 + 600000, 1e12, 1e12 + 1, 2e12, 2e12 + 5],
    [0, -0, 1.5, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN, 123456.789, -1e-300],
  );
  const r: number[] = [];
  const ts: number[] = [];
  let x = 12345;
  for (let i = 0; i < 500; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    r.push((x / 2147483648) * 1e6 - 5e5);
    ts.push(i * 1000 + (x % 7));
  }
  roundTrip(
    ts.map((t, i) => t + i),
    r,
  );
});

test('xor: stale markers keep their NaN payload', () => {
  const a = new XORAppender();
  a.append(1000, 1);
  a.append(2000, STALE_NAN);
  a.append(3000, 2);
  const it = new XORIterator(a.bytes());
  it.next();
  it.next();
  assert.ok(isStaleNaN(it.atF()));
  it.next();
  assert.equal(it.atF(), 2);
});

test('xor: seek moves forward only', () => {
  const a = new XORAppender();
  for (let i = 0; i < 10; i++) a.append(i * 10, i);
  const it = new XORIterator(a.bytes());
  assert.equal(it.seek(35), 1);
  assert.equal(it.atT(), 40);
  assert.equal(it.seek(10), 1);
  assert.equal(it.atT(), 40);
  assert.equal(it.seek(1000), 0);
});
