// Go's text/template, as alert labels and annotations use it: actions with trim markers and
// comments, pipelines, variables, if/else if/range/with/define/template/block, the builtin
// functions, plus whatever functions the caller adds. Execution is async so functions such as
// `query` can run PromQL. Errors are worded like Go's ("template: name:1:13: …").

import { callTimeMethod } from './gotime.js';
import { unquoteString, UnquoteError } from '../promql/parser/unquote.js';

export type Value = unknown;
export type TemplateFunc = (...args: Value[]) => Value | Promise<Value>;

export class TemplateError extends Error {}

/** strconv.Unquote, as text/template's parser applies it to a quoted string or character constant. */
function goUnquote(quoted: string, where: string): string {
  try {
    return unquoteString(quoted);
  } catch (e) {
    if (e instanceof UnquoteError) throw new TemplateError(`template: ${where}: ${e.message}`);
    throw e;
  }
}

// ---- lexing --------------------------------------------------------------------------------

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline; line: number }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[] | null; line: number }
  | { kind: 'range'; pipe: Pipeline; then: Node[]; else: Node[] | null; line: number }
  | { kind: 'template'; name: string; pipe: Pipeline | null; line: number; loc?: string }
  | { kind: 'break' | 'continue'; line: number };

interface Pipeline {
  decl: string[];
  assign: boolean;
  cmds: Command[];
}

type Arg =
  | { kind: 'field'; recv: Arg | null; path: string[] }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'dot' }
  | { kind: 'ident'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipe'; pipe: Pipeline; path: string[] };

interface Command {
  args: Arg[];
  /** "line:col" of the command, as Go's ErrorContext gives it. */
  loc?: string;
  /** The command's source, as Go prints the node in "at <…>". */
  text?: string;
}

interface Action {
  text: string;
  line: number;
  col: number;
  /** Offset of text in the template source. */
  start: number;
}

type Piece = { text: string } | { action: Action };

function lex(name: string, src: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  let line = 1;
  let pendingTrimLeft = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      let t = src.slice(i);
      if (pendingTrimLeft) t = t.replace(/^\s+/, '');
      out.push({ text: t });
      break;
    }
    let t = src.slice(i, open);
    if (pendingTrimLeft) t = t.replace(/^\s+/, '');
    pendingTrimLeft = false;
    let start = open + 2;
    // "{{- " trims the space before the action.
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      t = t.replace(/\s+$/, '');
      start += 2;
    }
    out.push({ text: t });
    line += countLines(src.slice(i, open));
    const actionLine = line;
    const col = open - src.lastIndexOf('\n', open - 1);
    // Find the closing braces, skipping quoted strings.
    let j = start;
    let inStr: string | null = null;
    for (; j < src.length; j++) {
      const c = src[j]!;
      if (inStr) {
        if (c === '\\' && inStr !== '`') j++;
        else if (c === inStr) inStr = null;
        else if (c === '\n' && inStr !== '`') throw new TemplateError(`template: ${name}:${actionLine}: ${inStr === '"' ? 'unterminated quoted string' : 'unterminated character constant'}`);
        continue;
      }
      if (c === '"' || c === '`' || c === "'") {
        // A quote glued to a word (q") is where Go's lexer stops with a bad character.
        if (j > start && /[\w.$]/.test(src[j - 1]!)) {
          throw new TemplateError(`template: ${name}:${actionLine}: bad character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
        }
        inStr = c;
      }
      else if (c === '}' && src[j + 1] === '}') break;
    }
    if (j >= src.length) {
      if (inStr === '"') throw new TemplateError(`template: ${name}:${actionLine}: unterminated quoted string`);
      if (inStr === '`') throw new TemplateError(`template: ${name}:${actionLine}: unterminated raw quoted string`);
      if (inStr === "'") throw new TemplateError(`template: ${name}:${actionLine}: unterminated character constant`);
      throw new TemplateError(`template: ${name}:${actionLine}: unclosed action`);
    }
    let end = j;
    let body = src.slice(start, end);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -2);
      pendingTrimLeft = true;
    }
    line += countLines(src.slice(open, j + 2));
    i = j + 2;
    const trimmed = body.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) throw new TemplateError(`template: ${name}:${actionLine}: unclosed comment`);
      continue;
    }
    void end;
    out.push({ action: { text: body, line: actionLine, col, start } });
  }
  return out;
}

function countLines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

// ---- parsing of an action's words ------------------------------------------------------------

type Tok = { t: 'str' | 'raw' | 'num' | 'word' | 'var' | 'field' | 'op'; v: string; pos?: number; end?: number };

