// The remote-read endpoint (/api/v1/read): answers prompb ReadRequests in the response type the
// client asks for first among those it accepts — SAMPLES (one snappy-compressed ReadResponse,
// what Prometheus's own remote_read sends) or STREAMED_XOR_CHUNKS (framed ChunkedReadResponses
// of XOR chunks, one series at a time, what Thanos sidecar requires). External labels are added
// to each series as Prometheus does, and matchers on them are honoured.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compress } from 'snappyjs';
import { snappyDecode } from '../../util/snappy.js';
import { Labels, Matcher } from '../../model/labels/index.js';
import type { Queryable, SeriesIterator } from '../index.js';
import { ValueType } from '../index.js';
import { XORAppender, SAMPLES_PER_CHUNK } from '../../tsdb/chunkenc/index.js';
import type { Logger } from '../../util/log.js';
import { client, type Registry } from '../../util/metrics.js';
import { Gate } from '../../util/gate.js';
import { readBodyLimited } from '../../util/request_body.js';
import {
  RESPONSE_SAMPLES,
  RESPONSE_STREAMED_XOR_CHUNKS,
  decodeReadRequest,
  encodeChunkedReadResponse,
  encodeReadResponse,
  type PbChunk,
  type PbQuery,
  type PbTimeSeries,
} from './prompb.js';
import { STREAMED_CONTENT_TYPE, frame } from './chunked.js';

export interface ReadHandlerOptions {
  queryable: Queryable;
  externalLabels: () => Labels;
  sampleLimit: number; // 0 = none
  /** --storage.remote.read-concurrent-limit: requests served at once, the rest wait (0 = none). */
  concurrentLimit?: number;
  /** Bytes of chunks per frame before a series is split over frames (Prometheus: 1 MiB). */
  maxBytesInFrame?: number;
  logger: Logger;
  registry?: Registry;
}

/** Prometheus reads at most this much of a read request; a longer one fails to decode. */
export const MAX_READ_REQUEST_BYTES = 32 << 20;

class HTTPError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Calls fn for every series a query selects, with the external labels added, in label order. */
function eachSeries(
  opts: ReadHandlerOptions,
  q: PbQuery,
  ext: Labels,
  fn: (labels: Labels, it: SeriesIterator) => void,
): void {
  // Matchers on external labels are satisfied (or not) by the external value itself.
  const matchers: Matcher[] = [];
  for (const m of q.matchers) {
    if (!ext.has(m.name)) matchers.push(m);
    else if (!m.matches(ext.get(m.name))) return;
  }
  const querier = opts.queryable.querier(q.startTimestampMs, q.endTimestampMs);
  try {
    const set = querier.select(
      true,
      { start: q.startTimestampMs, end: q.endTimestampMs, func: 'series' },
      ...matchers,
    );
    while (set.next()) {
      const s = set.at();
      let labels = s.labels;
      if (!ext.isEmpty()) {
        const b = labels.builder();
        ext.forEach((n, v) => {
          if (!labels.has(n)) b.set(n, v);
        });
        labels = b.labels();
      }
      fn(labels, s.iterator());
    }
    const err = set.err();
    if (err) throw err;
  } finally {
    querier.close();
  }
}

function samplesResponse(opts: ReadHandlerOptions, queries: PbQuery[], ext: Labels): Uint8Array {
  let total = 0;
  const results = queries.map((q) => {
    const series: PbTimeSeries[] = [];
    eachSeries(opts, q, ext, (labels, it) => {
      const samples: { value: number; timestamp: number }[] = [];
      for (
        let vt = it.seek(q.startTimestampMs);
        vt !== ValueType.None && it.atT() <= q.endTimestampMs;
        vt = it.next()
      ) {
        if (vt === ValueType.Float) samples.push({ value: it.atF(), timestamp: it.atT() });
      }
      total += samples.length;
      if (opts.sampleLimit > 0 && total > opts.sampleLimit)
        throw new HTTPError(400, `exceeded sample limit (${opts.sampleLimit})`);
      series.push({ labels, samples });
    });
    return series;
  });
  return compress(encodeReadResponse(results));
}

