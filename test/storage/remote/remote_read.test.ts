// Remote read (/api/v1/read) against real peers, over blocks backfilled by the real promtool and
// shared by both servers: the real Prometheus's remote_read (SAMPLES) reads our data as its own,
// and a STREAMED_XOR_CHUNKS request — what Thanos sidecar sends — gets the same series and samples
// from us as from the real Prometheus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compress } from 'snappyjs';
import { Matcher, MatchType } from '../../../src/model/labels/index.ts';
import {
  decodeChunkedReadResponse,
  encodeReadRequest,
  readFrames,
  RESPONSE_STREAMED_XOR_CHUNKS,
  STREAMED_CONTENT_TYPE,
} from '../../../src/storage/remote/index.ts';
import { XORIterator } from '../../../src/tsdb/chunkenc/index.ts';
import { ValueType } from '../../../src/storage/index.ts';
import {
  PEERS,
  peer,
  tempDir,
  freePort,
  startProcess,
  waitReady,
  startRealPrometheus,
  type RunningProcess,
} from '../../support/peers.ts';
import { runCommand, startOurServer, type OurServer } from '../../support/server.ts';
import { isStaleNaN } from '../../../src/model/value/index.ts';

const T0 = 1700000000;
const available = existsSync(PEERS.prometheus) && existsSync(PEERS.promtool);
let real: RunningProcess | null = null;
let realURL = '';
let ours: OurServer | null = null;
let cleanup: () => void = () => {};

/** 300 series × 500 samples (more than one chunk each), and a gap. */
function data(): string {
  const out = ['# TYPE rr_metric gauge'];
  for (let s = 0; s < 300; s++) {
    for (let i = 0; i < 500; i++) {
      if (s === 7 && i >= 200 && i < 260) continue;
      out.push(
        `rr_metric{job="j${s % 3}",idx="${s}"} ${(s * 1000 + i * 0.25).toFixed(2)} ${T0 + i * 15}`,
      );
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

before(async () => {
  if (!available) return;
  const t = tempDir('remote-read-');
  cleanup = t.cleanup;
  writeFileSync(join(t.dir, 'data.om'), data());
  const imp = await runCommand(PEERS.promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(t.dir, 'data.om'),
    join(t.dir, 'real'),
  ]);
  assert.equal(imp.code, 0, imp.stderr);
  cpSync(join(t.dir, 'real'), join(t.dir, 'ours', 'data'), { recursive: true });
  writeFileSync(
    join(t.dir, 'p.yml'),
    'global:\n  scrape_interval: 1h\n  external_labels: { site: casa }\n',
  );
  const port = await freePort();
  real = startProcess(PEERS.prometheus, [
    `--config.file=${join(t.dir, 'p.yml')}`,
    `--storage.tsdb.path=${join(t.dir, 'real')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
  ]);
  realURL = `http://127.0.0.1:${port}`;
  await waitReady(`${realURL}/-/ready`, 30_000, real);
  ours = await startOurServer(
    'global:\n  scrape_interval: 1h\n  external_labels: { site: casa }\n',
    ['--storage.tsdb.retention.time=100y'],
    { dir: join(t.dir, 'ours') },
  );
});

after(async () => {
  await ours?.stop();
  await real?.stop();
  cleanup();
});

type Got = Map<string, { t: number; v: number }[]>;

/** A streamed read of the matchers over [start, end], decoded to samples per series (within the range). */
async function streamedRead(
  base: string,
  matchers: Matcher[],
  start: number,
  end: number,
): Promise<Got> {
  const body = new Uint8Array(
    compress(
      encodeReadRequest(
        [{ startTimestampMs: start, endTimestampMs: end, matchers }],
        [RESPONSE_STREAMED_XOR_CHUNKS],
      ),
    ),
  );
  const r = await fetch(`${base}/api/v1/read`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Read-Version': '0.1.0',
    },
  });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), STREAMED_CONTENT_TYPE);
  const got: Got = new Map();
  for (const msg of readFrames(new Uint8Array(await r.arrayBuffer()))) {
    const { series, queryIndex } = decodeChunkedReadResponse(msg);
    assert.equal(queryIndex, 0);
    for (const s of series) {
      const key = s.labels.toString();
      const list = got.get(key) ?? [];
      got.set(key, list);
      for (const c of s.chunks) {
        const it = new XORIterator(c.data);
        // Chunks are whole: the real one may send samples outside the range; compare what is inside.
        for (let vt = it.next(); vt !== ValueType.None; vt = it.next())
          if (it.atT() >= start && it.atT() <= end) list.push({ t: it.atT(), v: it.atF() });
        assert.ok(c.minTimeMs <= c.maxTimeMs);
      }
    }
  }
  return got;
}

