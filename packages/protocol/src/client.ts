/** A typed client for the management API, used by the CLI and by agents for enrollment. */
import type { z } from 'zod';
import { PatchcastError } from '@patchcast/core';
import {
  ROUTES,
  artifactResponse,
  createTokenResponse,
  deviceResultsResponse,
  devicesResponse,
  enrollResponse,
  enrollTokenResponse,
  labelChangeResponse,
  repositoryVersions,
  rolloutSchema,
  rolloutsResponse,
  statusResponse,
  tokenInfoSchema,
  tokensResponse,
} from './api.js';
import { patchesResponse } from './patches-api.js';
import {
  WEBHOOK_ROUTES,
  deliveriesResponse,
  webhookInfoSchema,
  webhooksResponse,
} from './webhooks-api.js';
import type { CreateWebhookRequest } from './webhooks-api.js';
import { answerOfShape, errorFromResponse, unreachable } from './api-errors.js';
import './tls/trust.js'; // every fetch below: the process's TLS trust
import { normalizeServerUrl } from './server-url.js';
import {
  deviceLifecycleResponse,
  enrollTokenInfoSchema,
  enrollTokensResponse,
} from './device-lifecycle-api.js';
import type { RevokeDeviceRequest } from './device-lifecycle-api.js';
import type {
  CreateEnrollTokenRequest,
  CreateRolloutRequest,
  CreateTokenRequest,
  EnrollRequest,
  LabelChangeRequest,
} from './api.js';
import { ROLLOUT_ROUTES, rolloutProgressSchema } from './rollout-plan/rollout-api.js';
import type {
  CreatePlannedRolloutRequest,
  RolloutAction,
  RolloutActionRequest,
} from './rollout-plan/rollout-api.js';

export interface ClientOptions {
  readonly server: string;
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
}

interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly json?: unknown;
  readonly body?: Uint8Array;
}

