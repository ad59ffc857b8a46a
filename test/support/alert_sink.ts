// A stand-in Alertmanager for differential tests: every server under test posts to
// /<who>/api/v2/alerts (its own path_prefix), and the alerts are kept per <who>. GET requests
// go to an optional handler, so the same port can also serve a scrape target.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';

export interface AlertSink<A> {
  /** host:port to put in static_configs. */
  addr: string;
  /** Alerts posted so far, by the first path segment of the request. */
  posted: Map<string, A[]>;
}

export async function startAlertSink<A>(
  t: TestContext,
  onGet?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<AlertSink<A>> {
  const posted = new Map<string, A[]>();
  const srv = createServer((req, res) => {
    if (req.method === 'GET' && onGet) return onGet(req, res);
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      const who = (req.url ?? '').split('/')[1]!;
      posted.set(who, [...(posted.get(who) ?? []), ...(JSON.parse(b) as A[])]);
      res.end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return { addr: `127.0.0.1:${(srv.address() as { port: number }).port}`, posted };
}
