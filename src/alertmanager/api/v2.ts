// Alertmanager 0.25's API v2: status, receivers, alerts (GET with its filters, POST), alert
// groups, silences and one silence (GET, DELETE), answering as go-swagger does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertmanagerConfig } from '../config/index.js';
import type { Dispatcher, Route } from '../dispatch/index.js';
import type { Inhibitor } from '../inhibit/index.js';
import { AMMatcher, parseMatcher } from '../matchers/index.js';
import type { AMMetrics } from '../metrics/index.js';
import {
  compareAlerts,
  labelSetBefore,
  newAlert,
  validateLabelSet,
  ZERO_TIME,
  type Alert,
  type LabelSet,
} from '../model/index.js';
import { silenceState, SilenceNotFoundError, type Silences } from '../silence/index.js';
import type { AlertStore } from '../store/index.js';
import { AnchoredRegexp } from '../../model/labels/index.js';
import {
  ApiError,
  apiTime,
  gettableAlert,
  gettableSilence,
  parseBody,
  postableAlerts,
  postableSilence,
  type AlertStatusJSON,
} from './json.js';

/** What the API reads and changes; the config-dependent parts are asked for on each request. */
export interface ApiState {
  readonly config: () => AlertmanagerConfig;
  readonly route: () => Route;
  readonly dispatcher: () => Dispatcher;
  readonly inhibitor: () => Inhibitor;
  readonly store: AlertStore;
  readonly silences: Silences;
  readonly metrics: AMMetrics;
  readonly startedAt: number;
  readonly version: Record<string, string>;
  /** Secrets masked, as /api/v2/status shows the config. */
  readonly configText: () => string;
}

const MAX_BODY = 32 << 20;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) throw new ApiError(413, 'request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': 0 });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

const boolParam = (q: URLSearchParams, name: string): boolean => {
  const v = q.get(name);
  if (v === null || v === '') return true;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError(400, `${name} in query must be of type boolean: "${v}"`, 400);
};

function filterMatchers(q: URLSearchParams): AMMatcher[] {
  return q.getAll('filter').map((f) => {
    try {
      return parseMatcher(f);
    } catch (e) {
      throw new ApiError(400, (e as Error).message);
    }
  });
}