export class PatchcastClient {
  readonly server: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions) {
    this.server = normalizeServerUrl(options.server);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  status() {
    return this.#call(ROUTES.status, statusResponse);
  }
  createEnrollToken(request: CreateEnrollTokenRequest = {}) {
    return this.#call(ROUTES.enrollTokens, enrollTokenResponse, { method: 'POST', json: request });
  }
  enrollTokens() {
    return this.#call(ROUTES.enrollTokens, enrollTokensResponse);
  }
  revokeEnrollToken(id: string) {
    const path = ROUTES.enrollToken.replace(':id', encodeURIComponent(id));
    return this.#call(path, enrollTokenInfoSchema, { method: 'DELETE' });
  }
  revokeDevice(id: string, request: RevokeDeviceRequest = {}) {
    const path = ROUTES.deviceRevoke.replace(':id', encodeURIComponent(id));
    return this.#call(path, deviceLifecycleResponse, { method: 'POST', json: request });
  }
  removeDevice(id: string) {
    const path = ROUTES.device.replace(':id', encodeURIComponent(id));
    return this.#call(path, deviceLifecycleResponse, { method: 'DELETE' });
  }
  enroll(request: EnrollRequest) {
    return this.#call(ROUTES.enroll, enrollResponse, { method: 'POST', json: request });
  }
  devices() {
    return this.#call(ROUTES.devices, devicesResponse);
  }
  deviceResults(id: string, limit?: number) {
    const path = ROUTES.deviceResults.replace(':id', encodeURIComponent(id));
    const query = limit === undefined ? '' : `?limit=${limit}`;
    return this.#call(`${path}${query}`, deviceResultsResponse);
  }
  labelDevice(id: string, change: LabelChangeRequest) {
    return this.#call(
      ROUTES.deviceLabels.replace(':id', encodeURIComponent(id)),
      labelChangeResponse,
      { method: 'POST', json: change },
    );
  }
  putArtifact(sha256: string, body: Uint8Array) {
    return this.#call(ROUTES.artifact.replace(':sha256', sha256), artifactResponse, {
      method: 'PUT',
      body,
    });
  }
  /** The current targets metadata envelope of the top-level role or of a delegated `role`, as
   * stored (unverified JSON); NOT_FOUND for a delegated role that has published nothing yet. */
  async currentTargets(role?: string): Promise<Uint8Array> {
    const query = role === undefined ? '' : `?role=${encodeURIComponent(role)}`;
    const response = await this.#fetch(`${ROUTES.targets}${query}`, {});
    return new Uint8Array(await response.arrayBuffer());
  }
  submitTargets(metadata: unknown, role?: string) {
    return this.#call(ROUTES.targets, repositoryVersions, {
      method: 'POST',
      json: { metadata, ...(role === undefined ? {} : { role }) },
    });
  }
  /** Publishes root N+1 (admin); `targets` is targets N+1 re-signed for a new targets key. */
  submitRoot(root: unknown, targets?: unknown) {
    return this.#call(ROUTES.root, repositoryVersions, { method: 'POST', json: { root, targets } });
  }
  createRollout(request: CreateRolloutRequest) {
    return this.#call(ROUTES.rollouts, rolloutSchema, { method: 'POST', json: request });
  }
  rollout(id: string) {
    return this.#call(ROUTES.rollout.replace(':id', encodeURIComponent(id)), rolloutSchema);
  }
  rollouts() {
    return this.#call(ROUTES.rollouts, rolloutsResponse);
  }
  /** Published patches, their versions, state and fixes (viewer). */
  patches() {
    return this.#call(ROUTES.patches, patchesResponse);
  }
  /** Starts a rollout driven by a plan (docs/rollouts.md). */
  createPlannedRollout(request: CreatePlannedRolloutRequest) {
    return this.#call(ROUTES.rollouts, rolloutProgressSchema, { method: 'POST', json: request });
  }
  rolloutProgress(id: string) {
    const path = ROLLOUT_ROUTES.progress.replace(':id', encodeURIComponent(id));
    return this.#call(path, rolloutProgressSchema);
  }
  /** approve, pause, resume, abort or rollback; refused with ROLLOUT_TRANSITION_REFUSED (409). */
  rolloutAction(id: string, action: RolloutAction, request: RolloutActionRequest = {}) {
    const path = ROLLOUT_ROUTES.action
      .replace(':id', encodeURIComponent(id))
      .replace(':action', action);
    return this.#call(path, rolloutProgressSchema, { method: 'POST', json: request });
  }
  /** A new API token (admin); its secret is in the answer only. */
  createToken(request: CreateTokenRequest) {
    return this.#call(ROUTES.tokens, createTokenResponse, { method: 'POST', json: request });
  }
  tokens() {
    return this.#call(ROUTES.tokens, tokensResponse);
  }
  revokeToken(id: string) {
    const path = ROUTES.token.replace(':id', encodeURIComponent(id));
    return this.#call(path, tokenInfoSchema, { method: 'DELETE' });
  }
  /** A new webhook (admin); its secret is stored by the server and never answered. */
  createWebhook(request: CreateWebhookRequest) {
    return this.#call(WEBHOOK_ROUTES.webhooks, webhookInfoSchema, {
      method: 'POST',
      json: request,
    });
  }
  webhooks() {
    return this.#call(WEBHOOK_ROUTES.webhooks, webhooksResponse);
  }
  removeWebhook(id: string) {
    const path = WEBHOOK_ROUTES.webhook.replace(':id', encodeURIComponent(id));
    return this.#call(path, webhookInfoSchema, { method: 'DELETE' });
  }
  webhookDeliveries(id: string, limit?: number) {
    const path = WEBHOOK_ROUTES.deliveries.replace(':id', encodeURIComponent(id));
    return this.#call(limit === undefined ? path : `${path}?limit=${limit}`, deliveriesResponse);
  }
  /** A public, unauthenticated file (`/log/...`, `/tuf/...`), or undefined if the server has none. */
  async publicFile(path: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.#fetch(path, {});
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof PatchcastError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  async #call<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const response = await this.#fetch(path, options);
    return answerOfShape(await response.json().catch(() => undefined), schema, path);
  }

  async #fetch(path: string, { method = 'GET', json, body }: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (body !== undefined) headers['content-type'] = 'application/octet-stream';
    let response: Response;
    try {
      response = await fetch(`${this.server}${path}`, {
        method,
        headers,
        body: json !== undefined ? JSON.stringify(json) : body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw unreachable(this.server, error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
}
