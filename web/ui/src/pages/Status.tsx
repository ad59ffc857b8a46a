import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { matchesSearch } from '../lib/format.js';
import { highlightYAML } from '../lib/yaml.js';
import { Loaded } from './common.js';

export function ConfigPage() {
  const f = useAPI<{ yaml: string }>('status/config');
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <h2>Configuration</h2>
      <Loaded f={f}>{(d) => (
        <>
          <button onClick={() => { void navigator.clipboard?.writeText(d.yaml).then(() => setCopied(true)); }}>{copied ? 'Copied' : 'Copy to clipboard'}</button>
          <pre className="yaml" data-testid="config">{highlightYAML(d.yaml).map((tok, i) => <span key={i} className={tok.cls}>{tok.text}</span>)}</pre>
        </>
      )}</Loaded>
    </div>
  );
}

export function FlagsPage() {
  const f = useAPI<Record<string, string>>('status/flags');
  const [search, setSearch] = useState('');
  return (
    <div>
      <h2>Command-Line Flags</h2>
      <input placeholder="Filter by flag name or value" value={search} onChange={(e) => setSearch(e.target.value)} />
      <Loaded f={f}>{(d) => (
        <table><tbody>{Object.entries(d).filter(([k, v]) => matchesSearch(k + ' ' + v, search)).map(([k, v]) => <tr key={k}><td>{k}</td><td>{v}</td></tr>)}</tbody></table>
      )}</Loaded>
    </div>
  );
}

function KV({ data }: { data: Record<string, unknown> }) {
  return <table><tbody>{Object.entries(data).map(([k, v]) => <tr key={k}><th>{k}</th><td>{String(v)}</td></tr>)}</tbody></table>;
}

export function StatusPage() {
  const rt = useAPI<Record<string, unknown>>('status/runtimeinfo');
  const bi = useAPI<Record<string, unknown>>('status/buildinfo');
  return (
    <div>
      <h2>Runtime Information</h2>
      <Loaded f={rt}>{(d) => <KV data={d} />}</Loaded>
      <h2>Build Information</h2>
      <Loaded f={bi}>{(d) => <KV data={d} />}</Loaded>
    </div>
  );
}

interface Stat { name: string; value: number }
interface TSDB { headStats: Record<string, number>; seriesCountByMetricName: Stat[]; labelValueCountByLabelName: Stat[]; memoryInBytesByLabelName: Stat[]; seriesCountByLabelValuePair: Stat[] }

function StatTable({ title, rows, col }: { title: string; rows: Stat[] | null | undefined; col: string }) {
  return (
    <>
      <h3>{title}</h3>
      <table><thead><tr><th>Name</th><th>{col}</th></tr></thead><tbody>{(rows ?? []).map((r) => <tr key={r.name}><td>{r.name}</td><td>{r.value}</td></tr>)}</tbody></table>
    </>
  );
}

export function TSDBStatusPage() {
  const f = useAPI<TSDB>('status/tsdb');
  return (
    <div>
      <h2>TSDB Status</h2>
      <Loaded f={f}>{(d) => (
        <>
          <h3>Head Stats</h3>
          <table><thead><tr><th>Number of Series</th><th>Number of Chunks</th><th>Number of Label Pairs</th><th>Current Min Time</th><th>Current Max Time</th></tr></thead>
            <tbody><tr><td>{d.headStats.numSeries}</td><td>{d.headStats.chunkCount}</td><td>{d.headStats.numLabelPairs}</td>
              <td>{new Date(d.headStats.minTime).toISOString()} ({d.headStats.minTime})</td><td>{new Date(d.headStats.maxTime).toISOString()} ({d.headStats.maxTime})</td></tr></tbody></table>
          <StatTable title="Top 10 series count by metric names" rows={d.seriesCountByMetricName} col="Count" />
          <StatTable title="Top 10 label names with value count" rows={d.labelValueCountByLabelName} col="Count" />
          <StatTable title="Top 10 label names with high memory usage" rows={d.memoryInBytesByLabelName} col="Bytes" />
          <StatTable title="Top 10 series count by label value pairs" rows={d.seriesCountByLabelValuePair} col="Count" />
        </>
      )}</Loaded>
    </div>
  );
}
