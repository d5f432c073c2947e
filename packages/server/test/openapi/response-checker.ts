/**
 * Checks real answers against the API description with an independent JSON Schema 2020-12
 * validator (ajv): the route and status must be described, the media type must match, and a JSON
 * body must validate against the schema the description gives for that route and status.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from '../../src/features/openapi/openapi-document.js';
import { openApiPath } from '../../src/features/openapi/route-spec.js';

const BASE = 'https://patchcast.invalid/openapi.json';

interface MediaType {
  readonly schema?: Record<string, unknown>;
  readonly example?: unknown;
  readonly examples?: Record<string, { value: unknown }>;
}
interface Response {
  readonly content?: Record<string, MediaType>;
}
interface Operation {
  readonly requestBody?: { content: Record<string, MediaType> };
  readonly responses: Record<string, Response>;
}

export class ResponseChecker {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #compiled = new Map<string, ValidateFunction>();
  /** `METHOD /pattern` of every route an answer was checked for. */
  readonly checked = new Set<string>();

  constructor(readonly document: OpenApiDocument) {
    this.#ajv.addSchema({ $id: BASE, components: document.components });
  }

  operation(method: string, pattern: string): Operation {
    const operation = this.document.paths[openApiPath(pattern)]?.[method.toLowerCase()];
    assert.ok(operation !== undefined, `${method} ${pattern} is described`);
    return operation as unknown as Operation;
  }

  /** Asserts that `value` validates against `schema` (a schema of the document). */
  validate(schema: Record<string, unknown>, value: unknown, what: string): void {
    const key = JSON.stringify(schema);
    let validate = this.#compiled.get(key);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $id: `${BASE}/${this.#compiled.size}`, ...rebase(schema) });
      this.#compiled.set(key, validate);
    }
    const ok = validate(value);
    assert.ok(ok, `${what}: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
  }

  /** Checks one real answer of the route `pattern`. */
  async check(method: string, pattern: string, response: globalThis.Response): Promise<string> {
    const text = await response.text();
    const what = `${method} ${pattern} answered ${response.status}`;
    const described = this.operation(method, pattern).responses[String(response.status)];
    assert.ok(described !== undefined, `${what}: the status is described (${text.slice(0, 300)})`);
    const type = response.headers.get('content-type')?.split(';')[0] ?? '';
    const media = described.content?.[type];
    if (described.content === undefined) assert.equal(text, '', `${what}: no body`);
    else assert.ok(media !== undefined, `${what}: the media type ${type} is described`);
    if (media?.schema !== undefined && type === 'application/json')
      this.validate(media.schema, JSON.parse(text), what);
    this.checked.add(`${method} ${pattern}`);
    return text;
  }
}

/** `#/components/...` references of a schema taken out of the document point back into it. */
function rebase(schema: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(schema).replaceAll('"#/components/', `"${BASE}#/components/`);
  return JSON.parse(text) as Record<string, unknown>;
}
