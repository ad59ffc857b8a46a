// A small Consul catalog for tests (Consul is not packaged here). It answers the three endpoints
// Prometheus's Consul SD uses exactly as Consul's HTTP API documents them: JSON shapes, the
// X-Consul-Index header, and blocking queries (?index=N&wait=D return when the index moves past
// N, or after D).
import { createServer, type Server } from 'node:http';

export interface ConsulService {
  id: string;
  name: string;
  address: string;
  port: number;
  tags?: string[];
  meta?: Record<string, string>;
  node?: string;
  nodeAddress?: string;
  status?: 'passing' | 'warning' | 'critical';
}

function parseWait(s: string | null): number {
  if (!s) return 5 * 60_000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s);
  if (!m) return 5 * 60_000;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

export class FakeConsul {
  private index = 1;
  private services: ConsulService[] = [];
  private waiters: (() => void)[] = [];
  readonly requests: { path: string; query: Record<string, string>; token: string | undefined }[] =
    [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req.url ?? '/', req.headers['x-consul-token'] as string | undefined, res),
    );
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters) w();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  set(services: ConsulService[]): void {
    this.services = services;
    this.index++;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private async handle(
    url: string,
    token: string | undefined,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const u = new URL(url, 'http://x');
    this.requests.push({ path: u.pathname, query: Object.fromEntries(u.searchParams), token });
    const json = (body: unknown) => {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'X-Consul-Index': String(this.index),
        'X-Consul-Knownleader': 'true',
        'X-Consul-Lastcontact': '0',
      });
      res.end(JSON.stringify(body));
    };
    if (u.pathname === '/v1/agent/self') {
      json({ Config: { Datacenter: 'dc1', NodeName: 'consul-1' }, Member: { Name: 'consul-1' } });
      return;
    }
    // Blocking query: wait for the index to move past the one the client has.
    const want = Number(u.searchParams.get('index') ?? 0);
    if (want > 0 && want >= this.index) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, parseWait(u.searchParams.get('wait')));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    if (u.pathname === '/v1/catalog/services') {
      const out: Record<string, string[]> = { consul: [] };
      for (const s of this.services)
        out[s.name] = [...new Set([...(out[s.name] ?? []), ...(s.tags ?? [])])];
      json(out);
      return;
    }
    const m = /^\/v1\/health\/service\/(.+)$/.exec(u.pathname);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      const tags = u.searchParams.getAll('tag');
      json(
        this.services
          .filter((s) => s.name === name && tags.every((t) => (s.tags ?? []).includes(t)))
          .map((s) => ({
            Node: {
              ID: '',
              Node: s.node ?? 'node-1',
              Address: s.nodeAddress ?? '10.0.0.1',
              Datacenter: 'dc1',
              TaggedAddresses: {
                lan: s.nodeAddress ?? '10.0.0.1',
                wan: s.nodeAddress ?? '10.0.0.1',
              },
              Meta: { rack: 'r1' },
            },
            Service: {
              ID: s.id,
              Service: s.name,
              Tags: s.tags ?? [],
              Address: s.address,
              Meta: s.meta ?? {},
              Port: s.port,
              Namespace: '',
              Partition: '',
            },
            Checks: [
              {
                Node: s.node ?? 'node-1',
                CheckID: 'serfHealth',
                Name: 'Serf Health Status',
                Status: 'passing',
              },
              {
                Node: s.node ?? 'node-1',
                CheckID: `service:${s.id}`,
                Name: `Service '${s.name}' check`,
                Status: s.status ?? 'passing',
              },
            ],
          })),
      );
      return;
    }
    res.writeHead(404).end('404 page not found');
  }
}
