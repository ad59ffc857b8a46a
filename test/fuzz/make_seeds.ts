// Writes the seed inputs of every target into test/fuzz/corpus/<target>/seed-*: the user's seed
// files (prometheus.yml, rules, queries), Prometheus's conformance queries, real exposition text
// from node_exporter (when installed), and WAL segments and chunk files written by this
// project's own TSDB. Run once when the sources change: node --import tsx test/fuzz/make_seeds.ts
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { compress } from 'snappyjs';
import { CORPUS_DIR } from './corpus.js';
import { freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.js';
import { openDB } from '../../src/tsdb/index.js';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { encodeReadRequest, encodeWriteRequest } from '../../src/storage/remote/index.js';
import { frame as walFrame, xorChunk } from './targets/tsdb.js';
import { ChunkWriter, segmentFileName } from '../../src/tsdb/chunks/index.js';
import { ENC_XOR } from '../../src/tsdb/chunkenc/index.js';
import { CORPUS as PARSER_CORPUS } from '../promql/parser/corpus.js';
import { SEED as SEED_DIR } from '../support/paths.js';

const SEED = SEED_DIR;
const CONFORMANCE = '/work/shared/promql-conformance';
const enc = new TextEncoder();

function put(target: string, name: string, data: Uint8Array | string): void {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `seed-${name}`), typeof data === 'string' ? enc.encode(data) : data);
}
function clearSeeds(): void {
  if (!existsSync(CORPUS_DIR)) return;
  for (const t of readdirSync(CORPUS_DIR))
    for (const f of readdirSync(join(CORPUS_DIR, t)))
      if (f.startsWith('seed-')) rmSync(join(CORPUS_DIR, t, f));
}
const n3 = (i: number) => String(i).padStart(3, '0');

clearSeeds();

// PromQL: the user's queries, every 8th conformance query, every 6th parser corpus entry.
const queries = readFileSync(join(SEED, 'queries.promql'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
const conformance: string[] = [];
for (const f of readdirSync(CONFORMANCE)
  .filter((x) => x.endsWith('.test'))
  .sort()) {
  for (const l of readFileSync(join(CONFORMANCE, f), 'utf8').split('\n')) {
    const m =
      /^eval(?:_fail|_ordered)? (?:instant at \S+|range from \S+ to \S+ step \S+) (.+)$/.exec(l);
    if (m) conformance.push(m[1]!);
  }
}
const promql = [
  ...queries,
  ...conformance.filter((_, i) => i % 8 === 0),
  ...PARSER_CORPUS.filter((_, i) => i % 6 === 0),
];
promql.forEach((q, i) => {
  put('promql-parser', n3(i), q);
  put('promql-engine', n3(i), Uint8Array.from([(i * 37) % 256, ...enc.encode(q)]));
});

// Config, rules, relabeling, templates from the user's files.
const promYml = readFileSync(join(SEED, 'prometheus.yml'), 'utf8');
put('config', 'prometheus.yml', promYml);
for (const f of readdirSync('test/config/corpus').filter(
  (x) => x.startsWith('ok-') || x === 'bad-action.yml',
)) {
  const p = join('test/config/corpus', f);
  if (existsSync(p)) put('config', f, readFileSync(p));
}
const ruleFiles = readdirSync(join(SEED, 'rules'));
for (const f of ruleFiles) put('rules', f, readFileSync(join(SEED, 'rules', f)));
const relabels = (
  parse(promYml) as { scrape_configs: { relabel_configs?: unknown[] }[] }
).scrape_configs.flatMap((s) => (s.relabel_configs ? [s.relabel_configs] : []));
relabels.forEach((r, i) => put('relabel', `prometheus.yml-${i}`, stringify(r)));
put(
  'relabel',
  'all-actions',
  stringify([
    {
      source_labels: ['__address__'],
      regex: '(.+):(\\d+)',
      target_label: 'host',
      replacement: '$1',
    },
    { action: 'labelmap', regex: '__meta_(.+)' },
    { action: 'hashmod', source_labels: ['instance'], modulus: 4, target_label: 'shard' },
    { action: 'lowercase', source_labels: ['job'], target_label: 'job_lc' },
    { action: 'keepequal', source_labels: ['job'], target_label: 'job_lc' },
    { action: 'labeldrop', regex: '__meta_.*' },
  ]),
);
let ti = 0;
for (const f of ruleFiles) {
  const doc = parse(readFileSync(join(SEED, 'rules', f), 'utf8')) as {
    groups: {
      rules: { labels?: Record<string, string>; annotations?: Record<string, string> }[];
    }[];
  };
  for (const g of doc.groups)
    for (const r of g.rules)
      for (const v of [...Object.values(r.labels ?? {}), ...Object.values(r.annotations ?? {})])
        if (v.includes('{{')) put('template', `${f}-${n3(ti++)}`, v);
}

// Exposition text: node_exporter's own /metrics, in both formats, cut to 48 KiB at a line end.
const cut = (s: string): string =>
  s.length <= 48 << 10 ? s : s.slice(0, s.lastIndexOf('\n', 48 << 10) + 1);
const ne = peer('node_exporter');
if (ne) {
  const port = await freePort();
  const p = startProcess(ne, [`--web.listen-address=127.0.0.1:${port}`]);
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    await waitReady(url, 20_000, p);
    put(
      'textparse',
      'node_exporter.txt',
      cut(await (await fetch(url, { headers: { accept: 'text/plain;version=0.0.4' } })).text()),
    );
    put(
      'openmetrics',
      'node_exporter.om',
      cut(
        await (
          await fetch(url, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } })
        ).text(),
      ).replace(/\n?$/, '\n# EOF\n'),
    );
  } finally {
    await p.stop();
  }
}
put(
  'textparse',
  'documented.txt',
  '# HELP http_requests_total The total number of HTTP requests.\n# TYPE http_requests_total counter\nhttp_requests_total{method="post",code="200"} 1027 1395066363000\nmsdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\nsomething_weird{problem="division by zero"} +Inf -3982045\n',
);
put(
  'openmetrics',
  'documented.om',
  '# TYPE foo histogram\nfoo_bucket{le="0.01"} 0\nfoo_bucket{le="+Inf"} 17 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789\nfoo_count 17\nfoo_sum 324789.3\n# TYPE a counter\n# UNIT a seconds\na_total 1\n# EOF\n',
);

