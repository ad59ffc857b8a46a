// docs/configuration.md's field table is the one the decode specs give: a field added to (or
// removed from) a spec without regenerating the doc fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DOC, docWithTable, renderFieldTable } from '../../scripts/config_fields.ts';

test('docs/configuration.md lists every field the loader accepts (regenerate: node --import tsx scripts/config_fields.ts --write)', () => {
  const doc = readFileSync(DOC, 'utf8');
  assert.equal(doc, docWithTable(doc), 'the generated section is out of date');
});

test('the field table follows the registry: every registered discovery mechanism and its fields are listed', () => {
  const table = renderFieldTable();
  for (const key of [
    'consul_sd_configs',
    'dns_sd_configs',
    'file_sd_configs',
    'http_sd_configs',
    'static_configs',
  ])
    assert.match(table, new RegExp('`' + key + '`'));
  assert.match(table, /\| file\.SDConfig \| `files`, `refresh_interval` \|/);
  assert.match(table, /not run.*`kubernetes_sd_configs`/);
});
