// Executing a parsed Go template: the tree walked against dot and variables, asynchronously so
// that functions such as `query` can run PromQL; errors worded like Go's.
import { callTimeMethod } from './gotime.js';
import {
  TemplateError,
  type Arg,
  type Command,
  type Node,
  type Pipeline,
  type TemplateFunc,
  type Value,
} from './ast.js';
import { parseTemplate } from './parse.js';
import { BUILTINS, builtinFuncs, truth } from './funcs.js';

class BreakSignal {}
class ContinueSignal {}

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
  private readonly builtins: Record<string, TemplateFunc>;

  constructor(
    readonly name: string,
    text: string,
    private readonly funcs: Record<string, TemplateFunc>,
    private readonly formatValue: (v: Value) => string,
    /** Earlier parsed templates whose {{define}}s this one may call (Go's template set). */
    private readonly library?: GoTemplate,
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
    this.builtins = builtinFuncs(formatValue);
    this.checkFunctions(this.root);
    for (const d of this.defs.values()) this.checkFunctions(d);
  }

  /** A {{define}}d template by name: this text's own, else the library's (later sets override earlier ones). */
  private lookup(name: string): Node[] | undefined {
    return this.defs.get(name) ?? this.library?.lookup(name);
  }

  private checkFunctions(nodes: Node[]): void {
    const checkPipe = (p: Pipeline | null, line: number) => {
      if (!p) return;
      for (const c of p.cmds) {
        for (const a of c.args) {
          if (a.kind === 'ident' && !(a.name in this.funcs) && !BUILTINS.has(a.name)) {
            throw new TemplateError(
              `template: ${this.name}:${line}: function "${a.name}" not defined`,
            );
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
    return new TemplateError(
      `template: ${this.name}:${line}: executing "${this.name}" at <${msg.split('\u0000')[0]}>: ${msg.split('\u0000')[1] ?? ''}`,
    );
  }

  private async walk(
    nodes: Node[],
    dot: Value,
    vars: [string, Value][],
    out: string[],
  ): Promise<void> {
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
          else if (v instanceof Map)
            for (const k of [...v.keys()].sort()) entries.push([k, v.get(k)]);
          else if (v !== null && typeof v === 'object')
            for (const k of Object.keys(v).sort())
              entries.push([k, (v as Record<string, Value>)[k]]);
          else if (v !== null && v !== undefined)
            throw this.err(n.line, `range\u0000range can't iterate over ${this.print(v)}`);
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
          const body = this.lookup(n.name);
          if (!body)
            throw new TemplateError(
              `template: ${this.name}:${n.loc ?? n.line}: executing "${this.name}" at <{{template "${n.name}"}}>: template "${n.name}" not defined`,
            );
          const v = n.pipe ? await this.pipe(n.pipe, dot, vars, n.line) : null;
          // Go's maxExecDepth: a template that calls itself ends in an error, not in exhausted memory.
          if (this.depth >= MAX_EXEC_DEPTH)
            throw new TemplateError(
              `template: ${this.name}:${n.loc ?? n.line}: executing "${this.name}" at <{{template "${n.name}"}}>: exceeded maximum template depth (${MAX_EXEC_DEPTH})`,
            );
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

  private async pipe(
    p: Pipeline,
    dot: Value,
    vars: [string, Value][],
    line: number,
  ): Promise<Value> {
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

  private async command(
    c: Command,
    dot: Value,
    vars: [string, Value][],
    line: number,
    piped: { value: Value } | undefined,
  ): Promise<Value> {
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
      const f = this.funcs[name] ?? this.builtins[name];
      if (!f) throw this.err(line, `${name}\u0000function "${name}" not defined`);
      this.checkArity(name, args.length, c.loc ?? line, c.text ?? name);
      try {
        return await f(...args);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw this.err(
          c.loc ?? line,
          `${c.text ?? name}\u0000error calling ${name}: ${(e as Error).message}`,
        );
      }
    }
    // A method with arguments on a value that has methods: (toTime x).Format "2006".
    if (
      (c.args.length > 1 || piped) &&
      (head.kind === 'field' || head.kind === 'var' || head.kind === 'pipe') &&
      head.path.length > 0
    ) {
      const recvArg = { ...head, path: head.path.slice(0, -1) } as Arg;
      const recv =
        head.kind === 'field' && recvArg.kind === 'field' && recvArg.path.length === 0
          ? dot
          : await this.arg(recvArg, dot, vars, line);
      if (recv instanceof Date) {
        const margs: Value[] = [];
        for (const a of c.args.slice(1)) margs.push(await this.arg(a, dot, vars, line));
        if (piped) margs.push(piped.value);
        const r = callTimeMethod(recv, head.path[head.path.length - 1]!, margs);
        if (r !== undefined) return r;
      }
      const m = goMethod(recv, head.path[head.path.length - 1]!);
      if (m) {
        const margs: Value[] = [];
        for (const a of c.args.slice(1)) margs.push(await this.arg(a, dot, vars, line));
        if (piped) margs.push(piped.value);
        return m.apply(recv, margs);
      }
    }
    if (c.args.length > 1 && head.kind !== 'field' && head.kind !== 'var') {
      throw this.err(
        line,
        `${this.argText(head)}\u0000can't give argument to non-function ${this.argText(head)}`,
      );
    }
    if (piped && (head.kind === 'field' || head.kind === 'var')) {
      // A field/method in a pipeline gets the previous value as its last argument: fields can't take one.
      throw this.err(
        line,
        `${this.argText(head)}\u0000can't give argument to non-function ${this.argText(head)}`,
      );
    }
    return this.arg(head, dot, vars, line);
  }

  /** Go's evalCall: a function called with another number of arguments than it declares is an error, not a call. */
  private checkArity(name: string, got: number, line: number | string, text: string): void {
    const want = Object.prototype.hasOwnProperty.call(this.funcs, name)
      ? this.arity[name]
      : undefined;
    if (want !== undefined && got !== want)
      throw this.err(
        line,
        `${text}\u0000wrong number of args for ${name}: want ${want} got ${got}`,
      );
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
        return Number.isInteger(a.value) &&
          !/[.eEpP]/.test(a.text.replace(/^[-+]?0[xX][0-9a-fA-F_]*$/, '')) &&
          Number.isSafeInteger(a.value)
          ? BigInt(a.value)
          : a.value;
      case 'bool':
        return a.value;
      case 'nil':
        return null;
      case 'dot':
        return dot;
      case 'ident': {
        const f = this.funcs[a.name] ?? this.builtins[a.name];
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
        if (!found)
          throw new TemplateError(`template: ${this.name}:${line}: undefined variable "${a.name}"`);
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
      if (v === null || v === undefined)
        throw this.err(line, `${text}\u0000nil pointer evaluating interface {}.${p}`);
      if (v instanceof Date) {
        const r = callTimeMethod(v, p, []);
        if (r === undefined)
          throw this.err(line, `${text}\u0000can't evaluate field ${p} in type time.Time`);
        v = r;
        continue;
      }
      const m = goMethod(v, p);
      if (m) {
        // Go looks a method up before a map key or field.
        v = m.call(v);
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

/**
 * A Go-style method of a value: a function its class defines (not an own property, so plain data
 * objects never have one) whose name is exported, as `.Alerts.Firing` or `.CommonLabels.Remove`.
 */
function goMethod(v: Value, name: string): ((...args: Value[]) => Value) | undefined {
  if (v === null || typeof v !== 'object' || !/^[A-Z]/.test(name)) return undefined;
  const f = (v as Record<string, unknown>)[name];
  return typeof f === 'function' && !Object.prototype.hasOwnProperty.call(v, name)
    ? (f as (...args: Value[]) => Value)
    : undefined;
}