test('a STREAMED_XOR_CHUNKS read (as Thanos sidecar sends) gets the same series and samples as from the real Prometheus', async (t) => {
  if (!peer('prometheus', t) || !ours) return;
  const cases: [Matcher[], number, number][] = [
    [[new Matcher(MatchType.Equal, '__name__', 'rr_metric')], T0 * 1000, (T0 + 500 * 15) * 1000],
    [[new Matcher(MatchType.Regexp, 'idx', '7|1.')], (T0 + 1000) * 1000, (T0 + 4000) * 1000],
    [
      [
        new Matcher(MatchType.Equal, '__name__', 'rr_metric'),
        new Matcher(MatchType.Equal, 'site', 'casa'),
      ],
      T0 * 1000,
      (T0 + 100) * 1000,
    ],
    [
      [
        new Matcher(MatchType.Equal, '__name__', 'rr_metric'),
        new Matcher(MatchType.Equal, 'site', 'elsewhere'),
      ],
      T0 * 1000,
      (T0 + 100) * 1000,
    ],
  ];
  for (const [matchers, start, end] of cases) {
    const [a, b]: [Got, Got] = await Promise.all([
      streamedRead(realURL, matchers, start, end),
      streamedRead(ours.url, matchers, start, end),
    ]);
    const what = matchers.map(String).join(',');
    assert.deepEqual([...b.keys()], [...a.keys()], `same series, same order: ${what}`);
    for (const [k, samples] of a) assert.deepEqual(b.get(k), samples, `${what}: ${k}`);
  }
  const all = await streamedRead(ours.url, cases[0]![0], cases[0]![1], cases[0]![2]);
  assert.equal(all.size, 300);
  assert.ok(
    [...all.keys()].every((k) => k.includes('site="casa"')),
    'external labels added',
  );
  assert.ok([...all.values()].every((s) => s.every((x) => !isStaleNaN(x.v))));
});

test('the real Prometheus reads our data through remote_read (SAMPLES) as if it were its own', async (t) => {
  if (!peer('prometheus', t) || !ours) return;
  const reader = await startRealPrometheus(
    `global:\n  scrape_interval: 1h\nremote_read:\n  - url: ${ours.url}/api/v1/read\n    read_recent: true\n`,
  );
  t.after(() => reader.stop());
  const at = T0 + 300 * 15;
  const q = async (base: string, expr: string) =>
    (
      (await (
        await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}&time=${at}`)
      ).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }
    ).data.result;
  const viaRemote = await q(reader.url, 'sum by (job) (rr_metric)');
  const direct = await q(realURL, 'sum by (job) (rr_metric)');
  assert.equal(viaRemote.length, 3);
  const norm = (r: typeof direct) => r.map((s) => [s.metric['job'], s.value[1]]).sort();
  assert.deepEqual(norm(viaRemote), norm(direct));
  const one = await q(reader.url, 'rr_metric{idx="42"}');
  assert.deepEqual(
    one[0]?.metric,
    { __name__: 'rr_metric', idx: '42', job: 'j0', site: 'casa' },
    'our external labels come along',
  );
});
