// The remote-write receiver (/api/v1/write, with --web.enable-remote-write-receiver): decodes a
// snappy prompb WriteRequest and appends it in one batch. A sample behind (or, with another
// value, at) a series' stored data is a client error (400), as Prometheus answers it, and nothing
// of that request is kept; a series' samples out of order inside the request are dropped at
// commit and the rest kept (204), as the head checks appends against committed data only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { snappyDecode } from '../../util/snappy.js';
import type { Appendable } from '../index.js';
import { StorageError } from '../index.js';
import type { Logger } from '../../util/log.js';
import { readBodyLimited } from '../../util/request_body.js';
import { decodeWriteRequest } from './prompb.js';

/**
 * Prometheus reads a write request whole, without a limit; we keep one so that a single request
 * cannot take the process's memory (a deliberate difference, docs/operations.md).
 */
export const MAX_WRITE_REQUEST_BYTES = 64 << 20;

async function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer> {
  const { body, truncated } = await readBodyLimited(req, limit);
  if (truncated) {
    res.setHeader('Connection', 'close');
    throw new Error(`request body too large (> ${limit} bytes)`);
  }
  return body;
}

export function writeHandler(appendable: Appendable, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.statusCode = 405;
      res.end('Method Not Allowed\n');
      return;
    }
    let ts;
    try {
      const body = await readBody(req, res, MAX_WRITE_REQUEST_BYTES);
      ts = decodeWriteRequest(snappyDecode(new Uint8Array(body))).timeseries;
    } catch (e) {
      logger.error('Error decoding remote write request', { err: e as Error });
      res.statusCode = 400;
      res.end(`${(e as Error).message}\n`);
      return;
    }
    const app = appendable.appender();
    try {
      for (const s of ts) {
        let ref = 0;
        for (const smp of s.samples) ref = app.append(ref, s.labels, smp.timestamp, smp.value);
        // Without native histograms the storage refuses these: the request fails whole (500), as in Prometheus.
        for (const h of s.histograms ?? [])
          ref = app.appendHistogram(ref, s.labels, h.timestamp, h.h, h.fh);
      }
      await app.commit();
    } catch (e) {
      await app.rollback();
      const client =
        e instanceof StorageError &&
        ['out_of_order', 'duplicate', 'out_of_bounds', 'too_old'].includes(e.kind);
      if (!client) logger.error('Error appending remote write', { err: e as Error });
      res.statusCode = client ? 400 : 500;
      res.end(`${(e as Error).message}\n`);
      return;
    }
    res.statusCode = 204;
    res.end();
  };
}
