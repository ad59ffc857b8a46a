// The layering rule (scripts/eslint/layers.mjs) through ESLint itself: an import up the layers,
// past a folder's face, or from a folder without a layer is an error; a downward import through
// the face is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'local/layers').map((m) => m.message);
}

test('an import up the layers is refused, naming both folders', async () => {
  const errs = await layerErrors(
    'src/model/textparse/probe.ts',
    "import type { TargetInfo } from '../../scrape/index.js';\nexport type X = TargetInfo;\n",
  );
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /src\/model may not import src\/scrape/);
});

test("an import past another folder's index.ts is refused", async () => {
  const errs = await layerErrors(
    'src/scrape/probe.ts',
    "import { parseDuration } from '../model/duration/duration.js';\nexport const p = parseDuration;\n",
  );
  assert.deepEqual(errs, [
    'import model/duration/index.ts, not its module model/duration/duration.ts',
  ]);
});

test('alertmanager may import only its allowed layers', async () => {
  const errs = await layerErrors(
    'src/alertmanager/probe.ts',
    "import { Engine } from '../promql/index.js';\nexport const e = Engine;\n",
  );
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /src\/alertmanager may import only/);
});

test('a downward import through the face passes', async () => {
  assert.deepEqual(
    await layerErrors(
      'src/scrape/probe.ts',
      "import { parseDuration } from '../model/duration/index.js';\nexport const p = parseDuration;\n",
    ),
    [],
  );
});