function tokenize(s: string, where: string, base = 0): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let mark = 0;
  // Each token records where it starts and ends in the action, for Go's line:col in run-time errors.
  const stamp = () => {
    const t = out[out.length - 1];
    if (t && t.pos === undefined) {
      t.pos = base + mark;
      t.end = base + i;
    }
  };
  while (i < s.length) {
    stamp();
    mark = i;
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (/\s/.test(c)) throw new TemplateError(`template: ${where}: unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new TemplateError(`template: ${where}: unterminated quoted string`);
      out.push({ t: 'str', v: goUnquote(s.slice(i, j + 1), where) });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`template: ${where}: unterminated raw quoted string`);
      out.push({ t: 'raw', v: s.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new TemplateError(`template: ${where}: unterminated character constant`);
      const text = s.slice(i, j + 1);
      const r = goUnquote(text, where);
      const cp = r.codePointAt(0);
      if (cp === undefined || String.fromCodePoint(cp) !== r) throw new TemplateError(`template: ${where}: malformed character constant: ${text}`);
      out.push({ t: 'num', v: String(cp) });
      i = j + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === ':' && s[i + 1] === '=') {
      out.push({ t: 'op', v: ':=' });
      i += 2;
      continue;
    }
    if (c === '=') {
      out.push({ t: 'op', v: '=' });
      i++;
      continue;
    }
    const m = /^[^ \t\r\n()|,=]+/.exec(s.slice(i));
    if (!m) throw new TemplateError(`template: ${where}: unexpected "${c}"`);
    let w = m[0];
    // A word ends at a delimiter; a quote glued to it is a bad character, as Go's lexer says.
    const q = /["`']/.exec(w.slice(1));
    if (q) {
      const ch = q[0];
      throw new TemplateError(`template: ${where}: bad character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${ch}'`);
    }
    const numField = /^([-+]?\d+\.\d*)(\.[^.]*)/.exec(w);
    if (numField) throw new TemplateError(`template: ${where}: unexpected "${numField[2]}" in operand`);
    if (/^[-+]?0[xXbBoO]_*$/.test(w)) throw new TemplateError(`template: ${where}: illegal number syntax: "${w}"`);
    w = m[0];
    i += w.length;
    if (w.startsWith('$')) out.push({ t: 'var', v: w });
    else if (w.startsWith('.') && !/^\.\d/.test(w)) out.push({ t: 'field', v: w });
    else if (/^[-+]?(\d|\.\d)/.test(w) || /^0[xX]/.test(w)) out.push({ t: 'num', v: w });
    else out.push({ t: 'word', v: w });
  }
  stamp();
  return out;
}

class PipeParser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly where: string,
    private readonly src?: { text: string; offset: number },
  ) {}

  private err(msg: string): TemplateError {
    return new TemplateError(`template: ${this.where}: ${msg}`);
  }

  pipeline(allowDecl: boolean): Pipeline {
    const p: Pipeline = { decl: [], assign: false, cmds: [] };
    if (allowDecl) {
      // $x := …, $i, $e := range …, $x = …
      let k = this.i;
      const vars: string[] = [];
      while (this.toks[k]?.t === 'var') {
        vars.push(this.toks[k]!.v);
        k++;
        if (this.toks[k]?.t === 'op' && this.toks[k]!.v === ',') k++;
        else break;
      }
      const op = this.toks[k];
      if (vars.length > 0 && op?.t === 'op' && (op.v === ':=' || op.v === '=')) {
        p.decl = vars;
        p.assign = op.v === '=';
        this.i = k + 1;
      }
    }
    for (;;) {
      p.cmds.push(this.command());
      const t = this.toks[this.i];
      if (t?.t === 'op' && t.v === '|') {
        this.i++;
        // Go's parser takes a trailing "|" before the end of the action as the end of the pipeline.
        const n = this.toks[this.i];
        if (n === undefined || (n.t === 'op' && n.v === ')')) break;
        continue;
      }
      break;
    }
    return p;
  }

  private command(): Command {
    const start = this.i;
    const args: Arg[] = [];
    for (;;) {
      const t = this.toks[this.i];
      if (t === undefined || (t.t === 'op' && (t.v === '|' || t.v === ')'))) break;
      args.push(this.operand());
    }
    if (args.length === 0) {
      const t = this.toks[this.i];
      throw this.err(t?.t === 'op' && t.v === '|' ? 'unexpected "|" in command' : 'missing value for command');
    }
    const cmd: Command = { args };
    const first = this.toks[start];
    const last = this.toks[this.i - 1];
    if (this.src && first?.pos !== undefined && last?.end !== undefined) {
      const abs = this.src.offset + first.pos;
      const before = this.src.text.slice(0, abs);
      const nl = before.lastIndexOf('\n');
      cmd.loc = `${countLines(before) + 1}:${abs - nl - 1}`;
      cmd.text = this.src.text.slice(abs, this.src.offset + last.end).replace(/\s+/g, ' ');
    }
    return cmd;
  }

  private operand(): Arg {
    const t = this.toks[this.i++]!;
    switch (t.t) {
      case 'str':
      case 'raw':
        return { kind: 'string', value: t.v };
      case 'num': {
        const v = Number(t.v);
        if (Number.isNaN(v)) throw this.err(`bad number syntax: "${t.v}"`);
        return { kind: 'number', value: v, text: t.v };
      }
      case 'var': {
        const parts = t.v.split('.');
        return { kind: 'var', name: parts[0]!, path: parts.slice(1) };
      }
      case 'field':
        if (t.v === '.') return { kind: 'dot' };
        return { kind: 'field', recv: null, path: t.v.slice(1).split('.') };
      case 'word':
        if (t.v === 'true' || t.v === 'false') return { kind: 'bool', value: t.v === 'true' };
        if (t.v === 'nil') return { kind: 'nil' };
        return { kind: 'ident', name: t.v };
      case 'op':
        if (t.v === '(') {
          const pipe = this.pipeline(false);
          const close = this.toks[this.i++];
          if (close?.t !== 'op' || close.v !== ')') throw this.err('unclosed left paren');
          // (pipeline).Field
          const next = this.toks[this.i];
          let path: string[] = [];
          if (next?.t === 'field' && next.v !== '.') {
            path = next.v.slice(1).split('.');
            this.i++;
          }
          return { kind: 'pipe', pipe, path };
        }
        throw this.err(`unexpected "${t.v}" in operand`);
    }
  }

  done(): void {
    if (this.i < this.toks.length) throw this.err(`unexpected "${this.toks[this.i]!.v}" in command`);
  }
}

