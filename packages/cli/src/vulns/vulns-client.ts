/** The CLI's client for the vulns API (protocol/inventory/vulns-api.ts), over fetch. */
import { tlsFailureOf } from '@patchcast/protocol';
import type { z } from 'zod';
import { PatchcastError } from '@patchcast/core';
import {
  VULN_ROUTES,
  complianceReportResponse,
  coverageSchema,
  errorFromResponse,
  findingsResponse,
  importCreatedResponse,
  importStagedResponse,
  importSummaryResponse,
  normalizeServerUrl,
  queueResponse,
} from '@patchcast/protocol';
import type { FindingState, VulnDataKind } from '@patchcast/protocol';

const TIMEOUT_MS = 300_000;

export class VulnsClient {
  readonly #server: string;
  readonly #token: string;

  constructor(server: string, token: string) {
    this.#server = normalizeServerUrl(server);
    this.#token = token;
  }

  createImport() {
    return this.#call(VULN_ROUTES.imports, importCreatedResponse, 'POST', {});
  }
  stageAdvisories(id: string, records: readonly unknown[], sources: readonly string[]) {
    const path = VULN_ROUTES.importAdvisories.replace(':id', encodeURIComponent(id));
    return this.#call(path, importStagedResponse, 'POST', { records, sources });
  }
  stageData(id: string, kind: VulnDataKind, text: string, source: string) {
    const path = VULN_ROUTES.importData
      .replace(':id', encodeURIComponent(id))
      .replace(':kind', kind);
    return this.#call(path, importStagedResponse, 'PUT', { text, source });
  }
  /** `sources`: the base names of the files read, for the server's import history. */
  commitImport(id: string, sources: readonly string[] = []) {
    const path = VULN_ROUTES.importCommit.replace(':id', encodeURIComponent(id));
    const body = sources.length === 0 ? {} : { sources: sources.slice(0, 50) };
    return this.#call(path, importSummaryResponse, 'POST', body);
  }
  findings(device: string | undefined, state: FindingState) {
    const query = new URLSearchParams({ state, ...(device === undefined ? {} : { device }) });
    return this.#call(`${VULN_ROUTES.findings}?${query.toString()}`, findingsResponse, 'GET');
  }
  queue() {
    return this.#call(VULN_ROUTES.queue, queueResponse, 'GET');
  }
  coverage() {
    return this.#call(VULN_ROUTES.coverage, coverageSchema, 'GET');
  }
  report() {
    return this.#call(VULN_ROUTES.report, complianceReportResponse, 'GET');
  }

  async #call<T>(
    path: string,
    schema: z.ZodType<T>,
    method: 'GET' | 'POST' | 'PUT',
    json?: unknown,
  ): Promise<T> {
    const response = await this.#fetch(path, method, json);
    const body: unknown = await response.json().catch(() => undefined);
    // The answer as sent once it matches (the schemas have no defaults or transforms): `--json`
    // prints the server's fields in the server's order.
    if (schema.safeParse(body).success) return body as T;
    throw new PatchcastError(
      'SERVER_ERROR',
      `the server's answer to ${path} has an unexpected shape`,
      {
        hint: 'check that the CLI and the server are the same version',
      },
    );
  }

  async #fetch(path: string, method: string, json: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    if (json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.#server}${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const tls = tlsFailureOf(error, this.#server);
      if (tls !== undefined) throw tls;
      const cause =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new PatchcastError('SERVER_UNREACHABLE', `cannot reach ${this.#server}: ${cause}`, {
        hint: 'check --server (or PATCHCAST_SERVER): the URL `patchcast server` printed, http:// or https://, and that it runs',
        cause: error,
      });
    }
    if (response.ok) return response;
    throw await errorFromResponse(response);
  }
}
