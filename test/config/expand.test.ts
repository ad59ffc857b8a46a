// --enable-feature=expand-external-labels: Go's os.Expand over external label values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/labels/index.ts';
import { expandExternalLabels, goExpand } from '../../src/config/index.ts';

test('goExpand follows os.Expand', () => {
  const env: Record<string, string> = { HOST: 'vm1', A: 'x', '1': 'one' };
  const m = (n: string) => env[n] ?? `<${n}>`;
  assert.equal(goExpand('plain', m), 'plain');
  assert.equal(goExpand('${HOST}-$A', m), 'vm1-x');
  assert.equal(goExpand('$HOST.local', m), 'vm1.local');
  assert.equal(goExpand('$1x', m), 'onex', 'a digit is a one-character name');
  assert.equal(goExpand('cost: 5$', m), 'cost: 5$', 'a trailing $ stays');
  assert.equal(goExpand('a$%b', m), 'a$%b', 'a $ not followed by a name stays');
  assert.equal(goExpand('a${}b', m), 'ab', 'bad syntax is eaten');
  assert.equal(goExpand('a${b', m), 'ab', 'an unclosed brace eats "${"');
  assert.equal(goExpand('$$', m), '<$>');
});

test('external labels: $$ is a dollar, unset variables expand to nothing with a warning', () => {
  const warned: string[] = [];
  const ls = expandExternalLabels(
    Labels.fromObject({ replica: '${HOSTNAME}', price: '$$5', region: '${UNSET_VAR}-eu' }),
    { HOSTNAME: 'prom-0' },
    (n) => warned.push(n),
  );
  assert.deepEqual(ls.toObject(), { price: '$5', region: '-eu', replica: 'prom-0' });
  assert.deepEqual(warned, ['UNSET_VAR']);
});