interface Template {
  name: string;
  root: Node[];
}

function parseTemplate(name: string, src: string, defs: Map<string, Node[]>): Node[] {
  const pieces = lex(name, src);
  let pos = 0;
  const where = (a: Action) => `${name}:${a.line}`;
  // Go resolves variables while parsing: a variable lives from its declaration to the {{end}} of
  // the enclosing control structure, and each {{define}} starts with only $.
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  const checkArgs = (args: Arg[], a: Action): void => {
    for (const x of args) {
      if (x.kind === 'var' && !vars.includes(x.name)) throw new TemplateError(`template: ${where(a)}: undefined variable "${x.name}"`);
      if (x.kind === 'pipe') checkPipe(x.pipe, a);
      if (x.kind === 'field' && x.recv) checkArgs([x.recv], a);
    }
  };
  const checkPipe = (p: Pipeline, a: Action): void => {
    // An assignment's target is only looked up when it runs.
    if (!p.assign) vars.push(...p.decl);
    for (const c of p.cmds) checkArgs(c.args, a);
  };
  function parseList(terminators: string[]): { nodes: Node[]; end: string; endAction: Action | null } {
    const nodes: Node[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++]!;
      if ('text' in p) {
        if (p.text !== '') nodes.push({ kind: 'text', text: p.text });
        continue;
      }
      const a = p.action;
      // Go's action space is ASCII only (a no-break space is an unrecognized character).
      const words = a.text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      const wordsAt = a.start + (a.text.length - a.text.replace(/^[ \t\r\n]+/, '').length);
      const srcRef = { text: src, offset: 0 };
      const kw = /^(\w+)/.exec(words)?.[1] ?? '';
      const rest = words.slice(kw.length);
      if (terminators.includes(kw) && (kw === 'end' || kw === 'else')) return { nodes, end: kw, endAction: a };
      switch (kw) {
        case 'if':
        case 'with':
        case 'range':
          nodes.push(parseBranch(kw, rest, a, wordsAt + kw.length));
          break;
        case 'define':
        case 'block': {
          const toks = tokenize(rest, where(a));
          const nameTok = toks[0];
          if (!nameTok || (nameTok.t !== 'str' && nameTok.t !== 'raw')) throw new TemplateError(`template: ${where(a)}: unexpected name in ${kw} clause`);
          const outer = vars;
          vars = ['$'];
          const body = parseList(['end']);
          vars = outer;
          if (body.end !== 'end') throw new TemplateError(`template: ${where(a)}: unexpected EOF`);
          defs.set(nameTok.v, body.nodes);
          if (kw === 'block') {
            const pp = new PipeParser(toks.slice(1), where(a));
            nodes.push({ kind: 'template', name: nameTok.v, pipe: toks.length > 1 ? pp.pipeline(false) : null, line: a.line });
          }
          break;
        }
        case 'template': {
          const toks = tokenize(rest, where(a), wordsAt + kw.length);
          const nameTok = toks[0];
          if (!nameTok || (nameTok.t !== 'str' && nameTok.t !== 'raw')) throw new TemplateError(`template: ${where(a)}: unexpected "${nameTok ? nameTok.v : '}}'}" in template clause`);
          const pp = new PipeParser(toks.slice(1), where(a));
          // Go places a template call at its name.
          const before = src.slice(0, nameTok.pos ?? 0);
          const loc = nameTok.pos === undefined ? undefined : `${countLines(before) + 1}:${before.length - before.lastIndexOf('\n') - 1}`;
          const tpipe = toks.length > 1 ? pp.pipeline(false) : null;
          if (tpipe) checkPipe(tpipe, a);
          nodes.push({ kind: 'template', name: nameTok.v, pipe: tpipe, line: a.line, ...(loc ? { loc } : {}) });
          break;
        }
        case 'end':
        case 'else':
          throw new TemplateError(`template: ${where(a)}: unexpected {{${kw}}}`);
        case 'break':
        case 'continue':
          if (rangeDepth === 0) throw new TemplateError(`template: ${where(a)}: {{${kw}}} outside {{range}}`);
          nodes.push({ kind: kw, line: a.line });
          break;
        default: {
          const pp = new PipeParser(tokenize(words, where(a), wordsAt), where(a), srcRef);
          const pipe = pp.pipeline(true);
          pp.done();
          checkPipe(pipe, a);
          nodes.push({ kind: 'action', pipe, line: a.line });
        }
      }
    }
    return { nodes, end: '', endAction: null };
  }
  /** if/with/range up to its {{end}}; "else if" nests an if that shares that end. */
  function parseBranch(kw: string, rest: string, a: Action, base?: number): Node {
    const toks = base === undefined ? tokenize(rest, where(a)) : tokenize(rest, where(a), base);
    if (toks.length === 0) throw new TemplateError(`template: ${where(a)}: missing value for ${kw}`);
    const pp = base === undefined ? new PipeParser(toks, where(a)) : new PipeParser(toks, where(a), { text: src, offset: 0 });
    const pipe = pp.pipeline(true);
    pp.done();
    const scope = vars.length;
    checkPipe(pipe, a);
    if (kw === 'range') rangeDepth++;
    const body = parseList(['end', 'else']);
    let elseNodes: Node[] | null = null;
    if (body.end === 'else') {
      const elseRest = body.endAction!.text.trim().slice(4).trim();
      const nested = /^(if|with)\b/.exec(elseRest);
      if (nested && kw !== 'range') {
        elseNodes = [parseBranch(nested[1]!, elseRest.slice(nested[1]!.length), body.endAction!)];
      } else {
        const e = parseList(['end']);
        if (e.end !== 'end') throw new TemplateError(`template: ${where(a)}: unexpected EOF`);
        elseNodes = e.nodes;
      }
    } else if (body.end !== 'end') {
      throw new TemplateError(`template: ${where(a)}: unexpected EOF`);
    }
    if (kw === 'range') rangeDepth--;
    vars.length = scope;
    return { kind: kw, pipe, then: body.nodes, else: elseNodes, line: a.line } as Node;
  }
  const res = parseList([]);
  return res.nodes;
}

