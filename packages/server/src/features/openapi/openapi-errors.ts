/**
 * The error answers of a route in the API description: the codes every route of its kind may
 * answer (auth for a role's route, input for one that takes input, rate limits under /api/) and
 * its own, grouped by HTTP status, each with the catalog's meaning and an example body.
 */
import { ERROR_CATALOG, httpStatusOf } from '@patchcast/core';
import type { ErrorCode } from '@patchcast/core';
import type { Access } from '../auth/route-access.js';
import { pathParams } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

export const ERROR_SCHEMA_REF = '#/components/schemas/Error';

/** The codes `route` may answer, in catalog order. */
export function errorCodesOf(route: RouteSpec, access: Access): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  const takesInput =
    route.body !== undefined || route.query !== undefined || pathParams(route.path).length > 0;
  if (takesInput) codes.add('INVALID_INPUT');
  if (route.body !== undefined) codes.add('PAYLOAD_TOO_LARGE');
  if (pathParams(route.path).length > 0) codes.add('NOT_FOUND');
  if (access !== 'public') {
    codes.add('UNAUTHENTICATED');
    codes.add('FORBIDDEN');
  }
  if (route.path.startsWith('/api/')) codes.add('RATE_LIMITED');
  codes.add('INTERNAL');
  return (Object.keys(ERROR_CATALOG) as ErrorCode[]).filter((code) => codes.has(code));
}

/** OpenAPI response objects keyed by status: one per status, listing its codes. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].summary}`).join('\n\n'),
      content: {
        'application/json': {
          schema: { $ref: ERROR_SCHEMA_REF },
          examples: Object.fromEntries(list.map((code) => [code, { value: errorExample(code) }])),
        },
      },
    };
  }
  return responses;
}

/** What the server answers for `code`, with the catalog's sentence as its message. */
export function errorExample(code: ErrorCode): unknown {
  const { summary, hint } = ERROR_CATALOG[code];
  return { error: { code, message: summary, hint } };
}
