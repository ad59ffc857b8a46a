// The wall clock jumping back and forward by hours under a running server (libfaketime on the
// process, the monotonic clock left alone, as when an operator or NTP steps the clock). As in
// Prometheus, scrapes and rule evaluations go on every interval (its tickers run on the monotonic
// clock) with wall-clock timestamps; samples outside the head's appendable window are refused as
// out of bounds (counted), and nothing stops or throws. libfaketime cannot move a Go binary's
// clock (Go reads the time from the vDSO, not libc), so there is no differential run against the
// real Prometheus here; the expectations come from its source (scrape/scrape.go, rules/manager.go,
// tsdb/head_append.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { tempDir } from '../support/peers.js';
import { metricValue, startOurServer, until, type OurServer } from '../support/server.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const H = 3600_000;

/** Samples of `q` stored in the 2 minutes before real time + offset. */
async function storedNear(url: string, q: string, offset: number): Promise<number> {
  const at = (Date.now() + offset) / 1000;
  const r = (await (
    await fetch(
      `${url}/api/v1/query?query=${encodeURIComponent(`count_over_time(${q}[2m])`)}&time=${at}`,
    )
  ).json()) as { data: { result: { value: [number, string] }[] } };
  return Number(r.data.result[0]?.value[1] ?? 0);
}

test('clock set back 3h, forward again, then 5h ahead and back: scrapes and rules go on every interval, out-of-window samples are counted, nothing stops', async (t) => {
  if (!existsSync(LIBFAKETIME)) {
    const reason = `libfaketime not installed (${LIBFAKETIME}); run scripts/install-peers.sh`;
    if (process.env.CI === 'true') throw new Error(reason);
    t.skip(reason);
    return;
  }
  const { dir, cleanup } = tempDir('faults-clock-');
  let srv: OurServer | null = null;
  t.after(async () => {
    await srv?.stop('SIGKILL');
    cleanup();
  });
  let scrapes = 0;
  const target = createServer((_req, res) => {
    scrapes++;
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(`fault_clock ${scrapes}\n`);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.after(() => target.close());
  const port = (target.address() as { port: number }).port;
  const clock = join(dir, 'faketime');
  const setClock = (offset: string): void => writeFileSync(clock, `${offset}\n`);
  setClock('+0');
  writeFileSync(
    join(dir, 'rules.yml'),
    'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - record: fault_clock_rec\n        expr: sum(fault_clock)\n',
  );
  const cfg = `global:\n  scrape_interval: 1s\nrule_files: ['${join(dir, 'rules.yml')}']\nscrape_configs:\n  - job_name: t\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
  srv = await startOurServer(cfg, [], {
    dir,
    env: {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: clock,
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    },
  });
  const s = srv;
  const iterations = (): Promise<number> =>
    metricValue(s.url, 'prometheus_rule_group_iterations_total');
  /** Waits for two more scrapes and two more rule evaluations. */
  const goesOn = async (phase: string): Promise<void> => {
    const n0 = scrapes;
    const i0 = await iterations();
    await until(s, `${phase}: two more scrapes`, 15_000, () => scrapes >= n0 + 2);
    await until(
      s,
      `${phase}: two more rule evaluations`,
      15_000,
      async () => (await iterations()) >= i0 + 2,
    );
  };
  await until(
    s,
    'samples stored',
    15_000,
    async () => (await storedNear(s.url, 'fault_clock', 0)) >= 2,
  );

  // Back 3 hours: older than the head's window (max time - 1h), refused and counted.
  const oob0 = await metricValue(s.url, 'prometheus_target_scrapes_sample_out_of_bounds_total');
  setClock('-3h');
  await goesOn('3h back');
  assert.ok(
    (await metricValue(s.url, 'prometheus_target_scrapes_sample_out_of_bounds_total')) > oob0,
    'out-of-bounds scrapes counted',
  );

  // Forward to the real time again: stored again.
  setClock('+0');
  const stored = await storedNear(s.url, 'fault_clock', 0);
  await goesOn('back to now');
  await until(
    s,
    'samples stored again',
    15_000,
    async () => (await storedNear(s.url, 'fault_clock', 0)) >= stored + 2,
  );

  // 5 hours ahead: accepted; the head now spans more than 1.5 block ranges and gets compacted.
  setClock('+5h');
  await goesOn('5h ahead');
  await until(
    s,
    'samples stored 5h ahead',
    15_000,
    async () => (await storedNear(s.url, 'fault_clock', 5 * H)) >= 2,
  );
  assert.ok(
    (await storedNear(s.url, 'fault_clock_rec', 5 * H)) >= 1,
    'rules evaluated at the new time',
  );
  await until(
    s,
    'a block cut from the head',
    20_000,
    async () => (await metricValue(s.url, 'prometheus_tsdb_blocks_loaded')) >= 1,
  );

  // And back: the head's window is now hours ahead, so these are refused until time catches up —
  // Prometheus does the same; the server goes on.
  const oob1 = await metricValue(s.url, 'prometheus_target_scrapes_sample_out_of_bounds_total');
  setClock('+0');
  await goesOn('back from 5h ahead');
  assert.ok(
    (await metricValue(s.url, 'prometheus_target_scrapes_sample_out_of_bounds_total')) > oob1,
  );
  assert.equal((await fetch(`${s.url}/-/healthy`)).status, 200);
  assert.equal(s.proc.proc.exitCode, null, 'still running');
  assert.doesNotMatch(s.proc.output(), /Uncaught|TypeError|RangeError|unhandled/i);
});