// ---- execution -----------------------------------------------------------------------------

class BreakSignal {}
class ContinueSignal {}

/** Go's notion of truth for if/with/and/or. */
export function truth(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === 0n || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0 || !(Object.getPrototypeOf(v) === Object.prototype);
  return true;
}

// Alert templates are expanded at every evaluation of every active alert, from the same few
// texts: parsed trees are kept (they are not changed by execution), bounded so that ever-changing
// texts cannot grow it without limit.
const PARSE_CACHE_MAX = 2048;
const parseCache = new Map<string, { root: Node[]; defs: Map<string, Node[]> }>();

/** Go text/template's maxExecDepth (outside wasm): how deep {{template}} calls may nest. */
const MAX_EXEC_DEPTH = 100000;

export class GoTemplate {
  private depth = 0;
  private readonly defs: Map<string, Node[]>;
  private readonly root: Node[];

  constructor(
    readonly name: string,
    text: string,
    private readonly funcs: Record<string, TemplateFunc>,
    private readonly formatValue: (v: Value) => string,
    /** How many arguments each of funcs takes in Go (absent: any number), checked at each call as Go does. */
    private readonly arity: Readonly<Record<string, number>> = {},
  ) {
    const key = name + '\u0000' + text;
    let parsed = parseCache.get(key);
    if (parsed === undefined) {
      const defs = new Map<string, Node[]>();
      parsed = { root: parseTemplate(name, text, defs), defs };
      if (parseCache.size >= PARSE_CACHE_MAX) parseCache.clear();
      parseCache.set(key, parsed);
    }
    this.root = parsed.root;
    this.defs = parsed.defs;
    this.checkFunctions(this.root);
    for (const d of this.defs.values()) this.checkFunctions(d);
  }

