// The embedded Alertmanager (--alertmanager.config.file): alert groups with filters, silences
// (list by state, expire), and a new silence with a preview of the alerts it would match. Talks
// only to the Alertmanager's own API v2 under /alertmanager/.
import { useEffect, useState } from 'react';
import { pathPrefix } from '../api.js';
import { LabelBadges, StateBadge } from './common.js';
import {
  labelsToMatchers,
  matcherText,
  silenceMatcher,
  splitMatchers,
  type SilenceMatcher,
} from '../lib/matchers.js';

declare global {
  interface Window {
    __AM_API__?: string;
  }
}

/** The Alertmanager's API: its own root when alertmanager-ts serves this page, else the server's /alertmanager/. */
const amBase = () => window.__AM_API__ ?? `${pathPrefix()}/alertmanager/api/v2`;

/** Served by alertmanager-ts itself (no Prometheus pages around it). */
export const standaloneAlertmanager = (): boolean => window.__AM_API__ !== undefined;

interface AMAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
  receivers: { name: string }[];
}
interface AMGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: AMAlert[];
}
interface AMSilence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: string };
}

interface Got<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

async function amFetch<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(amBase() + path, init);
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try {
      const j = JSON.parse(text) as unknown;
      msg = typeof j === 'string' ? j : ((j as { message?: string }).message ?? text);
    } catch {
      /* plain text */
    }
    throw new Error(`${res.status}: ${msg}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

function useAM<T>(path: string | null, reload = 0): Got<T> {
  const [state, setState] = useState<Got<T>>({ loading: true });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    amFetch<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (e: Error) => live && setState({ error: e.message, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, reload]);
  return state;
}

const filterQuery = (matchers: string[], extra: Record<string, string>) => {
  const q = new URLSearchParams(extra);
  for (const m of matchers) q.append('filter', m);
  return q.toString();
};

function navigateTo(to: string) {
  window.history.pushState(null, '', pathPrefix() + to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function SubNav({ at }: { at: string }) {
  const item = (to: string, label: string) => (
    <a
      href={pathPrefix() + to}
      className={at === to ? 'am-tab active' : 'am-tab'}
      onClick={(e) => {
        e.preventDefault();
        navigateTo(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <div className="am-tabs">
      {item('/am', 'Alerts')}
      {item('/am/silences', 'Silences')}
      {item('/am/silences/new', 'New Silence')}
    </div>
  );
}

function AlertGroups() {
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState<string[]>([]);
  const [silenced, setSilenced] = useState(false);
  const [inhibited, setInhibited] = useState(false);
  const [reload, setReload] = useState(0);
  const groups = useAM<AMGroup[]>(
    `/alerts/groups?${filterQuery(applied, { silenced: String(silenced), inhibited: String(inhibited) })}`,
    reload,
  );
  return (
    <div>
      <form
        className="am-filter"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(splitMatchers(filter));
        }}
      >
        <input
          aria-label="Filter"
          placeholder='Filter, e.g. severity="critical", job=~"api.*"'
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="am-filter"
        />
        <button type="submit">Apply</button>
        <label>
          <input
            type="checkbox"
            checked={silenced}
            onChange={(e) => setSilenced(e.target.checked)}
            data-testid="am-show-silenced"
          />{' '}
          Silenced
        </label>
        <label>
          <input
            type="checkbox"
            checked={inhibited}
            onChange={(e) => setInhibited(e.target.checked)}
          />{' '}
          Inhibited
        </label>
        <button type="button" onClick={() => setReload(reload + 1)}>
          Refresh
        </button>
      </form>
      {groups.error !== undefined && (
        <div className="error" data-testid="api-error">
          {groups.error}
        </div>
      )}
      {groups.data?.length === 0 && <div className="empty">No alert groups.</div>}
      {groups.data?.map((g) => (
        <div
          key={`${g.receiver.name} ${JSON.stringify(g.labels)}`}
          className="panel am-group"
          data-testid="am-group"
        >
          <div className="panel-header">
            <span className="badge receiver">{g.receiver.name}</span>{' '}
            <LabelBadges labels={g.labels} />{' '}
            <span className="count">
              {g.alerts.length} alert{g.alerts.length === 1 ? '' : 's'}
            </span>
          </div>
          {g.alerts.map((a) => (
            <div key={a.fingerprint} className="am-alert" data-testid="am-alert">
              <span className="time">{a.startsAt.replace('T', ' ').slice(0, 19)}</span>{' '}
              <StateBadge state={a.status.state} /> <LabelBadges labels={a.labels} />
              {a.annotations.summary !== undefined && (
                <div className="annotation">{a.annotations.summary}</div>
              )}
              <button
                type="button"
                className="am-silence-button"
                onClick={() =>
                  navigateTo(
                    `/am/silences/new?matchers=${encodeURIComponent(labelsToMatchers(a.labels))}`,
                  )
                }
              >
                Silence
              </button>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

function Silences() {
  const [reload, setReload] = useState(0);
  const [state, setState] = useState('active');
  const [err, setErr] = useState<string | undefined>();
  const sils = useAM<AMSilence[]>('/silences', reload);
  const expire = (id: string) => {
    amFetch<void>(`/silence/${id}`, { method: 'DELETE' }).then(
      () => setReload(reload + 1),
      (e: Error) => setErr(e.message),
    );
  };
  const shown = (sils.data ?? []).filter((s) => s.status.state === state);
  return (
    <div>
      <div className="am-states">
        {['active', 'pending', 'expired'].map((s) => (
          <button
            key={s}
            type="button"
            className={s === state ? 'active' : ''}
            onClick={() => setState(s)}
            data-testid={`am-state-${s}`}
          >
            {s[0]!.toUpperCase() + s.slice(1)} (
            {(sils.data ?? []).filter((x) => x.status.state === s).length})
          </button>
        ))}
      </div>
      {(sils.error ?? err) !== undefined && (
        <div className="error" data-testid="api-error">
          {sils.error ?? err}
        </div>
      )}
      {shown.length === 0 && !sils.loading && <div className="empty">No {state} silences.</div>}
      {shown.map((s) => (
        <div key={s.id} className="panel am-silence" data-testid="am-silence">
          <div>
            {s.matchers.map((m) => (
              <span key={matcherText(m)} className="badge">
                {matcherText(m)}
              </span>
            ))}
          </div>
          <div className="meta">
            {state === 'pending' ? 'Starts' : state === 'active' ? 'Ends' : 'Ended'}{' '}
            {(state === 'pending' ? s.startsAt : s.endsAt).replace('T', ' ').slice(0, 19)} ·{' '}
            {s.createdBy} · {s.comment}
          </div>
          <code className="id">{s.id}</code>
          {state !== 'expired' && (
            <button type="button" onClick={() => expire(s.id)} data-testid="am-expire">
              Expire
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

function NewSilence() {
  const initial = new URLSearchParams(window.location.search).get('matchers') ?? '';
  const [matchers, setMatchers] = useState(initial);
  const [hours, setHours] = useState('2');
  const [createdBy, setCreatedBy] = useState('');
  const [comment, setComment] = useState('');
  const [result, setResult] = useState<{ ok?: string; error?: string }>({});
  const parts = splitMatchers(matchers);
  const parsed = parts.map(silenceMatcher);
  const bad = parts.find((_, i) => parsed[i] === null);
  const preview = useAM<AMAlert[]>(
    parts.length > 0 && bad === undefined ? `/alerts?${filterQuery(parts, {})}` : null,
  );
  const submit = () => {
    const now = Date.now();
    const body = {
      matchers: parsed,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + Number(hours) * 3600_000).toISOString(),
      createdBy,
      comment,
    };
    amFetch<{ silenceID: string }>('/silences', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (r) => setResult({ ok: r.silenceID }),
      (e: Error) => setResult({ error: e.message }),
    );
  };
  return (
    <form
      className="am-new-silence"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        Matchers{' '}
        <input
          value={matchers}
          onChange={(e) => setMatchers(e.target.value)}
          placeholder='alertname="Foo", instance=~"a.*"'
          data-testid="am-matchers"
        />
      </label>
      {bad !== undefined && <div className="error">Bad matcher: {bad}</div>}
      <label>
        Duration (hours){' '}
        <input
          type="number"
          min="0.01"
          step="any"
          value={hours}
          onChange={(e) => setHours(e.target.value)}
        />
      </label>
      <label>
        Creator{' '}
        <input
          value={createdBy}
          onChange={(e) => setCreatedBy(e.target.value)}
          data-testid="am-created-by"
        />
      </label>
      <label>
        Comment{' '}
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          data-testid="am-comment"
        />
      </label>
      <div className="am-preview" data-testid="am-preview">
        {preview.data !== undefined && <div>Affected alerts: {preview.data.length}</div>}
        {preview.data?.map((a) => (
          <div key={a.fingerprint}>
            <LabelBadges labels={a.labels} />
          </div>
        ))}
        {preview.error !== undefined && <div className="error">{preview.error}</div>}
      </div>
      <button
        type="submit"
        disabled={parts.length === 0 || bad !== undefined}
        data-testid="am-create"
      >
        Create
      </button>
      {result.ok !== undefined && (
        <div className="success" data-testid="am-created">
          Silence {result.ok} created.
        </div>
      )}
      {result.error !== undefined && (
        <div className="error" data-testid="api-error">
          {result.error}
        </div>
      )}
    </form>
  );
}

export function AlertmanagerPage({ route }: { route: string }) {
  const at = route.startsWith('/am/silences/new')
    ? '/am/silences/new'
    : route.startsWith('/am/silences')
      ? '/am/silences'
      : '/am';
  return (
    <div className="am-page">
      <h2>Alertmanager</h2>
      <SubNav at={at} />
      {at === '/am' && <AlertGroups />}
      {at === '/am/silences' && <Silences />}
      {at === '/am/silences/new' && <NewSilence />}
    </div>
  );
}
