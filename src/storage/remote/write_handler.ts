// The remote-write receiver (/api/v1/write, with --web.enable-remote-write-receiver): decodes a
// snappy prompb WriteRequest and appends it in one batch. Out-of-order and duplicate samples are
// client errors (400), as Prometheus answers them; nothing of a rejected request is half-stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { snappyDecode } from '../../util/snappy.js';
import type { Appendable } from '../interface.js';
import { StorageError } from '../errors.js';
import type { Logger } from '../../util/log.js';
import { decodeWriteRequest } from './prompb.js';

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error(`request body too large (> ${limit} bytes)`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
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
      const body = await readBody(req, 64 << 20);
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
      }
      await app.commit();
    } catch (e) {
      await app.rollback();
      const client = e instanceof StorageError && ['out_of_order', 'duplicate', 'out_of_bounds', 'too_old'].includes(e.kind);
      if (!client) logger.error('Error appending remote write', { err: e as Error });
      res.statusCode = client ? 400 : 500;
      res.end(`${(e as Error).message}\n`);
      return;
    }
    res.statusCode = 204;
    res.end();
  };
}