  private checkFunctions(nodes: Node[]): void {
    const checkPipe = (p: Pipeline | null, line: number) => {
      if (!p) return;
      for (const c of p.cmds) {
        for (const a of c.args) {
          if (a.kind === 'ident' && !(a.name in this.funcs) && !BUILTINS.has(a.name)) {
            throw new TemplateError(`template: ${this.name}:${line}: function "${a.name}" not defined`);
          }
          if (a.kind === 'pipe') checkPipe(a.pipe, line);
        }
      }
    };
    for (const n of nodes) {
      if (n.kind === 'action' || n.kind === 'template') checkPipe(n.pipe, n.line);
      if (n.kind === 'if' || n.kind === 'with' || n.kind === 'range') {
        checkPipe(n.pipe, n.line);
        this.checkFunctions(n.then);
        if (n.else) this.checkFunctions(n.else);
      }
    }
  }

  async execute(data: Value): Promise<string> {
    const out: string[] = [];
    const vars: [string, Value][] = [['$', data]];
    await this.walk(this.root, data, vars, out);
    return out.join('');
  }

  private err(line: number | string, msg: string): TemplateError {
    return new TemplateError(`template: ${this.name}:${line}: executing "${this.name}" at <${msg.split('\u0000')[0]}>: ${msg.split('\u0000')[1] ?? ''}`);
  }

