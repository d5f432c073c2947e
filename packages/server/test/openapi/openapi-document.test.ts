/**
 * The API description (ADR 0032): a valid OpenAPI 3.1 document by an independent validator,
 * served without a token, describing exactly the routes the server registers, each with its role
 * from ROUTE_ACCESS, its errors in the shared Error shape, and examples that fit their schemas.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ROUTES } from '@patchcast/protocol';
import { SERVER_VERSION, startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';
import { ROUTE_ACCESS } from '../../src/features/auth/route-access.js';
import { buildOpenApiDocument } from '../../src/features/openapi/openapi-document.js';
import { ROUTE_TABLE } from '../../src/features/openapi/route-table.js';
import { openApiPath } from '../../src/features/openapi/route-spec.js';
import { ResponseChecker } from './response-checker.js';
import { exampleDevice } from '../../src/features/openapi/examples.js';

interface MediaType {
  readonly schema: Record<string, unknown>;
  readonly example?: unknown;
  readonly examples?: Record<string, { value: unknown }>;
}
type Operation = Record<string, unknown> & {
  readonly responses: Record<string, { content?: Record<string, MediaType> }>;
  readonly requestBody?: { content: Record<string, MediaType> };
};

describe('the OpenAPI description', () => {
  let dir: string;
  let server: RunningServer;
  const closed = buildOpenApiDocument({ version: SERVER_VERSION, closedResponses: true });
  const operations = (): [string, Operation][] =>
    Object.entries(closed.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, op]): [string, Operation] => [
        `${m.toUpperCase()} ${path}`,
        op as Operation,
      ]),
    );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-openapi-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('is served without a token, and an independent validator finds it valid OpenAPI 3.1', async () => {
    const response = await fetch(`${server.url}${ROUTES.openapi}`);
    assert.equal(response.status, 200);
    const served = (await response.json()) as Record<string, unknown>;
    assert.equal(served.openapi, '3.1.1');
    assert.deepEqual(served, buildOpenApiDocument({ version: SERVER_VERSION }));
    for (const document of [served, closed]) {
      const result = await new Validator().validate(document);
      assert.deepEqual(result, { valid: true });
    }
  });

  test('describes every route fastify registers, and no other', () => {
    const registered = new Set(server.app.routes.filter((r) => !r.startsWith('HEAD ')));
    const tabled = ROUTE_TABLE.map((r) => `${r.method} ${r.path}`);
    assert.equal(new Set(tabled).size, tabled.length, 'each route once in the table');
    assert.deepEqual([...registered].sort(), [...tabled].sort());
    const described = operations().map(([key]) => key);
    const expected = tabled.map((row) => {
      const [method = '', path = ''] = row.split(' ');
      return `${method} ${openApiPath(path)}`;
    });
    assert.deepEqual(described.sort(), expected.sort());
  });

  test('each operation carries its ROUTE_ACCESS role and the bearer token where it needs one', () => {
    for (const route of ROUTE_TABLE) {
      const op = closed.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      const role = ROUTE_ACCESS[`${route.method} ${route.path}`];
      assert.equal(op?.['x-patchcast-role'], role, `${route.method} ${route.path}`);
      assert.deepEqual(op?.security, role === 'public' ? [] : [{ token: [] }]);
      assert.match(String(op?.description), role === 'public' ? /Public/ : /Role: `\w+`/);
    }
  });

  test('every error answer is the shared Error schema, with one example per code', () => {
    let answers = 0;
    for (const [key, op] of operations()) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      assert.ok(
        errors.some(([status]) => status === '500'),
        `${key} lists INTERNAL`,
      );
      for (const [status, response] of errors) {
        const media = response.content?.['application/json'];
        assert.deepEqual(media?.schema, { $ref: '#/components/schemas/Error' }, `${key} ${status}`);
        assert.ok(Object.keys(media?.examples ?? {}).length > 0, `${key} ${status} examples`);
        answers++;
      }
    }
    assert.ok(answers > operations().length);
  });

  test('every example validates against its schema, closed to unnamed fields', () => {
    const checker = new ResponseChecker(closed);
    let examples = 0;
    for (const [key, op] of operations()) {
      const bodies = [
        ...Object.entries(op.requestBody?.content ?? {}).map(
          ([type, m]) => [`${key} request ${type}`, m] as const,
        ),
        ...Object.entries(op.responses).flatMap(([status, r]) =>
          Object.entries(r.content ?? {}).map(
            ([type, m]) => [`${key} ${status} ${type}`, m] as const,
          ),
        ),
      ];
      for (const [what, media] of bodies) {
        if (!what.endsWith('application/json')) continue;
        const values = [
          ...(media.example === undefined ? [] : [media.example]),
          ...Object.values(media.examples ?? {}).map((e) => e.value),
        ];
        assert.ok(values.length > 0, `${what} has an example`);
        for (const value of values) checker.validate(media.schema, value, what);
        examples += values.length;
      }
    }
    assert.ok(examples >= 2 * ROUTE_TABLE.length, `${examples} examples`);
  });

  test('the checker refuses an answer with a field its schema does not name, or a wrong type', async () => {
    const devices = { $ref: '#/components/schemas/DevicesResponse' };
    const extra = { devices: [{ ...exampleDevice, secret: 'x' }] };
    const strict = new ResponseChecker(closed);
    strict.validate(devices, { devices: [exampleDevice] }, 'as documented');
    assert.throws(() => strict.validate(devices, extra, 'extra'), /additional properties/);
    const wrong = { devices: [{ ...exampleDevice, online: 'yes' }] };
    assert.throws(() => strict.validate(devices, wrong, 'wrong'), /online must be boolean/);
    const served = new ResponseChecker(buildOpenApiDocument({ version: SERVER_VERSION }));
    served.validate(devices, extra, 'the served description is open to new fields');
    const teapot = new Response('{}', {
      status: 418,
      headers: { 'content-type': 'application/json' },
    });
    await assert.rejects(strict.check('GET', ROUTES.devices, teapot), /the status is described/);
  });
});
