// A scrape target of the tests' own that serves a native histogram in the protobuf exposition
// format (io.prometheus.client.MetricFamily, varint-length delimited), as client_golang does when
// asked for `application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
// encoding=delimited`. Each scrape observes a few more values, so the counts grow and change shape.
import { createServer, type Server } from 'node:http';
import { ProtoWriter } from '../../src/storage/remote/protobuf.js';

export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** Protobuf sint32/sint64 (zigzag) as a plain varint. */
function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** A schema-0 histogram (buckets (2^(i-1), 2^i]) of the observations so far, as protobuf spans and deltas. */
function histogramMessage(w: ProtoWriter, obs: number[]): void {
  const buckets = new Map<number, number>();
  let zero = 0;
  let sum = 0;
  for (const v of obs) {
    sum += v;
    if (Math.abs(v) <= 1e-128) zero++;
    else buckets.set(Math.ceil(Math.log2(v)), (buckets.get(Math.ceil(Math.log2(v))) ?? 0) + 1);
  }
  w.int64(1, obs.length); // sample_count
  w.double(2, sum); // sample_sum
  // Classic buckets too (cumulative counts at upper bounds; +Inf left implicit), as client_golang sends both.
  for (const ub of [0.5, 1, 4, 16]) {
    w.message(3, (bk) => {
      bk.int64(1, obs.filter((v) => v <= ub).length);
      bk.double(2, ub);
    });
  }
  w.tag(5, 0); // schema (sint32) 0
  w.varint(0);
  w.double(6, 1e-128); // zero_threshold
  w.int64(7, zero); // zero_count
  const idx = [...buckets.keys()].sort((a, b) => a - b);
  // Spans: runs of consecutive indexes (a gap of one bucket is kept in a span as Prometheus's clients do not; either is valid).
  let prevEnd = 0;
  let i = 0;
  let prevCount = 0;
  const deltas: number[] = [];
  while (i < idx.length) {
    let j = i + 1;
    while (j < idx.length && idx[j] === idx[j - 1]! + 1) j++;
    const offset = i === 0 ? idx[0]! : idx[i]! - prevEnd;
    w.message(12, (s) => {
      s.tag(1, 0);
      s.varint(zigzag(offset));
      s.int64(2, j - i);
    });
    prevEnd = idx[j - 1]! + 1;
    for (let k = i; k < j; k++) {
      const c = buckets.get(idx[k]!)!;
      deltas.push(c - prevCount);
      prevCount = c;
    }
    i = j;
  }
  for (const d of deltas) {
    w.tag(13, 0); // positive_delta (sint64)
    w.varint(zigzag(d));
  }
}

function metricFamily(name: string, obs: number[]): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, name);
  w.string(2, 'A native histogram of the test target.');
  w.int64(3, 4); // HISTOGRAM
  w.message(4, (m) => {
    m.message(1, (l) => {
      l.string(1, 'kind');
      l.string(2, 'test');
    });
    m.message(7, (h) => histogramMessage(h, obs));
  });
  const body = w.finish();
  const out = new ProtoWriter();
  out.varint(body.length);
  const head = out.finish();
  const all = new Uint8Array(head.length + body.length);
  all.set(head, 0);
  all.set(body, head.length);
  return all;
}

export interface HistogramTarget {
  /** host:port to scrape. */
  address: string;
  scrapes(): number;
  close(): Promise<void>;
}

/** Starts the target on a free loopback port. */
export async function startHistogramTarget(
  name = 'test_native_histogram',
): Promise<HistogramTarget> {
  const obs: number[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    // A deterministic spread over several buckets, growing with every scrape.
    for (let i = 0; i < 3; i++)
      obs.push(((n * 7 + i * 13) % 50) / 4 + (i === 2 && n % 5 === 0 ? 0 : 0.25));
    if (n % 4 === 0) obs.push(0);
    if (!String(req.headers.accept ?? '').includes('application/vnd.google.protobuf')) {
      res.writeHead(406).end('protobuf only\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': PROTOBUF_CONTENT_TYPE });
    res.end(Buffer.from(metricFamily(name, obs)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    scrapes: () => n,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
