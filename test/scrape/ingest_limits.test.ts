// What a scrape refuses, beside the real Prometheus scraping the same targets: a sample stamped
// far in the future is dropped alone (the head's max time stays, other targets go on), a
// timestamp past int64 or a label value that is not UTF-8 fails the target, and a body past
// sample_limit still reports how many samples it had; any other append error fails the scrape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher, MatchType } from '../../src/model/labels/index.ts';
import { StorageError } from '../../src/storage/index.ts';
import { openDB } from '../../src/tsdb/index.ts';
import { peer, startRealPrometheus, tempDir } from '../support/peers.ts';
import { read, until, harness, serve, scrapeOneTarget } from './harness.ts';

const eq = (n: string, v: string) => new Matcher(MatchType.Equal, n, v);
const FUTURE = 4102444800000; // 2100-01-01

const bodies: Record<string, string | Buffer> = {
  '/future': `hn 1 ${FUTURE}\nnow_metric 2\n`,
  '/longts': `hn 1 ${'9'.repeat(400)}\n`,
  '/int64ts': 'hn 1 12345678901234567890\n',
  '/utf8': Buffer.concat([
    Buffer.from('bad{v="a'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"} 1\n'),
  ]),
  '/limited': 'a 1\nb 2\nc 3\nd 4\n',
};
const jobs = Object.keys(bodies).map((p) => p.slice(1));

function config(port: number): string {
  return `global:
  scrape_interval: 500ms
  scrape_timeout: 400ms
scrape_configs:
${jobs
  .map(
    (j) => `  - job_name: ${j}
    metrics_path: /${j}
${j === 'limited' ? '    sample_limit: 2\n' : ''}    static_configs: [{targets: ['127.0.0.1:${port}']}]`,
  )
  .join('\n')}
`;
}

interface Outcome {
  health: string;
  lastError: string;
  scraped: number;
  post: number;
}

function lastValue(h: Awaited<ReturnType<typeof harness>>, name: string, job: string): number {
  return read(h.db, eq('__name__', name), eq('job', job))[0]?.vs.at(-1) ?? NaN;
}

test('scrape refusals match the real Prometheus: future samples, long timestamps, invalid UTF-8, sample_limit', async (t) => {
  const { port, server } = await serve((path) => ({ body: bodies[path] ?? '' }));
  t.after(() => server.close());
  const yaml = config(port);
  const h = await harness(yaml);
  t.after(() => h.stop());
  await until(() =>
    jobs.every((j) => (read(h.db, eq('__name__', 'up'), eq('job', j))[0]?.vs.length ?? 0) >= 2),
  );
  const ours = new Map<string, Outcome>();
  for (const j of jobs) {
    const tg = h.sm.targetsActive().get(j)![0]!;
    ours.set(j, {
      health: tg.health,
      lastError: tg.lastError,
      scraped: lastValue(h, 'scrape_samples_scraped', j),
      post: lastValue(h, 'scrape_samples_post_metric_relabeling', j),
    });
  }

  // The future sample is dropped alone and does not move the head: later scrapes still append.
  assert.equal(read(h.db, eq('__name__', 'hn')).length, 0);
  assert.ok(
    h.db.head.maxTime < Date.now() + 60_000,
    `head max time ${h.db.head.maxTime} moved into the future`,
  );
  const now = read(h.db, eq('__name__', 'now_metric'))[0]!;
  const before = now.ts.length;
  await until(() => read(h.db, eq('__name__', 'now_metric'))[0]!.ts.length > before);
  assert.deepEqual(ours.get('future'), { health: 'up', lastError: '', scraped: 2, post: 2 });
  assert.equal(ours.get('longts')!.health, 'down');
  assert.equal(
    ours.get('longts')!.lastError,
    `strconv.ParseInt: parsing "${'9'.repeat(400)}": value out of range while parsing: "hn 1 ${'9'.repeat(400)}"`,
  );
  assert.equal(
    ours.get('int64ts')!.lastError,
    'strconv.ParseInt: parsing "12345678901234567890": value out of range while parsing: "hn 1 12345678901234567890"',
  );
  assert.equal(ours.get('utf8')!.lastError, 'invalid UTF-8 label value: "\\"a\\xff\\xfe\\""');
  assert.deepEqual(ours.get('limited'), {
    health: 'down',
    lastError: 'sample limit exceeded',
    scraped: 4,
    post: 4,
  });

  const bin = peer('prometheus', t);
  if (!bin) return;
  const real = await startRealPrometheus(yaml);
  t.after(() => real.stop());
  const get = async (path: string) =>
    ((await (await fetch(`${real.url}${path}`)).json()) as { data: Record<string, unknown> }).data;
  const value = async (q: string): Promise<number> =>
    Number(
      (
        (await get(`/api/v1/query?query=${encodeURIComponent(q)}`)).result as {
          value: [number, string];
        }[]
      )[0]?.value[1] ?? NaN,
    );
  let targets: { labels: { job: string }; health: string; lastError: string }[] = [];
  for (let i = 0; i < 100; i++) {
    targets = (await get('/api/v1/targets')).activeTargets as typeof targets;
    if (
      targets.length === jobs.length &&
      targets.every((x) => x.health !== 'unknown') &&
      !Number.isNaN(await value('count(scrape_samples_scraped)'))
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const j of jobs) {
    const rt = targets.find((x) => x.labels.job === j)!;
    const real: Outcome = {
      health: rt.health,
      lastError: rt.lastError,
      scraped: await value(`scrape_samples_scraped{job="${j}"}`),
      post: await value(`scrape_samples_post_metric_relabeling{job="${j}"}`),
    };
    // 2.42 (the peer) stops where 2.48 adds the offending text (` while parsing: "<line>"`, `: "<value>"`).
    const mine = { ...ours.get(j)! };
    const rest = mine.lastError.startsWith(real.lastError)
      ? mine.lastError.slice(real.lastError.length)
      : '';
    if (/^(: | while parsing: )".*"$/.test(rest)) mine.lastError = real.lastError;
    assert.deepEqual(mine, real, `job ${j}`);
  }
  assert.equal(await value('count(hn)'), NaN);
  const realMax = ((await get('/api/v1/status/tsdb')).headStats as { maxTime: number }).maxTime;
  assert.ok(realMax < Date.now() + 60_000, `real head max time ${realMax}`);
});

test('an append error other than out of order, duplicate or out of bounds fails the scrape with its message', async (t) => {
  const { port, server } = await serve(() => ({ body: 'ok_metric 1\nbroken_metric 2\n' }));
  t.after(() => server.close());
  const { dir, cleanup } = tempDir('scrape-err-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true });
  const failing = {
    appender() {
      const inner = db.appender();
      return {
        append(ref: number, ls: Labels, ts: number, v: number) {
          if (ls.get('__name__') === 'broken_metric')
            throw new StorageError('disk', 'write to WAL: no space left on device');
          return inner.append(ref, ls, ts, v);
        },
        appendHistogram: inner.appendHistogram.bind(inner),
        rollback: () => inner.rollback(),
        commit: () => inner.commit(),
      };
    },
  };
  const sm = scrapeOneTarget(failing, port);
  t.after(async () => {
    await sm.stop();
    await db.close();
  });
  const tg = () => sm.targetsActive().get('app')?.[0];
  await until(() => tg()?.lastScrape != null);
  assert.equal(tg()!.health, 'down');
  assert.equal(tg()!.lastError, 'write to WAL: no space left on device');
  // Nothing of the failed body is kept.
  assert.equal(read(db, eq('__name__', 'ok_metric')).length, 0);
});
