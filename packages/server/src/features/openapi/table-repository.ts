/**
 * The route table's rows for the TUF repository (public reads, the publisher's uploads, the
 * admin's root) and the transparency log (public, C2SP formats; docs/protocol/log.md).
 */
import { z } from 'zod';
import {
  LOG_ROUTES,
  ROUTES,
  artifactResponse,
  consistencyProofResponse,
  keyTransitionsResponse,
  publicationProofResponse,
  repositoryRolesResponse,
  repositoryVersions,
  submitRootRequest,
  submitTargetsRequest,
  targetsQuery,
  tufMetadataSchema,
} from '@patchcast/protocol';
import { exampleVersions } from './examples.js';
import { json } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

const tag = 'repository';
const logTag = 'log';

const targetsExample = {
  signed: {
    _type: 'targets',
    spec_version: '1.0.31',
    version: 4,
    expires: '2027-03-07T12:00:00Z',
    targets: {
      'openssl-fix/1.0.1/bundle.tar': { length: 48213, hashes: { sha256: 'b'.repeat(64) } },
    },
  },
  signatures: [{ keyid: 'c'.repeat(64), sig: 'd'.repeat(128) }],
};
const ORIGIN = 'patchcast/9f86d081884c7d65';

export const REPOSITORY_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/tuf/metadata/:file',
    tag,
    summary:
      'A TUF metadata file: `timestamp.json`, `N.root.json`, `N.snapshot.json`, `N.targets.json`',
    description:
      'Verify it as a TUF client does (docs/protocol/metadata.md); only timestamp.json changes.',
    response: json('TufMetadata', tufMetadataSchema, targetsExample),
  },
  {
    method: 'GET',
    path: '/tuf/targets/*',
    tag,
    summary: 'A target file by its consistent-snapshot path `<dirs>/<sha256>.<name>`',
    description: 'Honours one `Range: bytes=` range (206); an unsatisfiable one is answered 416.',
    response: { mediaType: 'application/octet-stream', description: 'The target file.' },
  },
  {
    method: 'PUT',
    path: ROUTES.artifact,
    tag,
    summary: 'Upload an artifact by its SHA-256 (the raw bytes as the body)',
    description:
      'Bytes that do not hash to the name are refused; an artifact already stored is kept.',
    body: { mediaType: 'application/octet-stream', description: 'The artifact bytes.' },
    response: json('ArtifactResponse', artifactResponse, { sha256: 'b'.repeat(64), length: 48213 }),
    errors: ['DISK_FULL'],
  },
  {
    method: 'GET',
    path: ROUTES.targets,
    tag,
    summary: 'The current targets metadata (top-level, or a delegated role with `role`)',
    query: targetsQuery,
    response: json('TufMetadata', tufMetadataSchema, targetsExample),
    errors: ['NOT_FOUND'],
  },
  {
    method: 'POST',
    path: ROUTES.targets,
    tag,
    summary: 'Submit signed targets metadata: publish or withdraw patches',
    description:
      'The server checks the signatures against the root (or the delegation), signs a new snapshot and timestamp, and logs what was published.',
    body: json('SubmitTargetsRequest', submitTargetsRequest, { metadata: targetsExample }),
    response: json('RepositoryVersions', repositoryVersions, exampleVersions),
    errors: [
      'METADATA_INVALID',
      'CONFLICT',
      'DELEGATION_INVALID',
      'DELEGATION_PATH_DENIED',
      'DELEGATION_OVERLAP',
    ],
  },
  {
    method: 'GET',
    path: ROUTES.repositoryRoles,
    tag,
    summary: "The repository's roles: keys, thresholds, versions, expiry and its warnings",
    response: json('RepositoryRolesResponse', repositoryRolesResponse, {
      roles: [
        {
          name: 'targets',
          delegatedBy: null,
          keys: { keyids: ['4e1c…'], threshold: 1 },
          pqKeys: { keyids: ['9a07…'], threshold: 1 },
          version: 7,
          expires: '2027-03-01T00:00:00Z',
          online: false,
          warning: null,
        },
        {
          name: 'kernel-team',
          delegatedBy: 'targets',
          keys: { keyids: ['c2d8…'], threshold: 1 },
          paths: ['kernel-*/*'],
          version: 3,
          expires: '2026-12-20T00:00:00Z',
          online: false,
          warning: 'expires-soon',
        },
      ],
      warningDays: 30,
    }),
  },
  {
    method: 'POST',
    path: ROUTES.root,
    tag,
    summary:
      "Publish a new root, a root ceremony's result (and targets re-signed if its keys changed)",
    body: json('SubmitRootRequest', submitRootRequest, {
      root: { signed: { _type: 'root', version: 2 }, signatures: [] },
    }),
    response: json('RepositoryVersions', repositoryVersions, { ...exampleVersions, root: 2 }),
    errors: [
      'METADATA_INVALID',
      'ROOT_VERSION_INVALID',
      'ROOT_THRESHOLD_UNMET',
      'ROOT_EXPIRED',
      'ROOT_ONLINE_KEYS_MISSING',
      'ROOT_TARGETS_UNSIGNED',
    ],
  },
  {
    method: 'GET',
    path: LOG_ROUTES.checkpoint,
    tag: logTag,
    summary: "The log's latest checkpoint, a C2SP signed note with the witnesses' cosignatures",
    response: {
      mediaType: 'text/plain',
      description: 'The checkpoint note.',
      example: `${ORIGIN}\n1234\nlJ6zTWEe8Ptrer3ZWMlR7n1EGXzbZEBCVNwjS2QQFkw=\n\n— ${ORIGIN} Az3grlgt...\n`,
    },
  },
  {
    method: 'GET',
    path: LOG_ROUTES.key,
    tag: logTag,
    summary: "The log's verifier key (a signed-note verifier key string)",
    response: {
      mediaType: 'text/plain',
      description: 'The verifier key and a newline.',
      example: `${ORIGIN}+1a2b3c4d+AeSu5ZTwyFUZ...\n`,
    },
  },
  {
    method: 'GET',
    path: LOG_ROUTES.tiles,
    tag: logTag,
    summary: 'A C2SP tlog-tiles tile or entry bundle (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>`)',
    response: { mediaType: 'application/octet-stream', description: 'The tile bytes.' },
  },
  {
    method: 'GET',
    path: LOG_ROUTES.patchProof,
    tag: logTag,
    summary: "A patch version's publication entry and its proof against the latest checkpoint",
    response: json('PublicationProof', publicationProofResponse, {
      entry: 'eyJmb3JtYXQiOiJwYXRjaGNhc3QtbG9nL3YxIn0=',
      proof: `c2sp.org/tlog-proof@v1\nindex 17\n...\n`,
    }),
  },
  {
    method: 'GET',
    path: LOG_ROUTES.consistencyProof,
    tag: logTag,
    summary: 'An RFC 9162 consistency proof between two tree sizes',
    params: {
      from: z.string().regex(/^(0|[1-9][0-9]{0,15})$/),
      to: z.string().regex(/^(0|[1-9][0-9]{0,15})$/),
    },
    response: json('ConsistencyProof', consistencyProofResponse, {
      hashes: ['lJ6zTWEe8Ptrer3ZWMlR7n1EGXzbZEBCVNwjS2QQFkw='],
    }),
  },
  {
    method: 'GET',
    path: LOG_ROUTES.keyTransitions,
    tag: logTag,
    summary: "The log key's transition checkpoints, oldest first (ADR 0028)",
    response: json('KeyTransitions', keyTransitionsResponse, { transitions: [] }),
  },
];
