/**
 * One row of the API description's route table (ADR 0032): what a route takes and answers, with
 * the zod schemas the route itself parses with. Its role is not repeated here: ROUTE_ACCESS is
 * the one place for that, and the document reads it from there.
 */
import type { ZodType } from 'zod';
import type { ErrorCode } from '@patchcast/core';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A JSON body: its schema, named as a component of the document, and an example. */
export interface JsonBody {
  readonly name: string;
  readonly schema: ZodType;
  readonly example: unknown;
}

/** A body of another media type (text, bytes), described in words; no media type: no body. */
export interface RawBody {
  readonly mediaType?: string;
  readonly description: string;
  readonly example?: string;
}

export interface RouteSpec {
  readonly method: Method;
  /** The fastify pattern, as registered (`/api/v1/devices/:id`, `/tuf/targets/*`). */
  readonly path: string;
  /** Groups routes in the document and in docs/api.md. */
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Path parameters that are more than a string: their schema; `*` is the wildcard. */
  readonly params?: Readonly<Record<string, ZodType>>;
  /** The query string's schema: a zod object. */
  readonly query?: ZodType;
  readonly body?: JsonBody | RawBody;
  /** 200 unless said. */
  readonly status?: number;
  readonly response: JsonBody | RawBody;
  /** Codes this route answers besides the ones every route of its kind may (openapi-errors.ts). */
  readonly errors?: readonly ErrorCode[];
}

export function json(name: string, schema: ZodType, example: unknown): JsonBody {
  return { name, schema, example };
}

export function isJson(body: JsonBody | RawBody): body is JsonBody {
  return 'schema' in body;
}

/** `/api/v1/devices/:id` -> `/api/v1/devices/{id}`; the wildcard `*` becomes `{path}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

/** The path parameters of a fastify pattern, in order; the wildcard is `*`. */
export function pathParams(fastifyPath: string): string[] {
  const names = [...fastifyPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  return fastifyPath.endsWith('*') ? [...names, '*'] : names;
}