  private async walk(nodes: Node[], dot: Value, vars: [string, Value][], out: string[]): Promise<void> {
    for (const n of nodes) {
      switch (n.kind) {
        case 'text':
          out.push(n.text);
          break;
        case 'action': {
          const v = await this.pipe(n.pipe, dot, vars, n.line);
          if (n.pipe.decl.length === 0) out.push(this.print(v));
          break;
        }
        case 'if':
        case 'with': {
          const mark = vars.length;
          const v = await this.pipe(n.pipe, dot, vars, n.line);
          if (truth(v)) await this.walk(n.then, n.kind === 'with' ? v : dot, vars, out);
          else if (n.else) await this.walk(n.else, dot, vars, out);
          vars.length = mark;
          break;
        }
        case 'range': {
          const mark = vars.length;
          const decl = n.pipe.decl;
          const v = await this.pipe({ ...n.pipe, decl: [] }, dot, vars, n.line);
          const entries: [Value, Value][] = [];
          if (Array.isArray(v)) v.forEach((x, i) => entries.push([i, x]));
          else if (v instanceof Map) for (const k of [...v.keys()].sort()) entries.push([k, v.get(k)]);
          else if (v !== null && typeof v === 'object') for (const k of Object.keys(v).sort()) entries.push([k, (v as Record<string, Value>)[k]]);
          else if (v !== null && v !== undefined) throw this.err(n.line, `range\u0000range can't iterate over ${this.print(v)}`);
          if (entries.length === 0) {
            if (n.else) await this.walk(n.else, dot, vars, out);
          } else {
            for (const [k, x] of entries) {
              if (decl.length === 1) vars.push([decl[0]!, x]);
              else if (decl.length === 2) vars.push([decl[0]!, k], [decl[1]!, x]);
              try {
                await this.walk(n.then, x, vars, out);
              } catch (e) {
                if (e instanceof BreakSignal) break;
                if (!(e instanceof ContinueSignal)) throw e;
              }
              vars.length = mark;
            }
          }
          vars.length = mark;
          break;
        }
        case 'template': {
          const body = this.defs.get(n.name);
          if (!body) throw new TemplateError(`template: ${this.name}:${n.loc ?? n.line}: executing "${this.name}" at <{{template "${n.name}"}}>: template "${n.name}" not defined`);
          const v = n.pipe ? await this.pipe(n.pipe, dot, vars, n.line) : null;
          // Go's maxExecDepth: a template that calls itself ends in an error, not in exhausted memory.
          if (this.depth >= MAX_EXEC_DEPTH) throw new TemplateError(`template: ${this.name}:${n.loc ?? n.line}: executing "${this.name}" at <{{template "${n.name}"}}>: exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
          this.depth++;
          try {
            // A body that awaits nothing before calling itself again would recurse on the JS
            // stack, which overflows long before Go's limit: yielding here unwinds it each call.
            await null;
            await this.walk(body, v, [['$', v]], out);
          } finally {
            this.depth--;
          }
          break;
        }
        case 'break':
          throw new BreakSignal();
        case 'continue':
          throw new ContinueSignal();
      }
    }
  }

  private async pipe(p: Pipeline, dot: Value, vars: [string, Value][], line: number): Promise<Value> {
    let v: Value = undefined;
    let first = true;
    for (const c of p.cmds) {
      v = await this.command(c, dot, vars, line, first ? undefined : { value: v });
      first = false;
    }
    if (p.decl.length > 0) {
      if (p.assign) {
        for (let i = vars.length - 1; i >= 0; i--) {
          if (vars[i]![0] === p.decl[0]) {
            vars[i]![1] = v;
            break;
          }
        }
      } else {
        vars.push([p.decl[p.decl.length - 1]!, v]);
      }
    }
    return v;
  }

  private async command(c: Command, dot: Value, vars: [string, Value][], line: number, piped: { value: Value } | undefined): Promise<Value> {
    const head = c.args[0]!;
    if (head.kind === 'ident') {
      const args: Value[] = [];
      const name = head.name;
      // and/or evaluate lazily, as Go 1.18+ does.
      if (name === 'and' || name === 'or') {
        let last: Value = undefined;
        const all = c.args.slice(1);
        for (const a of all) {
          last = await this.arg(a, dot, vars, line);
          if (name === 'and' ? !truth(last) : truth(last)) return last;
        }
        if (piped) {
          last = piped.value;
        }
        return last;
      }
      for (const a of c.args.slice(1)) args.push(await this.arg(a, dot, vars, line));
      if (piped) args.push(piped.value);
      const f = this.funcs[name] ?? BUILTIN_FUNCS[name];
      if (!f) throw this.err(line, `${name}\u0000function "${name}" not defined`);
      this.checkArity(name, args.length, c.loc ?? line, c.text ?? name);
      try {
        return await f(...args);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw this.err(c.loc ?? line, `${c.text ?? name}\u0000error calling ${name}: ${(e as Error).message}`);
      }
    }
    // A method with arguments on a value that has methods: (toTime x).Format "2006".
    if ((c.args.length > 1 || piped) && (head.kind === 'field' || head.kind === 'var' || head.kind === 'pipe') && head.path.length > 0) {
      const recvArg = { ...head, path: head.path.slice(0, -1) } as Arg;
      const recv = head.kind === 'field' && recvArg.kind === 'field' && recvArg.path.length === 0 ? dot : await this.arg(recvArg, dot, vars, line);
      if (recv instanceof Date) {
        const margs: Value[] = [];
        for (const a of c.args.slice(1)) margs.push(await this.arg(a, dot, vars, line));
        if (piped) margs.push(piped.value);
        const r = callTimeMethod(recv, head.path[head.path.length - 1]!, margs);
        if (r !== undefined) return r;
      }
    }
    if (c.args.length > 1 && head.kind !== 'field' && head.kind !== 'var') {
      throw this.err(line, `${this.argText(head)}\u0000can't give argument to non-function ${this.argText(head)}`);
    }
    if (piped && (head.kind === 'field' || head.kind === 'var')) {
      // A field/method in a pipeline gets the previous value as its last argument: fields can't take one.
      throw this.err(line, `${this.argText(head)}\u0000can't give argument to non-function ${this.argText(head)}`);
    }
    return this.arg(head, dot, vars, line);
  }

  /** Go's evalCall: a function called with another number of arguments than it declares is an error, not a call. */
  private checkArity(name: string, got: number, line: number | string, text: string): void {
    const want = Object.prototype.hasOwnProperty.call(this.funcs, name) ? this.arity[name] : undefined;
    if (want !== undefined && got !== want) throw this.err(line, `${text}\u0000wrong number of args for ${name}: want ${want} got ${got}`);
  }

  private argText(a: Arg): string {
    switch (a.kind) {
      case 'field':
        return '.' + a.path.join('.');
      case 'var':
        return [a.name, ...a.path].join('.');
      case 'string':
        return JSON.stringify(a.value);
      case 'number':
        return a.text;
      default:
        return a.kind;
    }
  }

  private async arg(a: Arg, dot: Value, vars: [string, Value][], line: number): Promise<Value> {
    switch (a.kind) {
      case 'string':
        return a.value;
      case 'number':
        // An integer constant is a Go int (bigint here); anything with . e E p P is a float64.
        return Number.isInteger(a.value) && !/[.eEpP]/.test(a.text.replace(/^[-+]?0[xX][0-9a-fA-F_]*$/, '')) && Number.isSafeInteger(a.value) ? BigInt(a.value) : a.value;
      case 'bool':
        return a.value;
      case 'nil':
        return null;
      case 'dot':
        return dot;
      case 'ident': {
        const f = this.funcs[a.name] ?? BUILTIN_FUNCS[a.name];
        if (!f) throw this.err(line, `${a.name}\u0000function "${a.name}" not defined`);
        this.checkArity(a.name, 0, line, a.name);
        return f();
      }
      case 'var': {
        let v: Value = undefined;
        let found = false;
        for (let i = vars.length - 1; i >= 0; i--) {
          if (vars[i]![0] === a.name) {
            v = vars[i]![1];
            found = true;
            break;
          }
        }
        if (!found) throw new TemplateError(`template: ${this.name}:${line}: undefined variable "${a.name}"`);
        return this.fields(v, a.path, line, [a.name, ...a.path].join('.'));
      }
      case 'field':
        return this.fields(dot, a.path, line, '.' + a.path.join('.'));
      case 'pipe': {
        const v = await this.pipe(a.pipe, dot, vars, line);
        return this.fields(v, a.path, line, '.' + a.path.join('.'));
      }
    }
  }

  private fields(v: Value, path: string[], line: number, text: string): Value {
    for (const p of path) {
      if (v === null || v === undefined) throw this.err(line, `${text}\u0000nil pointer evaluating interface {}.${p}`);
      if (v instanceof Date) {
        const r = callTimeMethod(v, p, []);
        if (r === undefined) throw this.err(line, `${text}\u0000can't evaluate field ${p} in type time.Time`);
        v = r;
        continue;
      }
      if (v instanceof Map) {
        // missingkey=zero, as Prometheus sets it: a missing label is the empty string.
        v = v.has(p) ? v.get(p) : '';
        continue;
      }
      if (typeof v === 'object') {
        const o = v as Record<string, Value>;
        v = p in o ? o[p] : '';
        continue;
      }
      throw this.err(line, `${text}\u0000can't evaluate field ${p} in type ${typeof v}`);
    }
    return v;
  }

  print(v: Value): string {
    if (v === undefined) return '<no value>';
    if (v === null) return '<nil>';
    return this.formatValue(v);
  }
}

const BUILTINS = new Set(['and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'len', 'index', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'slice', 'call']);

/** The Go type fmt names in %!verb(type=value). */
function goTypeName(v: Value): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return typeof v;
}

function basicKind(v: Value): string {
  // Go keeps ints (integer literals, len) and floats ($value, query values) apart in comparisons.
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'other';
}

function cmp(a: Value, b: Value, op: string): boolean {
  if (op === 'eq' || op === 'ne') {
    const eq = a === b;
    if (!eq && basicKind(a) !== basicKind(b) && basicKind(a) !== 'other' && basicKind(b) !== 'other' && a !== null && b !== null) {
      throw new Error('incompatible types for comparison');
    }
    return op === 'eq' ? eq : !eq;
  }
  if (basicKind(a) !== basicKind(b) || basicKind(a) === 'other' || basicKind(a) === 'bool') throw new Error('incompatible types for comparison');
  const x = a as number | bigint | string;
  const y = b as number | bigint | string;
  switch (op) {
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
    case 'gt':
      return x > y;
    default:
      return x >= y;
  }
}

/** Go's fmt.Sprintf for the verbs templates use. */
export function sprintf(format: string, args: Value[], formatValue: (v: Value) => string): string {
  let ai = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (ai >= args.length) return `%!${verb}(MISSING)`;
    const a = args[ai++];
    let s: string;
    switch (verb) {
      case 'd':
        s = typeof a === 'number' ? String(Math.trunc(a)) : typeof a === 'bigint' ? String(a) : `%!d(${goTypeName(a)}=${formatValue(a)})`;
        break;
      case 'f':
      case 'F':
        s = typeof a === 'number' ? (Number.isFinite(a) ? a.toFixed(prec !== undefined ? Number(prec) : 6) : formatValue(a)) : `%!f(${goTypeName(a)}=${formatValue(a)})`;
        break;
      case 'e':
        s = typeof a === 'number' ? a.toExponential(prec !== undefined ? Number(prec) : 6).replace(/e([+-])(\d)$/, 'e$10$2') : formatValue(a);
        break;
      case 'g':
        s = typeof a === 'number' ? (prec !== undefined ? String(Number(a.toPrecision(Number(prec)))) : formatValue(a)) : formatValue(a);
        break;
      case 's':
      case 'v':
        // %s of a number or bool is a bad verb in Go; strings, Stringers and collections print.
        if (verb === 's' && (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'boolean')) {
          s = `%!s(${goTypeName(a)}=${formatValue(a)})`;
          break;
        }
        s = formatValue(a);
        if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
        break;
      case 'q':
        s = JSON.stringify(typeof a === 'string' ? a : formatValue(a));
        break;
      case 'x':
      case 'X':
        s = typeof a === 'number' ? Math.trunc(a).toString(16) : typeof a === 'bigint' ? a.toString(16) : Buffer.from(String(a)).toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 't':
        s = String(Boolean(a));
        break;
      default:
        s = `%!${verb}(${formatValue(a)})`;
    }
    if (flags.includes('+') && (typeof a === 'number' || typeof a === 'bigint') && a >= 0 && 'dfeg'.includes(verb)) s = '+' + s;
    if (width !== undefined && s.length < Number(width)) {
      const pad = Number(width) - s.length;
      if (flags.includes('-')) s = s + ' '.repeat(pad);
      else if (flags.includes('0') && (typeof a === 'number' || typeof a === 'bigint')) s = (s.startsWith('-') ? '-' + '0'.repeat(pad) + s.slice(1) : '0'.repeat(pad) + s);
      else s = ' '.repeat(pad) + s;
    }
    void m;
    return s;
  }) + (ai < args.length ? `%!(EXTRA ${args.slice(ai).map((a) => `${goTypeName(a)}=${formatValue(a)}`).join(', ')})` : '');
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\u0000]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\u0000': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\n\r\t]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case "'":
        return "\\'";
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    }
  });
}

