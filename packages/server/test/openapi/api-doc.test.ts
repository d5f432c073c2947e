/** docs/api.md is the OpenAPI description rendered as it is now (scripts/render-api-doc.mjs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument } from '../../src/features/openapi/openapi-document.js';
import { renderApiMarkdown, typeOf } from '../../src/features/openapi/render-markdown.js';
import { ROUTE_TABLE } from '../../src/features/openapi/route-table.js';
import { openApiPath } from '../../src/features/openapi/route-spec.js';

const page = fileURLToPath(new URL('../../../../../docs/api.md', import.meta.url));
const RENDER = 'run `node scripts/render-api-doc.mjs` after `npm run build`';

test('docs/api.md is current: the description rendered and formatted', async () => {
  const markdown = renderApiMarkdown(buildOpenApiDocument({ version: 'docs' }));
  const expected = await format(markdown, { ...(await resolveConfig(page)), parser: 'markdown' });
  const actual = await readFile(page, 'utf8');
  assert.ok(actual === expected, RENDER);
  for (const route of ROUTE_TABLE)
    assert.ok(actual.includes(`### \`${route.method} ${openApiPath(route.path)}\``), route.path);
});

test('schemas are summarised in a few words', () => {
  assert.equal(typeOf({ $ref: '#/components/schemas/Device' }), '[Device](#device)');
  assert.equal(typeOf({ type: 'array', items: { type: 'string' } }), 'array of string');
  assert.equal(typeOf({ type: 'string', enum: ['a', 'b'] }), '`"a"` \\| `"b"`');
  assert.equal(typeOf({ type: ['string', 'null'] }), 'string or null');
  assert.equal(
    typeOf({ type: 'object', additionalProperties: { type: 'number' } }),
    'map of number',
  );
  assert.equal(typeOf({}), 'any');
});
