// The real server with its data directory on a small tmpfs that fills up while it ingests (remote
// write, then scrapes): reads keep answering, errors are logged and counted, compaction and the
// snapshot API fail cleanly, everything acknowledged survives kill -9, and once the filler is
// deleted everything resumes with no manual step.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compress } from 'snappyjs';
import { Labels } from '../../src/model/labels/index.js';
import { encodeWriteRequest, type PbTimeSeries } from '../../src/storage/remote/prompb.js';
import { peer, startRealPrometheus, tempDir } from '../support/peers.js';
import { metricValue, startOurServer, until, type OurServer } from '../support/server.js';
import { fillDisk, mountTmpfs, unfill, unmount } from '../support/tmpfs.js';

const H = 3600_000;
const SERIES = 400;

async function remoteWrite(url: string, ts: number[]): Promise<{ status: number; body: string }> {
  const series: PbTimeSeries[] = [];
  for (let s = 0; s < SERIES; s++) {
    series.push({
      labels: Labels.fromStrings('__name__', 'rw', 's', String(s)),
      samples: ts.map((t) => ({ timestamp: t, value: Math.random() })),
    });
  }
  const r = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
    body: new Uint8Array(compress(encodeWriteRequest(series))),
  });
  return { status: r.status, body: await r.text() };
}

/**
 * A temp dir with a tmpfs of 8 MiB at dir/data, and one after-hook that stops the server first,
 * then unmounts, then removes the dir (in that order: the server holds files on the tmpfs).
 */
function setup(
  t: TestContext,
): { dir: string; data: string; started: (s: OurServer) => void } | null {
  const { dir, cleanup } = tempDir('faults-e2e-');
  const data = join(dir, 'data');
  let srv: OurServer | null = null;
  t.after(async () => {
    await srv?.stop('SIGKILL');
    unmount(data);
    cleanup();
  });
  if (mountTmpfs(t, 8, data) === null) return null;
  return { dir, data, started: (s) => (srv = s) };
}

