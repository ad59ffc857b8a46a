// Parsing a Go template: actions into pipelines (PipeParser), and the pieces into the node tree
// with if/else if/range/with/define/template/block.
import {
  TemplateError,
  type Action,
  type Arg,
  type Command,
  type Node,
  type Pipeline,
} from './ast.js';
import { countLines, lex, tokenize, type Tok } from './lex.js';

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
      throw this.err(
        t?.t === 'op' && t.v === '|' ? 'unexpected "|" in command' : 'missing value for command',
      );
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
    if (this.i < this.toks.length)
      throw this.err(`unexpected "${this.toks[this.i]!.v}" in command`);
  }
}

export function parseTemplate(name: string, src: string, defs: Map<string, Node[]>): Node[] {
  const pieces = lex(name, src);
  let pos = 0;
  const where = (a: Action) => `${name}:${a.line}`;
  // Go resolves variables while parsing: a variable lives from its declaration to the {{end}} of
  // the enclosing control structure, and each {{define}} starts with only $.
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  const checkArgs = (args: Arg[], a: Action): void => {
    for (const x of args) {
      if (x.kind === 'var' && !vars.includes(x.name))
        throw new TemplateError(`template: ${where(a)}: undefined variable "${x.name}"`);
      if (x.kind === 'pipe') checkPipe(x.pipe, a);
      if (x.kind === 'field' && x.recv) checkArgs([x.recv], a);
    }
  };
  const checkPipe = (p: Pipeline, a: Action): void => {
    // An assignment's target is only looked up when it runs.
    if (!p.assign) vars.push(...p.decl);
    for (const c of p.cmds) checkArgs(c.args, a);
  };
  function parseList(terminators: string[]): {
    nodes: Node[];
    end: string;
    endAction: Action | null;
  } {
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
      if (terminators.includes(kw) && (kw === 'end' || kw === 'else'))
        return { nodes, end: kw, endAction: a };
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
          if (!nameTok || (nameTok.t !== 'str' && nameTok.t !== 'raw'))
            throw new TemplateError(`template: ${where(a)}: unexpected name in ${kw} clause`);
          const outer = vars;
          vars = ['$'];
          const body = parseList(['end']);
          vars = outer;
          if (body.end !== 'end') throw new TemplateError(`template: ${where(a)}: unexpected EOF`);
          defs.set(nameTok.v, body.nodes);
          if (kw === 'block') {
            const pp = new PipeParser(toks.slice(1), where(a));
            nodes.push({
              kind: 'template',
              name: nameTok.v,
              pipe: toks.length > 1 ? pp.pipeline(false) : null,
              line: a.line,
            });
          }
          break;
        }
        case 'template': {
          const toks = tokenize(rest, where(a), wordsAt + kw.length);
          const nameTok = toks[0];
          if (!nameTok || (nameTok.t !== 'str' && nameTok.t !== 'raw'))
            throw new TemplateError(
              `template: ${where(a)}: unexpected "${nameTok ? nameTok.v : '}}'}" in template clause`,
            );
          const pp = new PipeParser(toks.slice(1), where(a));
          // Go places a template call at its name.
          const before = src.slice(0, nameTok.pos ?? 0);
          const loc =
            nameTok.pos === undefined
              ? undefined
              : `${countLines(before) + 1}:${before.length - before.lastIndexOf('\n') - 1}`;
          const tpipe = toks.length > 1 ? pp.pipeline(false) : null;
          if (tpipe) checkPipe(tpipe, a);
          nodes.push({
            kind: 'template',
            name: nameTok.v,
            pipe: tpipe,
            line: a.line,
            ...(loc ? { loc } : {}),
          });
          break;
        }
        case 'end':
        case 'else':
          throw new TemplateError(`template: ${where(a)}: unexpected {{${kw}}}`);
        case 'break':
        case 'continue':
          if (rangeDepth === 0)
            throw new TemplateError(`template: ${where(a)}: {{${kw}}} outside {{range}}`);
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
    if (toks.length === 0)
      throw new TemplateError(`template: ${where(a)}: missing value for ${kw}`);
    const pp =
      base === undefined
        ? new PipeParser(toks, where(a))
        : new PipeParser(toks, where(a), { text: src, offset: 0 });
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
