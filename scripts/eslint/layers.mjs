// The layering rule, as a local ESLint rule. Every relative import in src/ is resolved to a file
// and checked three ways:
//  - layer: the importing unit may import only units of a lower layer (LAYERS below, lowest
//    first); a unit is the longest prefix of the file's path under src/ that LAYERS names;
//  - face: a module in another folder is reached through that folder's index.ts, where the
//    folder has one (a parent folder's too: import-x/no-cycle then says when the parent's face
//    leads back to the child).
import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

// Lowest first. Entries on one line share a layer and may not import each other.
export const LAYERS = [
  ['util', 'types'],
  ['model'],
  ['configcodec'],
  ['model/relabel'],
  ['template', 'httpclient'],
  ['discovery'],
  ['config'],
  ['storage'],
  ['tsdb'],
  ['storage/remote'],
  ['scrape'],
  ['promql/parser'],
  ['promql'],
  ['model/rulefmt'],
  ['lint'],
  ['notifier', 'alertmanager'],
  ['rules'],
  ['web'],
  ['cmd'],
];

// Units that may import only the units listed, whatever their layer.
export const ONLY = {
  alertmanager: ['util', 'types', 'model', 'configcodec', 'template', 'httpclient', 'config'],
};

const rank = new Map();
LAYERS.forEach((units, i) => units.forEach((u) => rank.set(u, i)));

const srcRoot = resolve(dirname(new URL(import.meta.url).pathname), '..', '..', 'src');

function unitOf(rel) {
  const parts = rel.split(sep);
  for (let n = parts.length - 1; n > 0; n--) {
    const u = parts.slice(0, n).join('/');
    if (rank.has(u)) return u;
  }
  return undefined;
}

function resolveImport(fromFile, spec) {
  const p = resolve(dirname(fromFile), spec);
  for (const c of [
    p.replace(/\.js$/, '.ts'),
    p.replace(/\.js$/, '.tsx'),
    p,
    p + '.ts',
    `${p}/index.ts`,
  ]) {
    if (existsSync(c)) return c;
  }
  return undefined;
}

// The folder whose face a module is: its own folder when that has an index.ts.
function faceDir(file) {
  const d = dirname(file);
  return existsSync(`${d}/index.ts`) ? d : undefined;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: "imports point down the layers and go through each folder's index.ts" },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const rel = relative(srcRoot, file);
    if (rel.startsWith('..')) return {};
    const from = unitOf(rel);
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolveImport(file, spec);
      if (target === undefined) return;
      const trel = relative(srcRoot, target);
      if (trel.startsWith('..')) return;
      const to = unitOf(trel);
      if (from === undefined || to === undefined) {
        const unknown = from === undefined ? rel : trel;
        context.report({
          node,
          message: `src/${unknown.split(sep)[0]} has no layer: give it its line in LAYERS (scripts/eslint/layers.mjs)`,
        });
        return;
      }
      if (from !== to) {
        const only = ONLY[from];
        if (only !== undefined && !only.includes(to)) {
          context.report({
            node,
            message: `src/${from} may import only ${only.join(', ')}; not src/${to}`,
          });
        } else if (rank.get(to) >= rank.get(from)) {
          context.report({
            node,
            message: `src/${from} may not import src/${to}: ${to} is not in a lower layer (scripts/eslint/layers.mjs)`,
          });
        }
      }
      const fd = dirname(file);
      const face = faceDir(target);
      if (face !== undefined && face !== fd && !target.endsWith(`${sep}index.ts`)) {
        context.report({
          node,
          message: `import ${relative(srcRoot, face)}/index.ts, not its module ${trel}`,
        });
      }
    }
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
    };
  },
};