// Remote write/read bodies as a sender would send them.
const series = [
  {
    labels: Labels.fromStrings('__name__', 'up', 'job', 'node', 'instance', 'a:9100'),
    samples: [
      { value: 1, timestamp: 1.7e12 },
      { value: 0, timestamp: 1.7e12 + 15000 },
    ],
  },
];
put(
  'remote',
  'write.snappy',
  Uint8Array.from([
    0x80,
    ...compress(
      encodeWriteRequest(series, [{ type: 1, metricFamilyName: 'up', help: 'h', unit: '' }]),
    ),
  ]),
);
put(
  'remote',
  'read.snappy',
  Uint8Array.from([
    0x81,
    ...compress(
      encodeReadRequest(
        [{ startTimestampMs: 0, endTimestampMs: 1e12, matchers: [Matcher.equal('job', 'node')] }],
        [0, 1],
      ),
    ),
  ]),
);

// WAL: the segment a real head writes (series, samples, a deletion), framed plain and with snappy.
const tmp = tempDir('fuzz-seeds-');
try {
  const db = await openDB(join(tmp.dir, 'db'), {}, {});
  const app = db.appender();
  for (let i = 0; i < 50; i++)
    for (const job of ['a', 'b', 'c'])
      app.append(
        0,
        Labels.fromStrings('__name__', 'm', 'job', job, 'i', String(i % 7)),
        1.7e12 + i * 15000,
        i * 1.5,
      );
  await app.commit();
  await db.close();
  const seg = new Uint8Array(readFileSync(join(tmp.dir, 'db', 'wal', segmentName(0))));
  put(
    'wal',
    'head-segment',
    Uint8Array.from([0, ...seg.subarray(0, Math.min(seg.length, 48 << 10))]),
  );
  const recs: Uint8Array[] = [];
  const { scanRecords } = await import('../../src/tsdb/wal/index.js');
  scanRecords(seg, 0, 'seed', (r) => (recs.push(r.slice()), true));
  put(
    'wal',
    'head-records',
    Uint8Array.from([1, ...recs.flatMap((r) => [r.length >>> 8, r.length & 0xff, ...r])]),
  );
  put('wal', 'head-segment-snappy', Uint8Array.from([0, ...walFrame(recs, true)]));
  // Chunks: XOR chunks and a chunk segment file as the block writer writes them.
  const chunk = xorChunk(
    Array.from(
      { length: 120 },
      (_, i) => [1.7e12 + i * 15000 + (i % 3), i % 10 === 0 ? NaN : i * 0.25] as const,
    ),
  );
  put('chunks', 'xor', Uint8Array.from([0, ...chunk]));
  const w = new ChunkWriter(join(tmp.dir, 'chunks'));
  w.write(ENC_XOR, chunk);
  w.write(
    ENC_XOR,
    xorChunk([
      [0, 1],
      [1, 2],
    ]),
  );
  w.close();
  put(
    'chunks',
    'segment',
    Uint8Array.from([1, ...readFileSync(join(tmp.dir, 'chunks', segmentFileName(0)))]),
  );
} finally {
  tmp.cleanup();
}

function segmentName(n: number): string {
  return String(n).padStart(8, '0');
}
console.log(`seeds written under ${CORPUS_DIR}`);
