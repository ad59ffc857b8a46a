// The JSON shapes of Alertmanager 0.25's API v2 (its OpenAPI definitions), and reading the
// postable ones with go-swagger's answers to a malformed body: 400 for unparsable JSON, 422
// naming the field for a missing or mistyped one.
import { AMMatcher } from '../matchers/index.js';
import type { Alert } from '../model/index.js';
import { ZERO_TIME } from '../model/index.js';
import type { Silence, SilenceState } from '../silence/index.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** go-swagger's error body {"code","message"}; otherwise the message as a JSON string. */
    readonly swaggerCode?: number,
  ) {
    super(message);
  }
}

/** strfmt.DateTime's form: RFC 3339 with milliseconds. */
export const apiTime = (ms: number): string =>
  ms === ZERO_TIME ? '0001-01-01T00:00:00.000Z' : new Date(ms).toISOString();

export interface AlertStatusJSON {
  state: 'unprocessed' | 'active' | 'suppressed';
  silencedBy: string[];
  inhibitedBy: string[];
}

export function gettableAlert(
  a: Alert,
  status: AlertStatusJSON,
  receivers: readonly string[],
): Record<string, unknown> {
  return {
    annotations: { ...a.annotations },
    endsAt: apiTime(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: apiTime(a.startsAt),
    status,
    updatedAt: apiTime(a.updatedAt),
    // Left out when empty, as go-swagger omits an empty `format: uri` string.
    ...(a.generatorURL === '' ? {} : { generatorURL: a.generatorURL }),
    labels: { ...a.labels },
  };
}

export function gettableSilence(s: Silence, state: SilenceState): Record<string, unknown> {
  return {
    id: s.id,
    status: { state },
    updatedAt: apiTime(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: apiTime(s.endsAt),
    matchers: s.matchers.map((m) => ({
      isEqual: m.isEqual,
      isRegex: m.isRegex,
      name: m.name,
      value: m.value,
    })),
    startsAt: apiTime(s.startsAt),
  };
}

export function parseBody(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(
      400,
      `parsing ${what} body from "" failed, because ${(e as Error).message}`,
      400,
    );
  }
}

const required = (field: string): ApiError =>
  new ApiError(422, `${field} in body is required`, 602);
const badType = (field: string, type: string, v: unknown): ApiError =>
  new ApiError(
    422,
    `${field} in body must be of type ${type}: ${JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v))}`,
    602,
  );

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelSet(v: unknown, field: string): Record<string, string> {
  if (!isObject(v)) throw badType(field, 'object', v);
  for (const [k, x] of Object.entries(v))
    if (typeof x !== 'string') throw badType(`${field}.${k}`, 'string', x);
  return v as Record<string, string>;
}

/** An unparsable time fails the body's decoding, as strfmt.DateTime's UnmarshalJSON does. */
function dateTime(v: unknown, field: string, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? parseApiTime(v) : NaN;
  if (Number.isNaN(ms))
    throw new ApiError(
      400,
      `parsing ${what} body from "" failed, because parsing time ${JSON.stringify(String(v))}: not an RFC 3339 date-time (${field})`,
      400,
    );
  return ms;
}

/** strfmt.ParseDateTime: RFC 3339 in its common spellings. */
export function parseApiTime(s: string): number {
  if (/^0001-01-01T00:00:00(\.0+)?Z$/.test(s)) return ZERO_TIME;
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/.test(s))
    return NaN;
  const m = /^(.*\.\d{3})\d+(.*)$/.exec(s);
  return Date.parse(m ? m[1]! + m[2]! : s);
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number | undefined;
  endsAt: number | undefined;
  generatorURL: string;
}

export function postableAlerts(body: unknown): PostableAlert[] {
  if (!Array.isArray(body)) throw badType('alerts', 'array', body);
  return body.map((a, i) => {
    if (!isObject(a)) throw badType(`${i}`, 'object', a);
    if (a.labels === undefined || a.labels === null) throw required(`${i}.labels`);
    const g = a.generatorURL ?? '';
    if (typeof g !== 'string') throw badType(`${i}.generatorURL`, 'string', g);
    return {
      labels: labelSet(a.labels, `${i}.labels`),
      annotations:
        a.annotations === undefined || a.annotations === null
          ? {}
          : labelSet(a.annotations, `${i}.annotations`),
      startsAt: dateTime(a.startsAt, `${i}.startsAt`, 'alerts'),
      endsAt: dateTime(a.endsAt, `${i}.endsAt`, 'alerts'),
      generatorURL: g,
    };
  });
}

export interface PostableSilence {
  id: string;
  matchers: AMMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export function postableSilence(body: unknown): PostableSilence {
  if (!isObject(body)) throw badType('silence', 'object', body);
  for (const f of ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'])
    if (body[f] === undefined || body[f] === null) throw required(f);
  const id = body.id ?? '';
  if (typeof id !== 'string') throw badType('id', 'string', id);
  if (!Array.isArray(body.matchers)) throw badType('matchers', 'array', body.matchers);
  if (body.matchers.length === 0)
    throw new ApiError(422, 'matchers in body should have at least 1 items', 604);
  const matchers = body.matchers.map((m, i) => {
    if (!isObject(m)) throw badType(`matchers.${i}`, 'object', m);
    for (const f of ['name', 'value', 'isRegex'])
      if (m[f] === undefined || m[f] === null) throw required(`matchers.${i}.${f}`);
    if (typeof m.name !== 'string') throw badType(`matchers.${i}.name`, 'string', m.name);
    if (typeof m.value !== 'string') throw badType(`matchers.${i}.value`, 'string', m.value);
    if (typeof m.isRegex !== 'boolean')
      throw badType(`matchers.${i}.isRegex`, 'boolean', m.isRegex);
    const isEqual = m.isEqual ?? true;
    if (typeof isEqual !== 'boolean') throw badType(`matchers.${i}.isEqual`, 'boolean', isEqual);
    const type = m.isRegex ? (isEqual ? '=~' : '!~') : isEqual ? '=' : '!=';
    try {
      return new AMMatcher(type, m.name, m.value);
    } catch (e) {
      throw new ApiError(
        400,
        `silence invalid: invalid label matcher ${i}: invalid regular expression ${JSON.stringify(m.value)}: ${(e as Error).message}`,
      );
    }
  });
  if (typeof body.createdBy !== 'string') throw badType('createdBy', 'string', body.createdBy);
  if (typeof body.comment !== 'string') throw badType('comment', 'string', body.comment);
  return {
    id,
    matchers,
    startsAt: dateTime(body.startsAt, 'startsAt', 'silence')!,
    endsAt: dateTime(body.endsAt, 'endsAt', 'silence')!,
    createdBy: body.createdBy,
    comment: body.comment,
  };
}
