// --enable-feature=expand-external-labels: ${VAR} and $VAR in external label values come from the
// environment, as Prometheus expands them (Go's os.Expand; `$$` is a literal `$`, an unset or
// empty variable expands to nothing, with a warning).
import { Labels } from '../model/labels/index.js';

const SPECIAL = new Set('*#$@!?-0123456789');
const isAlnum = (c: string) => /[A-Za-z0-9_]/.test(c);

/** The name after a `$` and how many characters it takes (Go's getShellName). */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.has(s[1]!) && s[2] === '}') return [s[1]!, 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (SPECIAL.has(s[0]!)) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && isAlnum(s[i]!)) i++;
  return [s.slice(0, i), i];
}

/** Go's os.Expand. */
export function goExpand(s: string, mapping: (name: string) => string): string {
  let out = '';
  let from = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] !== '$' || j + 1 >= s.length) continue;
    out += s.slice(from, j);
    const [name, w] = shellName(s.slice(j + 1));
    if (name !== '') out += mapping(name);
    else if (w === 0) out += '$'; // a `$` not followed by a name stays
    j += w;
    from = j + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

export function expandExternalLabels(
  ls: Labels,
  env: NodeJS.ProcessEnv,
  warnEmpty: (name: string) => void,
): Labels {
  const out: Record<string, string> = {};
  ls.forEach((n, v) => {
    out[n] = goExpand(v, (name) => {
      if (name === '$') return '$';
      const got = env[name];
      if (got) return got;
      warnEmpty(name);
      return '';
    });
  });
  return Labels.fromObject(out);
}
