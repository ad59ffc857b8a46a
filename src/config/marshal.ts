// The loaded config written back as YAML, as /api/v1/status/config (and the UI's Configuration
// page) shows it: Prometheus 2.48 marshals its Config structs with yaml.v2, so the fields come in
// the structs' order, `omitempty` fields go when zero, secrets read <secret>, durations are
// Prometheus durations, discovery configs come last in their sorted key order, lists hang at their
// key's indentation and source_labels are a flow list. The layouts come from each struct's schema
// (configcodec's schema(), beside the package that owns the struct); this file writes them.
import { stringify } from 'yaml';
import { AnchoredRegexp, Labels } from '../model/labels/index.js';
import { formatDuration } from '../model/duration/index.js';
import { HTTP_FIELDS } from '../httpclient/index.js';
import {
  INLINE_HTTP,
  INLINE_SD,
  type Kind,
  type ListOf,
  type Struct,
} from '../configcodec/index.js';
import { mechanisms } from '../discovery/index.js';
import { configSchema } from './config.js';
import type { Config } from './types.js';

/** A YAML node: a scalar already in YAML form, a flow list, a mapping or a list. */
type Out = { scalar: string } | { flow: string[] } | { map: [string, Out][] } | { list: Out[] };

/** yaml.v2 quotes only what would not read back as the same string, and prefers single quotes. */
function quoted(v: string | number | boolean): string {
  return stringify(v, { lineWidth: 0, singleQuote: true }).trimEnd();
}

function scalar(v: string | number | boolean): Out {
  return { scalar: quoted(v) };
}

/** units.Base2Bytes as Go prints it: the largest unit that divides it (10MiB, 1536KiB, 7B). */
function base2(n: number): string {
  const units = ['EiB', 'PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
  for (let i = 0; i < units.length; i++) {
    const size = 1024 ** (units.length - i);
    if (n >= size && n % size === 0) return `${n / size}${units[i]}`;
  }
  return `${n}B`;
}

function redactURL(s: string): string {
  try {
    const u = new URL(s);
    if (u.password) u.password = 'xxxxx';
    return u.toString() === s || !u.password ? s : u.toString();
  } catch {
    return s;
  }
}

function fromRaw(v: unknown): Out | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v))
    return v.length ? { list: v.map((x) => fromRaw(x) ?? { scalar: 'null' }) } : null;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).flatMap(
      ([k, x]): [string, Out][] => {
        const o = fromRaw(x);
        return o ? [[k, o]] : [];
      },
    );
    return entries.length ? { map: entries } : null;
  }
  return scalar(v as string | number | boolean);
}

/** yaml.v2's zero value test for omitempty: a struct is zero when every field is. */
function isZero(kind: Kind | Struct | ListOf, v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Labels) return v.isEmpty();
  if (typeof kind === 'object' && 'fields' in kind) {
    const o = v as Record<string, unknown>;
    return kind.fields.every(([k, f]) =>
      k === INLINE_HTTP
        ? HTTP_FIELDS.every(([hk, hf]) => isZero(hf, o[hk]))
        : k === INLINE_SD
          ? true
          : isZero(f, o[k]),
    );
  }
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

