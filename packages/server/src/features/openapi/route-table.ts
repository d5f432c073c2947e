/**
 * The route table of the API description (ADR 0032): every route the server registers, once. A
 * test fails when fastify registers a route this table lacks, or the other way round.
 */
import type { ZodType } from 'zod';
import {
  coverageSchema,
  createPlannedRolloutRequest,
  createRolloutRequest,
  deviceSchema,
  enrollTokenInfoSchema,
  findingViewSchema,
  repositoryVersions,
  rolloutProgressSchema,
  rolloutSchema,
  tokenInfoSchema,
  webhookInfoSchema,
} from '@patchcast/protocol';
import type { RouteSpec } from './route-spec.js';
import { DEVICE_ROUTES } from './table-devices.js';
import { REPOSITORY_ROUTES } from './table-repository.js';
import { ROLLOUT_TABLE } from './table-rollouts.js';
import { SERVER_ROUTES } from './table-server.js';
import { VULN_TABLE } from './table-vulns.js';
import { CONSOLE_TABLE } from './table-console.js';

export const ROUTE_TABLE: readonly RouteSpec[] = [
  ...SERVER_ROUTES,
  ...DEVICE_ROUTES,
  ...ROLLOUT_TABLE,
  ...REPOSITORY_ROUTES,
  ...VULN_TABLE,
  ...CONSOLE_TABLE,
];

/** Schemas used inside several answers: components of their own, referenced by `$ref`. */
export const SHARED_RESPONSES: Readonly<Record<string, ZodType>> = {
  Device: deviceSchema,
  Rollout: rolloutSchema,
  RolloutProgress: rolloutProgressSchema,
  RepositoryVersions: repositoryVersions,
  TokenInfo: tokenInfoSchema,
  EnrollTokenInfo: enrollTokenInfoSchema,
  WebhookInfo: webhookInfoSchema,
  Coverage: coverageSchema,
  Finding: findingViewSchema,
};

/** The two kinds of rollout start, each a component of its own. */
export const SHARED_REQUESTS: Readonly<Record<string, ZodType>> = {
  PlainRolloutRequest: createRolloutRequest,
  PlannedRolloutRequest: createPlannedRolloutRequest,
};