async function query(
  url: string,
  q: string,
  time: number,
): Promise<{
  status: string;
  data: {
    result: {
      metric: Record<string, string>;
      values?: [number, string][];
      value?: [number, string];
    }[];
  };
}> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}&time=${time / 1000}`);
  return (await r.json()) as never;
}

function halfWritten(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp-for-creation'));
}

test('disk full under a running server (remote write): reads answer, errors counted, compaction and snapshot fail cleanly and recover by themselves, nothing acknowledged lost', async (t) => {
  const env = setup(t);
  if (env === null) return;
  const { dir, data } = env;
  const flags = ['--web.enable-remote-write-receiver', '--web.enable-admin-api'];
  let srv: OurServer = await startOurServer('global: {}\n', flags, { dir });
  env.started(srv);
  const acked: number[] = [];
  const send = async (ts: number[]): Promise<{ status: number; body: string }> => {
    const r = await remoteWrite(srv.url, ts);
    if (r.status === 204) acked.push(...ts);
    return r;
  };
  // 2.5 hours of history: not yet enough for the head to be compacted (1.5 block ranges).
  const base = Math.floor((Date.now() - 3.5 * H) / 60_000) * 60_000;
  for (let k = 0; k < 15; k++) {
    const r = await send(Array.from({ length: 10 }, (_, i) => base + (k * 10 + i) * 60_000));
    assert.equal(r.status, 204, r.body);
  }
  // Little room left: a small write still fits, the block the next compaction writes does not.
  let filler = fillDisk(data, 200 * 1024);
  const now = Math.floor(Date.now() / 1000) * 1000;
  assert.equal((await send([now])).status, 204);
  await until(
    srv,
    'a failed compaction',
    20_000,
    async () => (await metricValue(srv.url, 'prometheus_tsdb_compactions_failed_total')) >= 1,
  );
  assert.match(
    srv.proc.output(),
    /level=error component=tsdb msg="compaction failed" err=".*ENOSPC/,
  );
  // What a failed compaction must leave: nothing half-written. (Whether a later retry fits in
  // the little room left depends on what else the disk took meanwhile, so no block count here.)
  assert.deepEqual(halfWritten(data), [], 'no half-written block');

  // No room at all: remote writes are refused with 500 (the sender retries), counted and logged.
  filler = fillDisk(data);
  for (let i = 1; i <= 3; i++) {
    const r = await send([now + i * 1000]);
    assert.equal(r.status, 500, r.body);
    // Prometheus 2.42 answers the same: "write to WAL: log samples: write …/wal/00000000: no space left on device".
    assert.match(
      r.body,
      /^write to WAL: log samples: write .*\/wal\/\d{8}: no space left on device\n$/,
    );
  }
  assert.ok((await metricValue(srv.url, 'prometheus_tsdb_wal_writes_failed_total')) >= 3);
  assert.match(
    srv.proc.output(),
    /level=error .*msg="Error appending remote write" err="write to WAL: log samples: write .*: no space left on device"/,
  );
  // Reads answer.
  const c = await query(srv.url, 'count(rw)', now);
  assert.equal(c.status, 'success');
  assert.equal(c.data.result[0]!.value![1], String(SERIES));
  // The snapshot API answers Prometheus's internal error, and leaves no partial snapshot.
  const snap = await fetch(`${srv.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
  assert.equal(snap.status, 500);
  const sj = (await snap.json()) as { status: string; errorType: string; error: string };
  assert.equal(sj.status, 'error');
  assert.equal(sj.errorType, 'internal');
  assert.match(sj.error, /^create snapshot.*ENOSPC/);
  const snapDir = join(data, 'snapshots');
  assert.deepEqual(existsSync(snapDir) ? readdirSync(snapDir) : [], []);

  // Space is back: everything resumes by itself.
  unfill(filler);
  for (let i = 4; i <= 6; i++) assert.equal((await send([now + i * 1000])).status, 204);
  await until(
    srv,
    'the compaction retried by itself',
    60_000,
    async () => (await metricValue(srv.url, 'prometheus_tsdb_blocks_loaded')) >= 1,
  );
  assert.deepEqual(halfWritten(data), []);
  const ok = await fetch(`${srv.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
  assert.equal(ok.status, 200);
  const name = ((await ok.json()) as { data: { name: string } }).data.name;
  assert.ok(readdirSync(join(snapDir, name)).length >= 1);

  // kill -9, restart: every acknowledged sample is there, and nothing that was refused.
  await srv.stop('SIGKILL');
  srv = await startOurServer('global: {}\n', flags, { dir });
  env.started(srv);
  const last = acked[acked.length - 1]!;
  const r = await query(srv.url, 'rw[5h]', last);
  assert.equal(r.status, 'success');
  assert.equal(r.data.result.length, SERIES);
  const want = [...acked].sort((a, b) => a - b);
  for (const s of r.data.result)
    assert.deepEqual(
      s.values!.map((v) => Math.round(v[0] * 1000)),
      want,
      `series s=${s.metric.s}`,
    );

  // A block directory deleted under the running server: queries still answer (its files are open).
  const { rmSync } = await import('node:fs');
  const blocks = readdirSync(data).filter((f) => /^[0-9A-Z]{26}$/.test(f));
  assert.ok(blocks.length >= 1);
  for (const b of blocks) rmSync(join(data, b), { recursive: true, force: true });
  const r2 = await query(srv.url, 'count_over_time(rw[5h])', last);
  assert.equal(r2.status, 'success');
  assert.equal(r2.data.result.length, SERIES);
  assert.equal((await fetch(`${srv.url}/-/healthy`)).status, 200);
});

test('disk full under a scraping server: scrape commits fail (logged as Prometheus does), the target stays up, committed scrapes survive kill -9, scraping resumes by itself', async (t) => {
  const env = setup(t);
  if (env === null) return;
  const { dir, data } = env;
  let n = 0;
  const target = createServer((_req, res) => {
    n++;
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    // Enough series that one scrape's WAL record does not fit in what is left of a page.
    let body = '';
    for (let i = 0; i < 300; i++) body += `fault_scraped{i="${i}"} ${n}\n`;
    res.end(body);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.after(() => target.close());
  const port = (target.address() as { port: number }).port;
  const cfg = `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: t\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
  let srv: OurServer = await startOurServer(cfg, [], { dir });
  env.started(srv);
  const stored = async (): Promise<number[]> => {
    const r = await query(srv.url, 'fault_scraped{i="0"}[1h]', Date.now());
    return r.data.result[0]?.values?.map((v) => Math.round(v[0] * 1000)) ?? [];
  };
  await until(srv, 'three stored scrapes', 20_000, async () => (await stored()).length >= 3);
  const filler = fillDisk(data);
  await until(srv, 'a failed scrape commit', 20_000, () =>
    /level=error .*msg="Scrape commit failed".*no space left on device/.test(srv.proc.output()),
  );
  const before = await stored(); // reads answer while the disk is full
  assert.ok(before.length >= 3);
  // Prometheus reports the target by its scrape, not by the commit: still up.
  const targets = (await (await fetch(`${srv.url}/api/v1/targets`)).json()) as {
    data: { activeTargets: { health: string }[] };
  };
  assert.equal(targets.data.activeTargets[0]!.health, 'up');
  unfill(filler);
  await until(
    srv,
    'scrapes stored again',
    20_000,
    async () => (await stored()).length >= before.length + 2,
  );
  const committed = await stored();
  await srv.stop('SIGKILL');
  srv = await startOurServer(cfg, [], { dir });
  env.started(srv);
  const after = await stored();
  for (const ts of committed) assert.ok(after.includes(ts), `scrape at ${ts} survived`);
});