/** The value of one field, or null when omitempty drops it. */
function value(kind: Kind | Struct | ListOf, v: unknown, omitempty: boolean): Out | null {
  if (typeof kind === 'object') {
    if ('of' in kind) {
      const items = (v as unknown[] | undefined) ?? [];
      if (items.length === 0) return omitempty ? null : { list: [] };
      return {
        list: items.map((x) => struct(kind.of, x as Record<string, unknown>) ?? { map: [] }),
      };
    }
    if (omitempty && isZero(kind, v)) return null;
    const s = v === undefined || v === null ? null : struct(kind, v as Record<string, unknown>);
    return s === null && !omitempty ? { map: [] } : s;
  }
  const empty =
    v === undefined ||
    v === null ||
    v === '' ||
    v === 0 ||
    v === false ||
    (Array.isArray(v) && v.length === 0);
  if (
    omitempty &&
    empty &&
    kind !== 'labels' &&
    kind !== 'strmap' &&
    kind !== 'params' &&
    kind !== 'raw'
  )
    return null;
  switch (kind) {
    case 'str':
      return scalar((v as string | undefined) ?? '');
    case 'bool':
      return scalar(Boolean(v));
    case 'int':
      return scalar((v as number | undefined) ?? 0);
    case 'dur':
      return scalar(formatDuration((v as number | undefined) ?? 0));
    case 'secret':
      return v ? scalar('<secret>') : omitempty ? null : { scalar: 'null' };
    case 'url':
      return scalar(redactURL((v as string | undefined) ?? ''));
    case 'bytes':
      return scalar(base2((v as number | undefined) ?? 0));
    case 'regex':
      return scalar((v as AnchoredRegexp).source);
    case 'labels': {
      const ls = v as Labels | undefined;
      if (!ls || ls.isEmpty()) return omitempty ? null : { map: [] };
      const m: [string, Out][] = [];
      ls.forEach((n, x) => m.push([n, scalar(x)]));
      return { map: m };
    }
    case 'strmap': {
      const entries = Object.entries((v as Record<string, string> | undefined) ?? {}).sort(
        ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
      );
      if (entries.length === 0) return omitempty ? null : { map: [] };
      return { map: entries.map(([k, x]) => [k, scalar(x)]) };
    }
    case 'params': {
      const entries = Object.entries((v as Record<string, string[]> | undefined) ?? {}).sort(
        ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
      );
      if (entries.length === 0) return null;
      return { map: entries.map(([k, xs]) => [k, { list: xs.map(scalar) }]) };
    }
    case 'list': {
      const xs = (v as string[] | undefined) ?? [];
      return xs.length === 0 && omitempty ? null : { list: xs.map(scalar) };
    }
    case 'flow': {
      const xs = (v as string[] | undefined) ?? [];
      return xs.length === 0 ? null : { flow: xs.map(quoted) };
    }
    case 'raw':
      return fromRaw(v);
  }
}

/** A struct's fields in order; null when every field was dropped (yaml.v2 omits a zero struct). */
function struct(s: Struct, v: Record<string, unknown>): Out | null {
  const out: [string, Out][] = [];
  for (const [key, kind, omit] of s.fields) {
    if (key === INLINE_HTTP) {
      const http = struct({ fields: HTTP_FIELDS }, v);
      if (http && 'map' in http) out.push(...http.map);
      continue;
    }
    if (key === INLINE_SD) {
      const sd: [string, Out][] = [];
      for (const m of mechanisms()) {
        const o = value({ of: m.marshal }, v[m.key], true);
        if (o) sd.push([m.key, o]);
      }
      const other =
        (v as { unsupported_sd_configs?: Record<string, unknown[]> }).unsupported_sd_configs ?? {};
      for (const [k, x] of Object.entries(other)) {
        const o = fromRaw(x);
        if (o) sd.push([k, o]);
      }
      sd.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out.push(...sd);
      continue;
    }
    const o = value(kind, v[key], omit);
    if (o !== null) out.push([key, o]);
  }
  return out.length === 0 ? null : { map: out };
}

function emit(o: Out, indent: string, lines: string[], prefix: string): void {
  if ('scalar' in o) {
    lines.push(`${prefix} ${o.scalar}`);
  } else if ('flow' in o) {
    lines.push(`${prefix} [${o.flow.join(', ')}]`);
  } else if ('map' in o) {
    if (o.map.length === 0) return void lines.push(`${prefix} {}`);
    if (prefix !== '') lines.push(prefix);
    const inner = prefix === '' ? indent : indent + '  ';
    o.map.forEach(([k, x]) => emit(x, inner, lines, `${inner}${k}:`));
  } else {
    if (o.list.length === 0) return void lines.push(`${prefix} []`);
    lines.push(prefix);
    // yaml.v2 hangs a list at its key's indentation.
    for (const item of o.list) {
      if ('map' in item && item.map.length > 0) {
        const sub: string[] = [];
        item.map.forEach(([k, x]) => emit(x, indent + '  ', sub, `${indent}  ${k}:`));
        sub[0] = `${indent}- ${sub[0]!.slice(indent.length + 2)}`;
        lines.push(...sub);
      } else {
        const sub: string[] = [];
        emit(item, indent, sub, `${indent}-`);
        lines.push(...sub);
      }
    }
  }
}

export function marshalConfig(cfg: Config): string {
  const view: Record<string, unknown> = { ...cfg };
  // Storage is only shown when it says something (Prometheus leaves unset sections out).
  if (
    cfg.storage.tsdb.out_of_order_time_window === 0 &&
    cfg.storage.exemplars.max_exemplars === 100000
  )
    delete view.storage;
  const root = struct(configSchema.marshal, view);
  const lines: string[] = [];
  if (root && 'map' in root) root.map.forEach(([k, x]) => emit(x, '', lines, `${k}:`));
  return lines.join('\n') + '\n';
}
