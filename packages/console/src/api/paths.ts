/**
 * The API paths the console calls. They are written here (the browser bundle carries no server
 * code) but `satisfies` holds each to the protocol's constant: a path that differs from the one
 * the server registers fails the type check.
 */
import type {
  CONSOLE_ROUTES,
  CSRF_HEADER,
  LOG_ROUTES,
  ROLLOUT_ROUTES,
  ROUTES,
  VULN_ROUTES,
} from '@patchcast/protocol';

export const API = {
  status: '/api/v1/status',
  devices: '/api/v1/devices',
  deviceResults: '/api/v1/devices/:id/results',
  rollouts: '/api/v1/rollouts',
  rollout: '/api/v1/rollouts/:id',
  patches: '/api/v1/patches',
  repositoryRoles: '/api/v1/repository/roles',
} as const satisfies Partial<typeof ROUTES>;

export const ROLLOUT_API = {
  progress: '/api/v1/rollouts/:id/progress',
  action: '/api/v1/rollouts/:id/:action',
} as const satisfies typeof ROLLOUT_ROUTES;

export const CONSOLE_API = {
  session: '/api/v1/session',
  events: '/api/v1/events',
} as const satisfies typeof CONSOLE_ROUTES;

export const VULN_API = {
  findings: '/api/v1/vulns/findings',
  queue: '/api/v1/vulns/queue',
  coverage: '/api/v1/vulns/coverage',
  report: '/api/v1/vulns/report',
  imports: '/api/v1/vulns/imports',
} as const satisfies Partial<typeof VULN_ROUTES>;

export const LOG_API = {
  checkpoint: '/log/checkpoint',
  key: '/log/key',
  patchProof: '/log/proof/patch/:name/:version',
} as const satisfies Partial<typeof LOG_ROUTES>;

/** The session's CSRF header; held to the protocol's constant the same way. */
export const CSRF_HEADER_NAME = 'x-patchcast-csrf' satisfies typeof CSRF_HEADER;
