// Two engine features Alertmanager's templates need: Go-style methods on the data (a class's
// capitalised methods, with and without arguments, looked up before map keys), and template sets
// (a template calling the {{define}}s of earlier ones, the latest definition winning).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoTemplate, printValue } from '../../src/template/index.js';

class Set2 extends Map<string, string> {
  Keys(): string[] {
    return [...this.keys()].sort();
  }
  Without(k: string): Set2 {
    const s = new Set2(this);
    s.delete(k);
    return s;
  }
}

test('gotemplate: methods of the data, before map keys, with arguments and in pipelines', async () => {
  const data = {
    S: new Set2([
      ['b', '2'],
      ['a', '1'],
      ['Keys', 'shadowed'],
    ]),
  };
  const t = (src: string) => new GoTemplate('t', src, {}, printValue).execute(data);
  assert.equal(await t('{{ .S.Keys }}'), '[Keys a b]');
  assert.equal(
    await t('{{ (.S.Without "a").Keys }}|{{ .S.a }}|{{ index .S "Keys" }}'),
    '[Keys b]|1|shadowed',
  );
  assert.equal(await t('{{ len .S.Keys }}'), '3');
  // Own function-valued properties of plain objects are data, not methods.
  assert.equal(
    await new GoTemplate('t', '{{ .F }}', {}, (v) => typeof v).execute({ F: () => 'x' }),
    'function',
  );
});

test('gotemplate: a template set — later definitions replace earlier ones for every caller', async () => {
  const base = new GoTemplate(
    'a',
    '{{ define "name" }}A{{ end }}{{ define "greet" }}hello {{ template "name" . }}{{ end }}',
    {},
    printValue,
  );
  const over = new GoTemplate('b', '{{ define "name" }}B{{ end }}', {}, printValue, base);
  assert.equal(
    await new GoTemplate('', '{{ template "greet" . }}', {}, printValue, base).execute(null),
    'hello A',
  );
  assert.equal(
    await new GoTemplate('', '{{ template "greet" . }}', {}, printValue, over).execute(null),
    'hello B',
  );
  await assert.rejects(
    new GoTemplate('', '{{ template "nope" . }}', {}, printValue, over).execute(null),
    /template "nope" not defined/,
  );
});