test('a read-only data directory at start: one clear error line naming it, and exit code 1', async (t) => {
  const env = setup(t);
  if (env === null) return;
  const { execFileSync } = await import('node:child_process');
  execFileSync('mount', ['-o', 'remount,ro', env.data]);
  const srv = await startOurServer('global: {}\n', [], { dir: env.dir, waitReady: false });
  env.started(srv);
  const p = srv.proc.proc;
  const code = await new Promise<number | null>((resolve) =>
    p.exitCode !== null ? resolve(p.exitCode) : p.on('exit', (c) => resolve(c)),
  );
  assert.equal(code, 1);
  const errors = srv.proc
    .output()
    .split('\n')
    .filter((l) => l.includes('level=error'));
  assert.equal(errors.length, 1, srv.proc.output());
  assert.match(
    errors[0]!,
    new RegExp(`msg="Opening storage failed" err="open ${env.data}: read-only file system"$`),
  );
});

test('disk full, side by side with the real Prometheus 2.42: the same refusal of remote writes, queries answer, the snapshot API fails as internal, both resume', async (t) => {
  if (peer('prometheus', t) === null) return;
  const flags = ['--web.enable-remote-write-receiver', '--web.enable-admin-api'];
  const run = async (
    start: (data: string) => Promise<{ url: string; stop: () => Promise<unknown> }>,
  ): Promise<Record<string, string> | null> => {
    const env = setup(t);
    if (env === null) return null;
    const srv = await start(env.data);
    t.after(() => srv.stop());
    const out: Record<string, string> = {};
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    out.history = String((await remoteWrite(srv.url, [base, base + 60_000])).status);
    const filler = fillDisk(env.data);
    for (let i = 2; i < 8; i++) {
      const r = await remoteWrite(srv.url, [base + i * 60_000]);
      if (r.status === 204) continue;
      out.refused = `${r.status} ${r.body.split(env.data).join('<data>')}`;
      break;
    }
    out.query = String(
      (await fetch(`${srv.url}/api/v1/query?query=count(rw)&time=${base / 1000 + 60}`)).status,
    );
    const snap = await fetch(`${srv.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
    const sj = (await snap.json()) as { errorType?: string; error?: string };
    out.snapshot = `${snap.status} ${sj.errorType} ${/^create snapshot: .*no space left on device/.test(sj.error ?? '')}`;
    unfill(filler);
    out.resumed = String((await remoteWrite(srv.url, [base + 9 * 60_000])).status);
    return out;
  };
  const ours = await run(async (data) =>
    startOurServer('global: {}\n', flags, { dir: join(data, '..') }),
  );
  const real = await run(async (data) =>
    startRealPrometheus('global: {}\n', flags, { dataDir: data }),
  );
  if (ours === null || real === null) return;
  assert.deepEqual(ours, real);
  assert.deepEqual(ours, {
    history: '204',
    refused: '500 write to WAL: log samples: write <data>/wal/00000000: no space left on device\n',
    query: '200',
    snapshot: '500 internal true',
    resumed: '204',
  });
});