/** The API's filter semantics: an empty value on a missing label (or a negated one on a present label) passes. */
function filterMatches(ms: readonly AMMatcher[], ls: LabelSet): boolean {
  for (const m of ms) {
    const v = ls[m.name];
    const negative = m.type === '!=' || m.type === '!~';
    if (m.value === '' && (negative ? v !== undefined : v === undefined)) continue;
    if (!m.matches(v ?? '')) return false;
  }
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ApiV2 {
  constructor(private readonly s: ApiState) {}

  /** Handles a request under /api/v2 (path without that prefix). */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    try {
      await this.route(req, res, path, query);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      send(
        res,
        e.status,
        e.swaggerCode !== undefined ? { code: e.swaggerCode, message: e.message } : e.message,
      );
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    q: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const only = (...ms: string[]) => {
      if (!ms.includes(method))
        throw new ApiError(405, `method ${method} is not allowed, but [${ms.join(',')}] are`, 405);
    };
    if (path === '/status') {
      only('GET');
      return send(res, 200, this.status());
    }
    if (path === '/receivers') {
      only('GET');
      return send(
        res,
        200,
        this.s.config().receivers.map((r) => ({ name: r.name })),
      );
    }
    if (path === '/alerts') {
      only('GET', 'POST');
      if (method === 'POST') return this.postAlerts(res, await readBody(req));
      return send(res, 200, this.getAlerts(q));
    }
    if (path === '/alerts/groups') {
      only('GET');
      return send(res, 200, this.getGroups(q));
    }
    if (path === '/silences') {
      only('GET', 'POST');
      if (method === 'POST') return this.postSilence(res, await readBody(req));
      return send(res, 200, this.getSilences(q));
    }
    const m = /^\/silence\/([^/]+)$/.exec(path);
    if (m !== null) {
      only('GET', 'DELETE');
      const id = decodeURIComponent(m[1]!);
      if (!UUID.test(id))
        throw new ApiError(
          422,
          `silenceID in path must be of type uuid: ${JSON.stringify(id)}`,
          601,
        );
      if (method === 'DELETE') {
        try {
          this.s.silences.expire(id);
        } catch (e) {
          // Alertmanager 0.25 answers an unknown id here with 500, not 404.
          return send(res, 500, (e as Error).message);
        }
        return send(res, 200, undefined);
      }
      const sil = this.s.silences.get(id);
      if (sil === undefined) return send(res, 404, undefined);
      return send(res, 200, gettableSilence(sil, silenceState(sil, Date.now())));
    }
    throw new ApiError(404, `path ${path} was not found`, 404);
  }

  private status(): Record<string, unknown> {
    return {
      cluster: { peers: [], status: 'disabled' },
      config: { original: this.s.configText() },
      uptime: apiTime(this.s.startedAt),
      versionInfo: this.s.version,
    };
  }

  /** Silenced and inhibited state of a label set, computed now (as the API's setAlertStatus does). */
  alertStatus(ls: LabelSet): AlertStatusJSON {
    const silencedBy = this.s.silences.mutedBy(ls);
    const inhibitedBy = this.s.inhibitor().inhibitedBy(ls);
    return {
      state: silencedBy.length > 0 || inhibitedBy.length > 0 ? 'suppressed' : 'active',
      silencedBy,
      inhibitedBy,
    };
  }

  private filter(q: URLSearchParams): (a: Alert, now: number) => AlertStatusJSON | null {
    const active = boolParam(q, 'active');
    const silenced = boolParam(q, 'silenced');
    const inhibited = boolParam(q, 'inhibited');
    boolParam(q, 'unprocessed');
    const matchers = filterMatchers(q);
    return (a, now) => {
      if (a.endsAt !== ZERO_TIME && a.endsAt < now) return null;
      const st = this.alertStatus(a.labels);
      if (!active && st.state === 'active') return null;
      if (!silenced && st.silencedBy.length > 0) return null;
      if (!inhibited && st.inhibitedBy.length > 0) return null;
      return filterMatches(matchers, a.labels) ? st : null;
    };
  }

  private receiverFilter(q: URLSearchParams): ((names: readonly string[]) => boolean) | null {
    const r = q.get('receiver');
    if (r === null || r === '') return null;
    let re: AnchoredRegexp;
    try {
      re = new AnchoredRegexp(r);
    } catch (e) {
      throw new ApiError(400, (e as Error).message);
    }
    return (names) => names.some((n) => re.matches(n));
  }

  private getAlerts(q: URLSearchParams): unknown[] {
    const keep = this.filter(q);
    const byReceiver = this.receiverFilter(q);
    const now = Date.now();
    const out: { fp: string; json: unknown }[] = [];
    for (const a of this.s.store.list()) {
      const receivers = this.s
        .route()
        .match(a.labels)
        .map((r) => r.cfg.receiver);
      if (byReceiver !== null && !byReceiver(receivers)) continue;
      const st = keep(a, now);
      if (st === null) continue;
      out.push({ fp: a.fingerprint, json: gettableAlert(a, st, receivers) });
    }
    return out.sort((x, y) => (x.fp < y.fp ? -1 : x.fp > y.fp ? 1 : 0)).map((x) => x.json);
  }

  private getGroups(q: URLSearchParams): unknown[] {
    const keep = this.filter(q);
    const byReceiver = this.receiverFilter(q);
    const now = Date.now();
    const groups: { labels: LabelSet; receiver: string; alerts: unknown[] }[] = [];
    for (const g of this.s.dispatcher().list()) {
      const receiver = g.route.cfg.receiver;
      if (byReceiver !== null && !byReceiver([receiver])) continue;
      const alerts: unknown[] = [];
      for (const a of [...g.alerts].sort(compareAlerts)) {
        const st = keep(a, now);
        if (st === null) continue;
        alerts.push(
          gettableAlert(
            a,
            st,
            this.s
              .route()
              .match(a.labels)
              .map((r) => r.cfg.receiver),
          ),
        );
      }
      if (alerts.length > 0) groups.push({ labels: g.labels, receiver, alerts });
    }
    groups.sort((a, b) => {
      if (labelSetBefore(a.labels, b.labels)) return -1;
      if (labelSetBefore(b.labels, a.labels)) return 1;
      return a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0;
    });
    return groups.map((g) => ({
      alerts: g.alerts,
      labels: { ...g.labels },
      receiver: { name: g.receiver },
    }));
  }

  private postAlerts(res: ServerResponse, text: string): void {
    const errors = this.ingest(text);
    if (errors.length > 0) return send(res, 400, errors.join('; '));
    send(res, 200, undefined);
  }

  /**
   * Takes a POST /api/v2/alerts body: stores the valid alerts, returns why the others were
   * refused; throws ApiError when the body itself is malformed.
   */
  ingest(text: string): string[] {
    const posted = postableAlerts(parseBody(text, 'alerts'));
    const now = Date.now();
    const resolveTimeout = this.s.config().global.resolveTimeout;
    const valid: Alert[] = [];
    const errors: string[] = [];
    // Counted per request rather than per alert: a labelled counter's inc is not free.
    let firing = 0;
    for (const p of posted) {
      let startsAt = p.startsAt ?? ZERO_TIME;
      let endsAt = p.endsAt ?? ZERO_TIME;
      if (startsAt === ZERO_TIME) startsAt = endsAt === ZERO_TIME ? now : endsAt;
      let timeout = false;
      if (endsAt === ZERO_TIME) {
        timeout = true;
        endsAt = now + resolveTimeout;
      }
      if (endsAt > now) firing++;
      const labels = dropEmpty(p.labels);
      const err = validateAlert(labels, p.annotations, startsAt, endsAt);
      if (err !== null) {
        errors.push(err);
        this.s.metrics.invalid.inc({ version: 'v2' });
        continue;
      }
      valid.push(
        newAlert({
          labels,
          annotations: p.annotations,
          startsAt,
          endsAt,
          generatorURL: p.generatorURL,
          updatedAt: now,
          timeout,
        }),
      );
    }
    if (firing > 0) this.s.metrics.received.inc({ status: 'firing', version: 'v2' }, firing);
    if (posted.length > firing)
      this.s.metrics.received.inc({ status: 'resolved', version: 'v2' }, posted.length - firing);
    this.s.store.put(valid);
    return errors;
  }

  private getSilences(q: URLSearchParams): unknown[] {
    const matchers = filterMatchers(q);
    const now = Date.now();
    const out = this.s.silences
      .list()
      .filter((s) =>
        matchers.every((f) =>
          s.matchers.some((m) => m.name === f.name && m.type === f.type && m.value === f.value),
        ),
      )
      .map((s) => ({ s, state: silenceState(s, now) }));
    const order = { active: 1, pending: 2, expired: 3 };
    out.sort((a, b) => {
      if (a.state !== b.state) return order[a.state] - order[b.state];
      if (a.state === 'pending') return a.s.startsAt - b.s.startsAt;
      return a.state === 'active' ? a.s.endsAt - b.s.endsAt : b.s.endsAt - a.s.endsAt;
    });
    return out.map((x) => gettableSilence(x.s, x.state));
  }

  private postSilence(res: ServerResponse, text: string): void {
    const p = postableSilence(parseBody(text, 'silence'));
    if (p.startsAt >= p.endsAt)
      throw new ApiError(400, 'failed to create silence: start time must be before end time');
    if (p.endsAt < Date.now())
      throw new ApiError(400, "failed to create silence: end time can't be in the past");
    let id: string;
    try {
      id = this.s.silences.set({
        id: p.id,
        matchers: p.matchers,
        startsAt: p.startsAt,
        endsAt: p.endsAt,
        createdBy: p.createdBy,
        comment: p.comment,
      });
    } catch (e) {
      if (e instanceof SilenceNotFoundError) throw new ApiError(404, e.message);
      throw new ApiError(400, (e as Error).message);
    }
    send(res, 200, { silenceID: id });
  }
}

/** The labels without empty values (an empty value is no label), copied only when needed. */
function dropEmpty(ls: Record<string, string>): Record<string, string> {
  for (const k in ls) {
    if (ls[k] === '') return Object.fromEntries(Object.entries(ls).filter(([, v]) => v !== ''));
  }
  return ls;
}

function validateAlert(
  labels: LabelSet,
  annotations: LabelSet,
  startsAt: number,
  endsAt: number,
): string | null {
  if (startsAt === ZERO_TIME) return 'start time missing';
  if (endsAt !== ZERO_TIME && endsAt < startsAt) return 'start time must be before end time';
  const l = validateLabelSet(labels);
  if (l !== null) return `invalid label set: ${l}`;
  if (Object.keys(labels).length === 0) return 'at least one label pair required';
  const an = validateLabelSet(annotations);
  if (an !== null) return `invalid annotations: ${an}`;
  return null;
}
