// A strict YAML → typed-object decoder with Go yaml.v2's (UnmarshalStrict) behaviour and wording:
// an unknown field is `line N: field x not found in type config.T`, a wrong type is
// `line N: cannot unmarshal !!str `abc` into int`. Errors carry the YAML line so every message can
// name file:line.
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

export class DecodeError extends Error {
  /** unmarshal: an error Go's YAML decoder itself reports (listed under "yaml: unmarshal errors:"). */
  constructor(
    readonly line: number,
    message: string,
    readonly unmarshal = false,
  ) {
    super(message);
  }
}

export interface DecodeCtx {
  lc: LineCounter;
}

export function lineOf(ctx: DecodeCtx, node: Node | null | undefined): number {
  const r = node?.range;
  return r ? ctx.lc.linePos(r[0]).line : 0;
}

export type Decoder<T> = (node: Node | null, ctx: DecodeCtx) => T;

/** What a composite decoder decodes, so tools (the docs' field tables) can walk a spec. */
export type Shape =
  | { kind: 'struct'; spec: StructSpec }
  | { kind: 'list' | 'map'; item: Decoder<unknown> }
  | { kind: 'raw' };

const shapes = new WeakMap<Decoder<unknown>, Shape>();

/** The shape of a decoder built by struct/list/stringMap/raw (or declared with describedAs). */
export function shapeOf(d: Decoder<unknown>): Shape | undefined {
  return shapes.get(d);
}

/** Declares that decoder d decodes what `like` decodes (for decoders that post-process). */
export function describedAs<T>(d: Decoder<T>, like: Decoder<unknown>): Decoder<T> {
  const s = shapes.get(like);
  if (s !== undefined) shapes.set(d, s);
  return d;
}

function yamlTag(node: Node): string {
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  const v = (node as Scalar).value;
  if (v === null) return '!!null';
  if (typeof v === 'number') return Number.isInteger(v) ? '!!int' : '!!float';
  if (typeof v === 'boolean') return '!!bool';
  return '!!str';
}

function shown(node: Node): string {
  if (isScalar(node)) return `\`${String((node as Scalar).source ?? (node as Scalar).value)}\``;
  return '';
}

export function typeError(ctx: DecodeCtx, node: Node, goType: string): DecodeError {
  const s = shown(node);
  return new DecodeError(
    lineOf(ctx, node),
    `line ${lineOf(ctx, node)}: cannot unmarshal ${yamlTag(node)}${s ? ' ' + s : ''} into ${goType}`,
    true,
  );
}

export const str: Decoder<string> = (node, ctx) => {
  if (node === null || (isScalar(node) && node.value === null)) return '';
  if (!isScalar(node)) throw typeError(ctx, node, 'string');
  const v = node.value;
  return typeof v === 'string' ? v : String((node as Scalar).source ?? v);
};

export const bool: Decoder<boolean> = (node, ctx) => {
  if (node === null || (isScalar(node) && node.value === null)) return false;
  if (!isScalar(node) || typeof node.value !== 'boolean') throw typeError(ctx, node, 'bool');
  return node.value;
};

export const int: Decoder<number> = (node, ctx) => {
  if (node === null || (isScalar(node) && node.value === null)) return 0;
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value))
    throw typeError(ctx, node, 'int');
  return node.value;
};

export const uint: Decoder<number> = (node, ctx) => {
  const v = int(node, ctx);
  if (v < 0) throw typeError(ctx, node!, 'uint');
  return v;
};

export const float: Decoder<number> = (node, ctx) => {
  if (node === null || (isScalar(node) && node.value === null)) return 0;
  if (!isScalar(node) || typeof node.value !== 'number') throw typeError(ctx, node, 'float64');
  return node.value;
};

export function list<T>(item: Decoder<T>, goType = '[]string'): Decoder<T[]> {
  const d: Decoder<T[]> = (node, ctx) => {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) throw typeError(ctx, node, goType);
    return (node as YAMLSeq<Node>).items.map((n) => item(n, ctx));
  };
  shapes.set(d, { kind: 'list', item });
  return d;
}

export function stringMap<T>(
  item: Decoder<T>,
  goType = 'map[string]string',
): Decoder<Record<string, T>> {
  const d: Decoder<Record<string, T>> = (node, ctx) => {
    if (node === null || (isScalar(node) && node.value === null)) return {};
    if (!isMap(node)) throw typeError(ctx, node, goType);
    const out: Record<string, T> = {};
    for (const p of (node as YAMLMap<Node, Node>).items)
      out[str(p.key as Node, ctx)] = item((p.value as Node) ?? null, ctx);
    return out;
  };
  shapes.set(d, { kind: 'map', item });
  return d;
}

/** A struct: every key must be a known field; each field decoded by its decoder. */
export interface StructSpec {
  goType: string; // e.g. config.ScrapeConfig
  fields: Record<string, Decoder<unknown>>;
  /** Inline structs (Go's `yaml:",inline"`), e.g. HTTPClientConfig inside ScrapeConfig. */
  inline?: StructSpec[];
}

function findField(spec: StructSpec, key: string): Decoder<unknown> | undefined {
  if (key in spec.fields) return spec.fields[key];
  for (const s of spec.inline ?? []) {
    const f = findField(s, key);
    if (f) return f;
  }
  return undefined;
}

export interface Decoded {
  values: Record<string, unknown>;
  /** Line of the struct's first key (for errors about the struct as a whole). */
  line: number;
  /** Line of each given key. */
  lines: Record<string, number>;
}

export function struct(spec: StructSpec): Decoder<Decoded> {
  const d: Decoder<Decoded> = (node, ctx) => {
    const values: Record<string, unknown> = {};
    const lines: Record<string, number> = {};
    if (node === null || (isScalar(node) && node.value === null)) return { values, line: 0, lines };
    if (!isMap(node)) throw typeError(ctx, node, spec.goType);
    const seen = new Set<string>();
    for (const p of (node as YAMLMap<Node, Node>).items as Pair<Node, Node>[]) {
      const key = str(p.key, ctx);
      const l = lineOf(ctx, p.key);
      if (seen.has(key))
        throw new DecodeError(l, `line ${l}: key ${JSON.stringify(key)} already set in map`);
      seen.add(key);
      const f = findField(spec, key);
      if (!f)
        throw new DecodeError(l, `line ${l}: field ${key} not found in type ${spec.goType}`, true);
      try {
        values[key] = f(p.value ?? null, ctx);
      } catch (e) {
        // A value error without a position (a bad duration, size…) gets the field's line and name.
        if (e instanceof DecodeError && e.line === 0)
          throw new DecodeError(l, `line ${l}: ${key}: ${e.message}`);
        throw e;
      }
      lines[key] = l;
    }
    return { values, line: lineOf(ctx, node), lines };
  };
  shapes.set(d, { kind: 'struct', spec });
  return d;
}

/** A raw pass-through (for SD kinds parsed but not run). */
export const raw: Decoder<unknown> = (node) => (node === null ? null : node.toJSON());
shapes.set(raw, { kind: 'raw' });
