/** HTTP routes of the vulns feature (docs/vulnerabilities.md "Server"). */
import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import {
  VULN_DATA_KINDS,
  VULN_IMPORT_BODY_BYTES,
  VULN_ROUTES,
  findingsQuery,
  importAdvisoriesRequest,
  importCommitRequest,
  importDataRequest,
  importsQuery,
} from '@patchcast/protocol';
import type { VulnDataKind } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { VulnFeature } from './vuln-feature.js';

function dataKind(kind: string): VulnDataKind {
  if ((VULN_DATA_KINDS as readonly string[]).includes(kind)) return kind as VulnDataKind;
  throw new PatchcastError('NOT_FOUND', `no data kind "${kind}"`, {
    hint: `use one of: ${VULN_DATA_KINDS.join(', ')}`,
  });
}

/** Imports `GET /api/v1/vulns/imports` lists without a `limit`. */
const DEFAULT_IMPORTS = 20;

export function vulnRoutes(app: FastifyInstance, store: Store, vulns: VulnFeature): void {
  void app.register((scope, _options, done) => {
    const upload = { bodyLimit: VULN_IMPORT_BODY_BYTES };
    scope.post(VULN_ROUTES.imports, async () => ({ id: await vulns.imports.create() }));
    scope.post<{ Params: { id: string } }>(
      VULN_ROUTES.importAdvisories,
      upload,
      async (request) => {
        const body = importAdvisoriesRequest.parse(request.body);
        return {
          staged: await vulns.imports.stageAdvisories(
            request.params.id,
            body.records,
            body.sources,
          ),
        };
      },
    );
    scope.put<{ Params: { id: string; kind: string } }>(
      VULN_ROUTES.importData,
      upload,
      async (request) => {
        const kind = dataKind(request.params.kind);
        const body = importDataRequest.parse(request.body);
        const source = body.source ?? kind;
        return {
          staged: await vulns.imports.stageData(request.params.id, kind, body.text, source),
        };
      },
    );
    scope.post<{ Params: { id: string } }>(VULN_ROUTES.importCommit, (request) => {
      const { sources } = importCommitRequest.parse(request.body ?? {});
      const name = request.principal?.name ?? 'unknown';
      return vulns.commitImport(request.params.id, { name, sources: sources ?? [] });
    });
    scope.get(VULN_ROUTES.imports, async (request) => {
      const { limit } = importsQuery.parse(request.query ?? {});
      return { imports: await store.importHistory.recent(limit ?? DEFAULT_IMPORTS) };
    });
    scope.get(VULN_ROUTES.findings, async (request) => {
      const query = findingsQuery.parse(request.query);
      return {
        findings: await vulns.findings({ deviceId: query.device, state: query.state ?? 'open' }),
      };
    });
    scope.get(VULN_ROUTES.queue, () => vulns.queue());
    scope.get(VULN_ROUTES.coverage, () => vulns.coverage());
    scope.get(VULN_ROUTES.report, () => vulns.report());
    done();
  });
}
