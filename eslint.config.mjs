// Lint: typescript-eslint's recommended rules, import-x's no-cycle and no-duplicates, and the
// local layering rule (scripts/eslint/layers.mjs).
import Module from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { layersRule } from './scripts/eslint/layers.mjs';

// typescript-eslint parses with the TypeScript 5/6 JavaScript API, which TypeScript 7 (the
// project's compiler, native) no longer ships; the 6.x API is installed as `typescript-api`
// and handed to typescript-eslint when it asks for `typescript`. Parsing only: type checking is
// tsc 7's job (npm run typecheck).
const require = Module.createRequire(import.meta.url);
const tsApi = require.resolve('typescript-api');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === 'typescript' ? tsApi : request, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');
const { default: importX } = await import('eslint-plugin-import-x');

// import-x resolves `./x.js` to the `./x.ts` beside it, as tsc's NodeNext resolution does.
const tsResolver = {
  interfaceVersion: 3,
  name: 'ts-js',
  resolve(source, file) {
    if (!source.startsWith('.')) return { found: false };
    const p = resolve(dirname(file), source);
    for (const c of [
      p.replace(/\.js$/, '.ts'),
      p.replace(/\.js$/, '.tsx'),
      p,
      `${p}.ts`,
      `${p}.tsx`,
    ]) {
      if (existsSync(c)) return { found: true, path: c };
    }
    return { found: false };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-output/', '.tmp/', 'web/ui/dist/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX, local: { rules: { layers: layersRule } } },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/resolver-next': [tsResolver],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-duplicates': 'error',
      'local/layers': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
);
