// Lexing a Go template: the text split into text and actions ({{…}} with trim markers and
// comments), and an action's words split into tokens.
import { TemplateError, type Piece } from './ast.js';
import { unquoteString, UnquoteError } from '../util/unquote.js';

/** strconv.Unquote, as text/template's parser applies it to a quoted string or character constant. */
function goUnquote(quoted: string, where: string): string {
  try {
    return unquoteString(quoted);
  } catch (e) {
    if (e instanceof UnquoteError) throw new TemplateError(`template: ${where}: ${e.message}`);
    throw e;
  }
}

export function lex(name: string, src: string): Piece[] {
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
        else if (c === '\n' && inStr !== '`')
          throw new TemplateError(
            `template: ${name}:${actionLine}: ${inStr === '"' ? 'unterminated quoted string' : 'unterminated character constant'}`,
          );
        continue;
      }
      if (c === '"' || c === '`' || c === "'") {
        // A quote glued to a word (q") is where Go's lexer stops with a bad character.
        if (j > start && /[\w.$]/.test(src[j - 1]!)) {
          throw new TemplateError(
            `template: ${name}:${actionLine}: bad character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${c}'`,
          );
        }
        inStr = c;
      } else if (c === '}' && src[j + 1] === '}') break;
    }
    if (j >= src.length) {
      if (inStr === '"')
        throw new TemplateError(`template: ${name}:${actionLine}: unterminated quoted string`);
      if (inStr === '`')
        throw new TemplateError(`template: ${name}:${actionLine}: unterminated raw quoted string`);
      if (inStr === "'")
        throw new TemplateError(`template: ${name}:${actionLine}: unterminated character constant`);
      throw new TemplateError(`template: ${name}:${actionLine}: unclosed action`);
    }
    const end = j;
    let body = src.slice(start, end);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -2);
      pendingTrimLeft = true;
    }
    line += countLines(src.slice(open, j + 2));
    i = j + 2;
    const trimmed = body.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/'))
        throw new TemplateError(`template: ${name}:${actionLine}: unclosed comment`);
      continue;
    }
    void end;
    out.push({ action: { text: body, line: actionLine, col, start } });
  }
  return out;
}

export function countLines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

export type Tok = {
  t: 'str' | 'raw' | 'num' | 'word' | 'var' | 'field' | 'op';
  v: string;
  pos?: number;
  end?: number;
};

export function tokenize(s: string, where: string, base = 0): Tok[] {
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
    if (/\s/.test(c))
      throw new TemplateError(
        `template: ${where}: unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
      );
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
      if (j >= s.length)
        throw new TemplateError(`template: ${where}: unterminated character constant`);
      const text = s.slice(i, j + 1);
      const r = goUnquote(text, where);
      const cp = r.codePointAt(0);
      if (cp === undefined || String.fromCodePoint(cp) !== r)
        throw new TemplateError(`template: ${where}: malformed character constant: ${text}`);
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
      throw new TemplateError(
        `template: ${where}: bad character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${ch}'`,
      );
    }
    const numField = /^([-+]?\d+\.\d*)(\.[^.]*)/.exec(w);
    if (numField)
      throw new TemplateError(`template: ${where}: unexpected "${numField[2]}" in operand`);
    if (/^[-+]?0[xXbBoO]_*$/.test(w))
      throw new TemplateError(`template: ${where}: illegal number syntax: "${w}"`);
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
