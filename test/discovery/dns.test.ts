// dns_sd_configs against a DNS server of the test's own (UDP, answering SRV and A records as RFC
// 1035/2782 lay them out), which the process's resolver is pointed at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import dns from 'node:dns';
import { DiscoveryManager } from '../../src/discovery/index.ts';
import { loadConfig, type TargetGroup } from '../../src/config/index.ts';
import { newRegistry } from '../../src/util/metrics.ts';

function encodeName(name: string): Buffer {
  return Buffer.concat([
    ...name
      .split('.')
      .filter(Boolean)
      .map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

/** Answers SRV for _prom._tcp.test and A for app.test; NXDOMAIN otherwise. */
function answer(query: Buffer): Buffer {
  const id = query.readUInt16BE(0);
  let i = 12;
  const labels: string[] = [];
  while (query[i] !== 0) {
    const len = query[i]!;
    labels.push(query.subarray(i + 1, i + 1 + len).toString());
    i += len + 1;
  }
  const qtype = query.readUInt16BE(i + 1);
  const question = query.subarray(12, i + 5);
  const name = labels.join('.');
  const rrs: Buffer[] = [];
  const rr = (type: number, data: Buffer) => {
    const h = Buffer.alloc(10);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(1, 2);
    h.writeUInt32BE(30, 4);
    h.writeUInt16BE(data.length, 8);
    return Buffer.concat([Buffer.from([0xc0, 12]), h, data]);
  };
  if (qtype === 33 && name === '_prom._tcp.test') {
    for (const [host, port] of [
      ['node-a.test', 9100],
      ['node-b.test', 9101],
    ] as const) {
      const d = Buffer.alloc(6);
      d.writeUInt16BE(1, 0);
      d.writeUInt16BE(1, 2);
      d.writeUInt16BE(port, 4);
      rrs.push(rr(33, Buffer.concat([d, encodeName(host)])));
    }
  } else if (qtype === 1 && name === 'app.test') {
    rrs.push(rr(1, Buffer.from([10, 0, 0, 7])));
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(rrs.length > 0 ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rrs.length, 6);
  return Buffer.concat([header, question, ...rrs]);
}

test('dns_sd: SRV and A records become targets with __meta_dns_* labels', async (t) => {
  const server = createSocket('udp4');
  server.on('message', (msg, rinfo) => server.send(answer(msg), rinfo.port, rinfo.address));
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const old = dns.getServers();
  dns.setServers([`127.0.0.1:${server.address().port}`]);
  t.after(() => dns.setServers(old));
  const cfg = loadConfig(
    `scrape_configs:
  - job_name: srv
    dns_sd_configs:
      - names: [_prom._tcp.test]
  - job_name: a
    dns_sd_configs:
      - names: [app.test]
        type: A
        port: 8080
`,
    'd.yml',
  );
  const dm = new DiscoveryManager({
    name: 'scrape',
    updateThrottleMs: 50,
    registry: newRegistry(),
  });
  const latest = new Map<string, TargetGroup[]>();
  dm.onUpdate((ts) => {
    for (const [k, v] of ts) latest.set(k, v);
  });
  dm.applyConfig(new Map(cfg.scrape_configs.map((s) => [s.job_name, s])));
  t.after(() => dm.stop());
  for (
    let i = 0;
    i < 100 &&
    !(
      (latest.get('srv')?.[0]?.targets.length ?? 0) > 0 &&
      (latest.get('a')?.[0]?.targets.length ?? 0) > 0
    );
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    latest
      .get('srv')![0]!
      .targets.sort((x, y) => x['__address__']!.localeCompare(y['__address__']!)),
    [
      {
        __address__: 'node-a.test:9100',
        __meta_dns_name: '_prom._tcp.test',
        __meta_dns_srv_record_target: 'node-a.test.',
        __meta_dns_srv_record_port: '9100',
      },
      {
        __address__: 'node-b.test:9101',
        __meta_dns_name: '_prom._tcp.test',
        __meta_dns_srv_record_target: 'node-b.test.',
        __meta_dns_srv_record_port: '9101',
      },
    ],
  );
  assert.deepEqual(latest.get('a')![0]!.targets, [
    {
      __address__: '10.0.0.7:8080',
      __meta_dns_name: 'app.test',
      __meta_dns_srv_record_target: '',
      __meta_dns_srv_record_port: '',
    },
  ]);
});
