// Remote read's limits as Prometheus has them: --storage.remote.read-concurrent-limit requests at
// once (the rest wait; prometheus_api_remote_read_queries counts those served, as Prometheus's does), and request bodies read to
// 32 MiB only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { compress } from 'snappyjs';
import { Matcher, MatchType, Labels } from '../../../src/model/labels/index.ts';
import {
  encodeReadRequest,
  readHandler,
  MAX_READ_REQUEST_BYTES,
  type ReadHandler,
} from '../../../src/storage/remote/index.ts';
import type { Queryable } from '../../../src/storage/index.ts';
import { nopLogger } from '../../../src/util/log.ts';
import { client } from '../../../src/util/metrics.ts';

/** Storage without series: only the handler's own behaviour shows. */
const empty = {
  querier: () => ({
    select: () => ({ next: () => false, at: () => undefined, err: () => null, warnings: () => [] }),
    close: () => {},
  }),
} as unknown as Queryable;

async function serve(
  concurrentLimit: number,
): Promise<{ port: number; registry: client.Registry; server: Server; handler: ReadHandler }> {
  const registry = new client.Registry();
  const h = readHandler({
    queryable: empty,
    externalLabels: () => Labels.EMPTY,
    sampleLimit: 0,
    concurrentLimit,
    logger: nopLogger,
    registry,
  });
  const server = createServer((req, res) => void h(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, registry, server, handler: h };
}

const body = Buffer.from(
  compress(
    encodeReadRequest([
      {
        startTimestampMs: 0,
        endTimestampMs: 1000,
        matchers: [new Matcher(MatchType.Equal, '__name__', 'up')],
      },
    ]),
  ),
);

interface Pending {
  answered: Promise<{ status: number; text: string; connection?: string }>;
  req: ReturnType<typeof request>;
  done: boolean;
}

function open(port: number, length: number): Pending {
  const p: Partial<Pending> = { done: false };
  p.answered = new Promise((resolve, reject) => {
    p.req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/read',
        method: 'POST',
        headers: { 'Content-Length': length, 'Content-Encoding': 'snappy' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          p.done = true;
          resolve({
            status: res.statusCode!,
            text: Buffer.concat(chunks).toString(),
            connection: res.headers.connection,
          });
        });
        res.on('error', reject);
      },
    );
    p.req.on('error', () => {});
  });
  return p as Pending;
}

async function gauge(registry: client.Registry): Promise<number> {
  const m = await registry.getSingleMetric('prometheus_api_remote_read_queries')!.get();
  return m.values[0]!.value;
}

async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(await cond(), 'condition not reached within 5 s');
}

test('remote read: past --storage.remote.read-concurrent-limit a request waits for a slot', async (t) => {
  const { port, registry, server, handler } = await serve(1);
  t.after(() => server.close());
  // The first request holds the only slot while its body is still coming (the gate comes first, as in Prometheus).
  const first = open(port, body.length);
  first.req.write(body.subarray(0, 1));
  await until(async () => (await gauge(registry)) === 1);
  const second = open(port, body.length);
  second.req.end(body);
  await until(async () => handler.inFlight() === 2);
  assert.equal(await gauge(registry), 1, 'only the request holding the slot counts as a query');
  assert.equal(
    second.done,
    false,
    'the second request was served while the first held the only slot',
  );
  first.req.end(body.subarray(1));
  assert.equal((await first.answered).status, 200);
  assert.equal((await second.answered).status, 200);
  await until(async () => (await gauge(registry)) === 0);
});

test('remote read: a body past 32 MiB is not read past the limit and fails to decode, as Prometheus answers it', async (t) => {
  const { port, server } = await serve(10);
  t.after(() => server.close());
  const big = open(port, MAX_READ_REQUEST_BYTES + 1024);
  big.req.end(Buffer.alloc(MAX_READ_REQUEST_BYTES + 1024, 0xff));
  const a = await big.answered;
  assert.deepEqual(
    { status: a.status, text: a.text },
    { status: 400, text: 'snappy: corrupt input\n' },
  );
  assert.equal(a.connection, 'close');
});