let printValue: (v: Value) => string = String;

export function setPrinter(p: (v: Value) => string): void {
  printValue = p;
}

const BUILTIN_FUNCS: Record<string, TemplateFunc> = {
  not: (a) => !truth(a),
  eq: (a, ...bs) => {
    if (bs.length === 0) throw new Error('missing argument for comparison');
    return bs.some((b) => cmp(a, b, 'eq'));
  },
  ne: (a, b) => cmp(a, b, 'ne'),
  lt: (a, b) => cmp(a, b, 'lt'),
  le: (a, b) => cmp(a, b, 'le'),
  gt: (a, b) => cmp(a, b, 'gt'),
  ge: (a, b) => cmp(a, b, 'ge'),
  len: (a) => {
    if (typeof a === 'string') return BigInt(Buffer.byteLength(a));
    if (Array.isArray(a)) return BigInt(a.length);
    if (a instanceof Map) return BigInt(a.size);
    if (a !== null && typeof a === 'object') return BigInt(Object.keys(a).length);
    throw new Error(`len of type ${typeof a}`);
  },
  index: (a, ...keys) => {
    let v = a;
    for (const k of keys) {
      // A missing key gives the map's zero value; template maps here are all map[string]string.
      if (v instanceof Map) v = v.has(k) ? v.get(k) : '';
      else if (Array.isArray(v)) {
        const i = Number(k);
        if (i < 0 || i >= v.length) throw new Error(`index out of range: ${i}`);
        v = v[i];
      } else if (v !== null && typeof v === 'object') v = String(k) in (v as object) ? (v as Record<string, Value>)[String(k)] : '';
      else throw new Error(`can't index item of type ${typeof v}`);
    }
    return v;
  },
  print: (...args) => {
    // Go's Sprint: spaces only between operands when neither is a string.
    let out = '';
    args.forEach((a, i) => {
      if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
      out += printValue(a);
    });
    return out;
  },
  println: (...args) => args.map((a) => printValue(a)).join(' ') + '\n',
  printf: (format, ...args) => sprintf(String(format), args, printValue),
  html: (...args) => htmlEscape(args.map((a) => printValue(a)).join('')),
  js: (...args) => jsEscape(args.map((a) => printValue(a)).join('')),
  urlquery: (...args) => encodeURIComponent(args.map((a) => printValue(a)).join('')).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
  slice: (a, ...idx) => {
    if (typeof a === 'string') return a.slice(Number(idx[0] ?? 0), idx[1] === undefined ? undefined : Number(idx[1]));
    if (Array.isArray(a)) return a.slice(Number(idx[0] ?? 0), idx[1] === undefined ? undefined : Number(idx[1]));
    throw new Error(`can't slice item of type ${typeof a}`);
  },
  call: async (f, ...args) => {
    if (typeof f !== 'function') throw new Error('non-function of type');
    return (f as TemplateFunc)(...args);
  },
};

export type { Template };
