import { useEffect, useState } from 'react';
import { pathPrefix } from '../api.js';
import { GO_ONLY_FIELDS, parseMetrics, runtimeFacts, type RuntimeFact } from '../lib/runtime.js';
import { useAPI } from '../hooks.js';
import { formatBytes, matchesSearch } from '../lib/format.js';
import { formatTimestamp } from '../lib/time.js';
import { useSettings } from '../lib/settings.js';
import { highlightYAML } from '../lib/yaml.js';
import { Loaded } from './common.js';

export function ConfigPage() {
  const f = useAPI<{ yaml: string }>('status/config');
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <h2>Configuration</h2>
      <Loaded f={f}>
        {(d) => (
          <>
            <button
              onClick={() => {
                void navigator.clipboard?.writeText(d.yaml).then(() => setCopied(true));
              }}
              data-testid="copy-config"
            >
              {copied ? '✓ Copied' : 'Copy to clipboard'}
            </button>
            <pre className="yaml" data-testid="config">
              {highlightYAML(d.yaml).map((tok, i) => (
                <span key={i} className={tok.cls}>
                  {tok.text}
                </span>
              ))}
            </pre>
          </>
        )}
      </Loaded>
    </div>
  );
}

export function FlagsPage() {
  const f = useAPI<Record<string, string>>('status/flags');
  const [search, setSearch] = useState('');
  return (
    <div>
      <h2>Command-Line Flags</h2>
      <div className="toolbar">
        <input
          type="search"
          className="search"
          placeholder="Filter by flag name or value"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="flag-search"
        />
      </div>
      <Loaded f={f}>
        {(d) => (
          <table className="kv">
            <thead>
              <tr>
                <th>Flag</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(d)
                .sort((a, b) => a[0].localeCompare(b[0]))
                .filter(([k, v]) => matchesSearch(k + ' ' + v, search))
                .map(([k, v]) => (
                  <tr key={k} data-testid="flag">
                    <td className="mono">--{k}</td>
                    <td className="mono">{v}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}

// The row titles Prometheus's status page gives the runtime and build fields.
const TITLES: Record<string, string> = {
  startTime: 'Start time',
  CWD: 'Working directory',
  reloadConfigSuccess: 'Configuration reload',
  lastConfigTime: 'Last successful configuration reload',
  corruptionCount: 'WAL corruptions',
  goroutineCount: 'Goroutines',
  storageRetention: 'Storage retention',
  version: 'Version',
  revision: 'Revision',
  branch: 'Branch',
  buildUser: 'BuildUser',
  buildDate: 'BuildDate',
  goVersion: 'GoVersion',
};

function showValue(k: string, v: unknown, local: boolean): string {
  if (k === 'reloadConfigSuccess') return v ? 'Successful' : 'Unsuccessful';
  if (k === 'startTime' || k === 'lastConfigTime') return formatTimestamp(String(v), local);
  return String(v);
}

function KV({ data }: { data: Record<string, unknown> }) {
  const { localTime } = useSettings();
  return (
    <table className="kv">
      <tbody>
        {Object.entries(data).map(([k, v]) => (
          <tr key={k}>
            <th>{TITLES[k] ?? k}</th>
            <td>{showValue(k, v, localTime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The process's runtime facts from its /metrics (Node's for this server, Go's for a Prometheus). */
function useRuntimeFacts(): { facts?: RuntimeFact[]; error?: string } {
  const [state, setState] = useState<{ facts?: RuntimeFact[]; error?: string }>({});
  useEffect(() => {
    let live = true;
    fetch(`${pathPrefix()}/metrics`)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => {
        const m = parseMetrics(text);
        const version = /nodejs_version_info\{[^}]*version="v?([^"]+)"/.exec(text)?.[1] ?? '';
        if (live) setState({ facts: runtimeFacts(m, version) });
      })
      .catch((e: Error) => live && setState({ error: e.message }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

interface Alertmanagers {
  activeAlertmanagers: Array<{ url: string }>;
  droppedAlertmanagers: Array<{ url: string }>;
}

export function StatusPage() {
  const rt = useAPI<Record<string, unknown>>('status/runtimeinfo');
  const bi = useAPI<Record<string, unknown>>('status/buildinfo');
  const am = useAPI<Alertmanagers>('alertmanagers');
  const facts = useRuntimeFacts();
  return (
    <div>
      <h2>Runtime Information</h2>
      <Loaded f={rt}>
        {(d) => (
          <KV
            data={
              String(bi.data?.goVersion ?? '').startsWith('node')
                ? Object.fromEntries(Object.entries(d).filter(([k]) => !GO_ONLY_FIELDS.has(k)))
                : d
            }
          />
        )}
      </Loaded>
      <h2>Process</h2>
      {facts.error !== undefined && (
        <div className="error" data-testid="runtime-error">
          Error fetching /metrics: {facts.error}
        </div>
      )}
      {facts.facts && (
        <table className="kv" data-testid="runtime-facts">
          <tbody>
            {facts.facts.map((f) => (
              <tr key={f.title}>
                <th>{f.title}</th>
                <td>{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Build Information</h2>
      <Loaded f={bi}>{(d) => <KV data={d} />}</Loaded>
      <h2>Alertmanagers</h2>
      <Loaded f={am}>
        {(d) => (
          <table data-testid="alertmanagers">
            <thead>
              <tr>
                <th>Endpoint</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {d.activeAlertmanagers.map((a) => (
                <tr key={a.url}>
                  <td className="mono">
                    <a href={a.url}>{a.url}</a>
                  </td>
                  <td>active</td>
                </tr>
              ))}
              {d.droppedAlertmanagers.map((a) => (
                <tr key={a.url}>
                  <td className="mono">{a.url}</td>
                  <td>dropped</td>
                </tr>
              ))}
              {d.activeAlertmanagers.length + d.droppedAlertmanagers.length === 0 && (
                <tr>
                  <td colSpan={2} className="stats">
                    No Alertmanagers configured.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}

interface Stat {
  name: string;
  value: number;
}
interface TSDB {
  headStats: {
    numSeries: number;
    chunkCount: number;
    numLabelPairs: number;
    minTime: number;
    maxTime: number;
  };
  seriesCountByMetricName: Stat[];
  labelValueCountByLabelName: Stat[];
  memoryInBytesByLabelName: Stat[];
  seriesCountByLabelValuePair: Stat[];
}

function StatTable({
  title,
  rows,
  col,
}: {
  title: string;
  rows: Stat[] | null | undefined;
  col: string;
}) {
  return (
    <>
      <h3>{title}</h3>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">{col}</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((r) => (
            <tr key={r.name}>
              <td className="mono">{r.name}</td>
              <td className="num">{col === 'Bytes' ? formatBytes(r.value) : r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function TSDBStatusPage() {
  const { localTime } = useSettings();
  const f = useAPI<TSDB>('status/tsdb');
  return (
    <div>
      <h2>TSDB Status</h2>
      <Loaded f={f}>
        {(d) => (
          <>
            <h3>Head Stats</h3>
            <table>
              <thead>
                <tr>
                  <th>Number of Series</th>
                  <th>Number of Chunks</th>
                  <th>Number of Label Pairs</th>
                  <th>Current Min Time</th>
                  <th>Current Max Time</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>{d.headStats.numSeries}</td>
                  <td>{d.headStats.chunkCount}</td>
                  <td>{d.headStats.numLabelPairs}</td>
                  <td>{formatTimestamp(d.headStats.minTime, localTime)}</td>
                  <td>{formatTimestamp(d.headStats.maxTime, localTime)}</td>
                </tr>
              </tbody>
            </table>
            <StatTable
              title="Top 10 series count by metric names"
              rows={d.seriesCountByMetricName}
              col="Count"
            />
            <StatTable
              title="Top 10 label names with value count"
              rows={d.labelValueCountByLabelName}
              col="Count"
            />
            <StatTable
              title="Top 10 label names with high memory usage"
              rows={d.memoryInBytesByLabelName}
              col="Bytes"
            />
            <StatTable
              title="Top 10 series count by label value pairs"
              rows={d.seriesCountByLabelValuePair}
              col="Count"
            />
          </>
        )}
      </Loaded>
    </div>
  );
}
