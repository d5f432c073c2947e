/**
 * The OpenAPI 3.1 description of the server (ADR 0032), built from the route table and the zod
 * schemas the routes parse with (zod's own JSON Schema 2020-12 output), and from ROUTE_ACCESS for
 * who may call each route. Served at `GET /api/v1/openapi.json`; docs/api.md renders it.
 */
import { z } from 'zod';
import type { ZodType } from 'zod';
import { errorBodySchema } from '@patchcast/protocol';
import { accessOf } from '../auth/route-access.js';
import { errorCodesOf, errorResponses } from './openapi-errors.js';
import { isJson, openApiPath, pathParams } from './route-spec.js';
import type { JsonBody, RawBody, RouteSpec } from './route-spec.js';
import { ROUTE_TABLE, SHARED_REQUESTS, SHARED_RESPONSES } from './route-table.js';

export type OpenApiDocument = Record<string, unknown> & {
  readonly paths: Record<string, Record<string, Record<string, unknown>>>;
  readonly components: Record<string, unknown> & {
    readonly schemas: Record<string, Record<string, unknown>>;
  };
};

export interface DocumentOptions {
  readonly version: string;
  /**
   * Response objects closed to fields the schemas do not name (`additionalProperties: false`, as
   * zod's output types are): for tests that find undocumented fields. The served document leaves
   * them open, so that a newer server may add fields without breaking older clients.
   */
  readonly closedResponses?: boolean;
}

type JsonSchema = Record<string, unknown>;
type Meta = { id: string };

export function buildOpenApiDocument(options: DocumentOptions): OpenApiDocument {
  const requests = z.registry<Meta>();
  const responses = z.registry<Meta>();
  const named = new Map<string, ZodType>();
  const register = (registry: z.core.$ZodRegistry<Meta>, name: string, schema: ZodType) => {
    const known = named.get(name);
    const id = registry.get(schema)?.id;
    if ((known !== undefined && known !== schema) || (id !== undefined && id !== name))
      throw new Error(`${name}: one name for one schema, one schema under one name`);
    named.set(name, schema);
    if (id === undefined) registry.add(schema, { id: name });
  };
  register(responses, 'Error', errorBodySchema);
  for (const [id, schema] of Object.entries(SHARED_RESPONSES)) register(responses, id, schema);
  for (const [id, schema] of Object.entries(SHARED_REQUESTS)) register(requests, id, schema);
  for (const route of ROUTE_TABLE) {
    const { body, response } = route;
    if (body !== undefined && isJson(body)) register(requests, body.name, body.schema);
    if (isJson(response)) register(responses, response.name, response.schema);
  }
  const schemas = {
    ...components(requests, 'input'),
    ...components(responses, options.closedResponses === true ? 'output' : 'input'),
  };
  return {
    openapi: '3.1.1',
    info: {
      title: 'Patchcast server',
      version: options.version,
      description:
        'The management API (`/api/v1`), the public TUF repository (`/tuf`), the transparency log (`/log`), metrics and the agent channel. Errors answer one shape (`Error`) with a stable code from docs/errors.md; roles are in docs/security.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(ROUTE_TABLE.map((r) => r.tag))].map((name) => ({ name })),
    paths: paths(ROUTE_TABLE),
    components: {
      schemas,
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`patchcast token create`); its role must allow the route.',
        },
      },
    },
  };
}

/** The registry's schemas as JSON Schema, each other registered schema a `$ref`. */
function components(
  registry: z.core.$ZodRegistry<Meta>,
  io: 'input' | 'output',
): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) out[id] = withoutIds(schema);
  return out;
}

function paths(table: readonly RouteSpec[]): OpenApiDocument['paths'] {
  const out: OpenApiDocument['paths'] = {};
  for (const route of table) {
    const path = openApiPath(route.path);
    out[path] = { ...out[path], [route.method.toLowerCase()]: operation(route) };
  }
  return out;
}

function operation(route: RouteSpec): Record<string, unknown> {
  const access = accessOf(route.method, route.path);
  if (access === undefined) throw new Error(`${route.method} ${route.path} has no role`);
  const who =
    access === 'public'
      ? 'Public: no API token.'
      : `Role: \`${access}\` (or a role above it), with an API token.`;
  return {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, who].filter((s) => s !== undefined).join('\n\n'),
    'x-patchcast-role': access,
    security: access === 'public' ? [] : [{ token: [] }],
    parameters: [...pathParameters(route), ...queryParameters(route.query)],
    ...(route.body === undefined ? {} : { requestBody: requestBody(route.body) }),
    responses: {
      [String(route.status ?? 200)]: success(route.response),
      ...errorResponses(errorCodesOf(route, access)),
    },
  };
}

/** `GET /api/v1/devices/:id/results` -> `get_api_v1_devices_id_results`. */
function operationId(route: RouteSpec): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return (
    [route.method.toLowerCase(), ...words].join('_') + (route.path.endsWith('*') ? '_path' : '')
  );
}

function pathParameters(route: RouteSpec): unknown[] {
  return pathParams(route.path).map((name) => {
    const schema = route.params?.[name];
    return {
      name: name === '*' ? 'path' : name,
      in: 'path',
      required: true,
      ...(name === '*' ? { description: 'The rest of the path; it may contain `/`.' } : {}),
      schema: schema === undefined ? { type: 'string' } : inline(schema, 'input'),
    };
  });
}

function queryParameters(query: ZodType | undefined): unknown[] {
  if (query === undefined) return [];
  const schema = inline(query, 'input');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

function requestBody(body: JsonBody | RawBody): unknown {
  return { required: true, content: content(body) };
}

function success(body: JsonBody | RawBody): unknown {
  if (isJson(body)) return { description: body.name, content: content(body) };
  return body.mediaType === undefined
    ? { description: body.description }
    : { description: body.description, content: content(body) };
}

function content(body: JsonBody | RawBody): unknown {
  if (isJson(body))
    return {
      'application/json': {
        schema: { $ref: `#/components/schemas/${body.name}` },
        example: body.example,
      },
    };
  const mediaType = body.mediaType ?? 'application/octet-stream';
  return {
    [mediaType]: {
      schema: { type: 'string', contentMediaType: mediaType },
      ...(body.example === undefined ? {} : { example: body.example }),
    },
  };
}

function inline(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  return withoutIds(
    z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }),
  );
}

/** Components and inline schemas take the document's dialect and have no ids of their own. */
function withoutIds(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema' && k !== '$id'));
}
