// The remote-read endpoint (/api/v1/read): answers prompb ReadRequests with the SAMPLES response
// type (snappy-compressed ReadResponse), the form every remote-read client accepts. External
// labels are added to each series as Prometheus does, and matchers on them are honoured.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compress, uncompress } from 'snappyjs';
import { Labels, Matcher } from '../../model/labels/index.js';
import type { Queryable } from '../interface.js';
import { ValueType } from '../interface.js';
import type { Logger } from '../../util/log.js';
import { decodeReadRequest, encodeReadResponse, type PbTimeSeries } from './prompb.js';

export interface ReadHandlerOptions {
  queryable: Queryable;
  externalLabels: () => Labels;
  sampleLimit: number; // 0 = none
  logger: Logger;
}

export function readHandler(opts: ReadHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.statusCode = 405;
      res.end('Method Not Allowed\n');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let request;
    try {
      request = decodeReadRequest(uncompress(new Uint8Array(Buffer.concat(chunks))));
    } catch (e) {
      res.statusCode = 400;
      res.end(`${(e as Error).message}\n`);
      return;
    }
    const ext = opts.externalLabels();
    const results: PbTimeSeries[][] = [];
    let total = 0;
    for (const q of request.queries) {
      // Matchers on external labels are satisfied (or not) by the external value itself.
      const matchers: Matcher[] = [];
      let possible = true;
      for (const m of q.matchers) {
        if (ext.has(m.name)) {
          if (!m.matches(ext.get(m.name))) possible = false;
        } else matchers.push(m);
      }
      const series: PbTimeSeries[] = [];
      if (possible) {
        const querier = opts.queryable.querier(q.startTimestampMs, q.endTimestampMs);
        try {
          const set = querier.select(true, { start: q.startTimestampMs, end: q.endTimestampMs, func: 'series' }, ...matchers);
          while (set.next()) {
            const s = set.at();
            const it = s.iterator();
            const samples: { value: number; timestamp: number }[] = [];
            let vt = it.seek(q.startTimestampMs);
            while (vt !== ValueType.None && it.atT() <= q.endTimestampMs) {
              if (vt === ValueType.Float) samples.push({ value: it.atF(), timestamp: it.atT() });
              vt = it.next();
            }
            total += samples.length;
            if (opts.sampleLimit > 0 && total > opts.sampleLimit) {
              res.statusCode = 400;
              res.end(`exceeded sample limit (${opts.sampleLimit})\n`);
              return;
            }
            let labels = s.labels;
            if (!ext.isEmpty()) {
              const b = labels.builder();
              ext.forEach((n, v) => {
                if (!labels.has(n)) b.set(n, v);
              });
              labels = b.labels();
            }
            series.push({ labels, samples });
          }
          const err = set.err();
          if (err) throw err;
        } catch (e) {
          opts.logger.error('remote read failed', { err: e as Error });
          res.statusCode = 500;
          res.end(`${(e as Error).message}\n`);
          return;
        } finally {
          querier.close();
        }
      }
      results.push(series);
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/x-protobuf');
    res.setHeader('Content-Encoding', 'snappy');
    res.end(compress(encodeReadResponse(results)));
  };
}
