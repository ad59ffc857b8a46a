// The remote-write receiver beside the real Prometheus's (--web.enable-remote-write-receiver):
// the same requests get the same status and leave the same samples. Inside one request a
// series' out-of-order or same-timestamp samples are dropped at commit and the rest kept (204),
// as Prometheus's head checks samples only against what was committed before; a sample older
// than the stored data fails the request whole (400).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { compress } from 'snappyjs';
import { Labels, Matcher } from '../../../src/model/labels/index.ts';
import { openDB } from '../../../src/tsdb/index.ts';
import {
  encodeWriteRequest,
  writeHandler,
  type PbTimeSeries,
} from '../../../src/storage/remote/index.ts';
import { nopLogger } from '../../../src/util/log.ts';
import { peer, startRealPrometheus, tempDir } from '../../support/peers.ts';

const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const series = (name: string, samples: [number, number][]): PbTimeSeries => ({
  labels: Labels.fromStrings('__name__', name),
  samples: samples.map(([dt, value]) => ({ timestamp: T0 + dt, value })),
});

/** Requests in order; every one is answered before the next goes. */
const REQUESTS: PbTimeSeries[][] = [
  [
    series('ooo_inside', [
      [1000, 1],
      [3000, 3],
      [2000, 2],
      [4000, 4],
    ]),
  ],
  [
    series('dup_inside', [
      [1000, 1],
      [1000, 2],
      [2000, 3],
    ]),
  ],
  [series('older_than_stored', [[5000, 5]])],
  [
    series('older_than_stored', [
      [4000, 4],
      [6000, 6],
    ]),
    series('same_request_other', [[1000, 1]]),
  ],
];

async function push(url: string, body: PbTimeSeries[]): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    body: new Uint8Array(compress(encodeWriteRequest(body))),
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
  });
  await res.arrayBuffer();
  return res.status;
}

const NAMES = ['ooo_inside', 'dup_inside', 'older_than_stored', 'same_request_other'];

test('remote-write requests with out-of-order samples: statuses and stored samples as the real receiver', async (t) => {
  const { dir, cleanup } = tempDir('rw-recv-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true });
  t.after(() => db.close());
  const handler = writeHandler(db, nopLogger);
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`;
  const statuses: number[] = [];
  for (const r of REQUESTS) statuses.push(await push(url, r));
  const stored: Record<string, [number, number][]> = {};
  for (const name of NAMES) {
    const ss = db
      .querier(0, Number.MAX_SAFE_INTEGER)
      .select(true, undefined, Matcher.equal('__name__', name));
    const got: [number, number][] = [];
    if (ss.next()) {
      const it = ss.at().iterator();
      while (it.next()) got.push([it.atT() - T0, it.atF()]);
    }
    stored[name] = got;
  }
  assert.deepEqual(statuses, [204, 204, 204, 400]);
  assert.deepEqual(stored, {
    ooo_inside: [
      [1000, 1],
      [3000, 3],
      [4000, 4],
    ],
    dup_inside: [
      [1000, 1],
      [2000, 3],
    ],
    older_than_stored: [[5000, 5]],
    same_request_other: [],
  });

  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus('global: {}\n', ['--web.enable-remote-write-receiver']);
  t.after(() => real.stop());
  const realStatuses: number[] = [];
  for (const r of REQUESTS) realStatuses.push(await push(`${real.url}/api/v1/write`, r));
  assert.deepEqual(statuses, realStatuses);
  const realStored: Record<string, [number, number][]> = {};
  for (const name of NAMES) {
    const q = `${real.url}/api/v1/query?query=${encodeURIComponent(`${name}[10m]`)}&time=${(T0 + 60_000) / 1000}`;
    const res = (await (await fetch(q)).json()) as {
      data: { result: { values: [number, string][] }[] };
    };
    realStored[name] = (res.data.result[0]?.values ?? []).map(([s, v]) => [
      Math.round(s * 1000) - T0,
      Number(v),
    ]);
  }
  assert.deepEqual(stored, realStored);
});
