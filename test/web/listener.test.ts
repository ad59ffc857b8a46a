// The listener's limits as Prometheus has them: --web.max-connections (connections past it wait,
// not refused, until one closes) and --web.read-timeout (Go's ReadTimeout: a request must arrive
// whole within it — headers short of it close the connection without a word, a body short of it
// fails the body read and the handler answers; an idle keep-alive connection closes after it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { WebHandler } from '../../src/web/web.ts';
import { nopLogger } from '../../src/util/log.ts';
import { newRegistry } from '../../src/util/metrics.ts';
import { freePort, peer, startRealPrometheus } from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';

/** A raw connection: what it received, and whether the server closed it. */
interface Raw {
  socket: Socket;
  received: () => string;
  closed: Promise<string>;
}

function raw(port: number, data = ''): Promise<Raw> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1');
    // Bounded: a connection the server never closes shows as such instead of hanging the test.
    const closed = new Promise<string>((r) => {
      const timer = setTimeout(() => (r(`${got}<<still open after 8 s>>`), socket.destroy()), 8000);
      socket.on('close', () => (clearTimeout(timer), r(got)));
    });
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
    socket.on('error', () => {});
    socket.once('connect', () => {
      if (data !== '') socket.write(data);
      resolve({ socket, received: () => got, closed });
    });
    socket.once('error', reject);
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `${what} within 10 s`);
}

const HEALTHY = 'GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n';

test('--web.max-connections: connections past the limit wait (not refused) and are served once one closes', async (t) => {
  const port = await freePort();
  const web = new WebHandler({
    listenAddress: `127.0.0.1:${port}`,
    routePrefix: '',
    externalURL: new URL(`http://127.0.0.1:${port}/`),
    enableLifecycle: false,
    uiDir: '/nonexistent',
    pageTitle: 'Prometheus',
    logger: nopLogger,
    registry: newRegistry(),
    maxConnections: 2,
  });
  web.setHooks({ reload: async () => {}, quit: () => {}, isReady: () => true });
  await web.listen();
  t.after(() => web.close());
  // Two keep-alive connections, each served once and held open.
  const a = await raw(port, HEALTHY);
  const b = await raw(port, HEALTHY);
  await until(
    () => a.received().includes('Healthy') && b.received().includes('Healthy'),
    'both first connections answered',
  );
  const c = await raw(port, HEALTHY);
  await until(() => web.connections().waiting === 1, 'the third connection waiting');
  assert.deepEqual(web.connections(), { active: 2, waiting: 1 });
  // The held connections are still served while the third waits.
  a.socket.write(HEALTHY);
  await until(
    () => a.received().split('Healthy').length === 3,
    'a second answer on a held connection',
  );
  assert.equal(c.received(), '', 'the third connection was served past the limit');
  b.socket.destroy();
  await until(
    () => c.received().includes('Prometheus Server is Healthy.'),
    'the third connection served after one closed',
  );
  assert.deepEqual(web.connections(), { active: 2, waiting: 0 });
  a.socket.destroy();
  c.socket.destroy();
});

/** Status line and body of an HTTP/1.1 answer (headers and framing differ between Go and Node: Date, Keep-Alive, chunks). */
function essence(answer: string): { status: string; body: string } {
  const i = answer.indexOf('\r\n\r\n');
  const status = answer.split('\r\n')[0] ?? '';
  if (i < 0) return { status, body: '' };
  let body = answer.slice(i + 4);
  if (/\r\ntransfer-encoding: chunked\r\n/i.test(answer.slice(0, i + 2))) {
    let out = '';
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at);
      const n = parseInt(body.slice(at, eol), 16);
      if (!(n > 0)) break;
      out += body.slice(eol + 2, eol + 2 + n);
      at = eol + 2 + n + 2;
    }
    body = out;
  }
  return { status, body };
}

test('--web.read-timeout: partial headers close silently, a partial body fails the read and is answered, idle keep-alive closes — as the real Prometheus', async (t) => {
  const cfg = 'global:\n  scrape_interval: 1m\n';
  const flags = ['--web.read-timeout=1s'];
  const servers: { name: string; port: number }[] = [];
  const ours = await startOurServer(cfg, flags);
  t.after(() => ours.stop());
  servers.push({ name: 'ours', port: ours.port });
  if (peer('prometheus') !== null) {
    const real = await startRealPrometheus(cfg, flags);
    t.after(() => real.stop());
    servers.push({ name: 'real', port: Number(new URL(real.url).port) });
  }
  const seen: Record<string, unknown>[] = [];
  for (const s of servers) {
    const [headers, body, idle] = await Promise.all([
      raw(s.port, 'GET /-/healthy HTTP/1.1\r\nHost: x\r\n'),
      raw(
        s.port,
        'POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nquery=1',
      ),
      raw(s.port, HEALTHY),
    ]);
    const answers = {
      headers: await headers.closed,
      body: essence(await body.closed),
      idle: essence(await idle.closed),
    };
    assert.equal(answers.headers, '', `${s.name}: partial headers get no answer`);
    assert.match(
      answers.body.body,
      /no expression found in input/,
      `${s.name}: the partial body contributes no values`,
    );
    assert.equal(answers.idle.body, 'Prometheus Server is Healthy.\n');
    // 2.42 gives an empty query's position as 1:1, 2.48 (which we follow) as "unknown position".
    answers.body.body = answers.body.body.replace(
      '1:1: parse error',
      'unknown position: parse error',
    );
    seen.push(answers);
  }
  if (seen.length === 2) assert.deepEqual(seen[0], seen[1], 'ours vs the real Prometheus');
});