/** Writes one frame per series (more when its chunks pass maxBytesInFrame). */
async function streamChunks(
  opts: ReadHandlerOptions,
  queries: PbQuery[],
  ext: Labels,
  res: ServerResponse,
): Promise<void> {
  const maxBytes = opts.maxBytesInFrame ?? 1 << 20;
  const frames: Buffer[] = [];
  for (let qi = 0; qi < queries.length; qi++) {
    const q = queries[qi]!;
    eachSeries(opts, q, ext, (labels, it) => {
      let chunks: PbChunk[] = [];
      let bytes = 0;
      let app: XORAppender | null = null;
      let n = 0;
      let minT = 0;
      let maxT = 0;
      const cut = () => {
        if (app === null) return;
        const data = app.bytes();
        chunks.push({ minTimeMs: minT, maxTimeMs: maxT, data });
        bytes += data.length;
        app = null;
        if (bytes >= maxBytes) {
          frames.push(frame(encodeChunkedReadResponse([{ labels, chunks }], qi)));
          chunks = [];
          bytes = 0;
        }
      };
      for (
        let vt = it.seek(q.startTimestampMs);
        vt !== ValueType.None && it.atT() <= q.endTimestampMs;
        vt = it.next()
      ) {
        if (vt !== ValueType.Float) continue;
        if (app === null) {
          app = new XORAppender();
          n = 0;
          minT = it.atT();
        }
        maxT = it.atT();
        app.append(maxT, it.atF());
        if (++n === SAMPLES_PER_CHUNK) cut();
      }
      cut();
      if (chunks.length > 0)
        frames.push(frame(encodeChunkedReadResponse([{ labels, chunks }], qi)));
    });
    // Frames go out as each query finishes; a slow reader holds the next query back.
    for (const f of frames.splice(0)) {
      if (!res.write(f)) await new Promise((r) => res.once('drain', r));
    }
  }
}

export interface ReadHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Requests holding or waiting for a slot (Prometheus's gauge counts only the holders). */
  inFlight(): number;
}

export function readHandler(opts: ReadHandlerOptions): ReadHandler {
  const gate = new Gate(opts.concurrentLimit ?? 10);
  const queries = new client.Gauge({
    name: 'prometheus_api_remote_read_queries',
    help: 'The current number of remote read queries being executed or waiting.',
    registers: opts.registry ? [opts.registry] : [],
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.statusCode = 405;
      res.end('Method Not Allowed\n');
      return;
    }
    // Waiting for a slot ends when the client goes away (Go's request context).
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) gone.abort();
    };
    res.on('close', onClose);
    try {
      await gate.acquire(gone.signal);
    } catch (e) {
      res.off('close', onClose);
      res.statusCode = 500;
      res.end(`${(e as Error).message}\n`);
      return;
    }
    queries.inc();
    try {
      await serveRead(opts, req, res);
    } finally {
      res.off('close', onClose);
      queries.dec();
      gate.release();
    }
  };
  return Object.assign(handle, { inFlight: () => gate.inFlight });
}

async function serveRead(
  opts: ReadHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { body, truncated } = await readBodyLimited(req, MAX_READ_REQUEST_BYTES);
  // What lies past the limit is never read; Go's server closes such a connection.
  if (truncated) res.setHeader('Connection', 'close');
  let request;
  try {
    request = decodeReadRequest(snappyDecode(body));
  } catch (e) {
    res.statusCode = 400;
    res.end(`${(e as Error).message}\n`);
    return;
  }
  // The client's first accepted type that we speak; none given means SAMPLES.
  const type =
    request.acceptedResponseTypes.find(
      (t) => t === RESPONSE_SAMPLES || t === RESPONSE_STREAMED_XOR_CHUNKS,
    ) ?? RESPONSE_SAMPLES;
  if (request.acceptedResponseTypes.length > 0 && !request.acceptedResponseTypes.includes(type)) {
    res.statusCode = 400;
    res.end(
      `server does not support any of the requested response types: ${request.acceptedResponseTypes.join(', ')}; supported: SAMPLES, STREAMED_XOR_CHUNKS\n`,
    );
    return;
  }
  const ext = opts.externalLabels();
  try {
    if (type === RESPONSE_STREAMED_XOR_CHUNKS) {
      res.statusCode = 200;
      res.setHeader('Content-Type', STREAMED_CONTENT_TYPE);
      await streamChunks(opts, request.queries, ext, res);
      res.end();
      return;
    }
    const answer = samplesResponse(opts, request.queries, ext);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/x-protobuf');
    res.setHeader('Content-Encoding', 'snappy');
    res.end(answer);
  } catch (e) {
    const status = e instanceof HTTPError ? e.status : 500;
    if (status === 500) opts.logger.error('remote read failed', { err: e as Error });
    if (res.headersSent) {
      // Mid-stream: all the client can be told is that the stream stops short.
      res.destroy(e as Error);
      return;
    }
    res.statusCode = status;
    res.end(`${(e as Error).message}\n`);
  }
}
