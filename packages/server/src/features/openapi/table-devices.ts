/** The route table's rows for devices: enrollment, the device list, labels, the lifecycle. */
import {
  AGENT_CHANNEL_PATH,
  ROUTES,
  createEnrollTokenRequest,
  deviceLifecycleResponse,
  deviceResultsQuery,
  deviceResultsResponse,
  devicesQuery,
  devicesResponse,
  enrollRequest,
  enrollResponse,
  enrollTokenInfoSchema,
  enrollTokenResponse,
  enrollTokensResponse,
  labelChangeRequest,
  labelChangeResponse,
  revokeDeviceRequest,
} from '@patchcast/protocol';
import { AT, exampleDevice, exampleEnrollTokenInfo } from './examples.js';
import { json } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

const tag = 'devices';

export const DEVICE_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: ROUTES.devices,
    tag,
    summary: 'List the enrolled devices, or search them a page at a time',
    description:
      'Removed devices are left out; revoked ones are listed with `revokedAt`. With `q` (name or ' +
      'id), `label` (`key=value`), `offset` or `limit` (default 50): the matches sorted by name, ' +
      'one page, and `total` matches.',
    query: devicesQuery,
    response: json('DevicesResponse', devicesResponse, { devices: [exampleDevice], total: 1 }),
  },
  {
    method: 'GET',
    path: ROUTES.deviceResults,
    tag,
    summary: 'A device and its recent rollout results, newest first (default 50)',
    query: deviceResultsQuery,
    response: json('DeviceResultsResponse', deviceResultsResponse, {
      device: exampleDevice,
      results: [
        {
          rolloutId: 'ro_8d2e41c0',
          patch: { name: 'openssl-fix', version: '1.0.1' },
          state: 'installed',
          error: null,
          timings: { downloadMs: 120, installMs: 840 },
          rebootRequired: false,
          updatedAt: AT,
          status: 'installed',
          statusDetail: 'installed',
          online: true,
        },
      ],
    }),
  },
  {
    method: 'POST',
    path: ROUTES.deviceLabels,
    tag,
    summary: "Set and remove a device's labels (logged as device-labels-changed)",
    body: json('LabelChangeRequest', labelChangeRequest, { set: { env: 'prod' }, remove: ['tmp'] }),
    response: json('LabelChangeResponse', labelChangeResponse, {
      device: exampleDevice,
      changed: true,
    }),
  },
  {
    method: 'POST',
    path: ROUTES.deviceRevoke,
    tag,
    summary: 'Revoke a device: its key is refused from now on, its connection closed (ADR 0029)',
    body: json('RevokeDeviceRequest', revokeDeviceRequest, { reason: 'laptop stolen' }),
    response: json('DeviceLifecycleResponse', deviceLifecycleResponse, {
      device: { ...exampleDevice, online: false, revokedAt: AT },
      changed: true,
    }),
  },
  {
    method: 'DELETE',
    path: ROUTES.device,
    tag,
    summary: 'Remove a device from lists, reports and new rollouts (its history stays)',
    response: json('DeviceLifecycleResponse', deviceLifecycleResponse, {
      device: { ...exampleDevice, online: false, revokedAt: AT },
      changed: true,
    }),
  },
  {
    method: 'POST',
    path: ROUTES.enrollTokens,
    tag,
    summary: 'Make a single-use enrollment token (answered once)',
    description:
      'With `replaces`, a replacement token: it may only enroll a new key for that device.',
    body: json('CreateEnrollTokenRequest', createEnrollTokenRequest, {
      expiresInSeconds: 3600,
      labels: { env: 'prod' },
    }),
    response: json('EnrollTokenResponse', enrollTokenResponse, {
      id: 'enr_1d4c7a20',
      token: 'pe_2xUq0m7c9Vb1Kd8sYf3Lr6Tn4Ha5Jw0E',
      expiresAt: '2026-12-07T13:00:00.000Z',
      labels: { env: 'prod' },
    }),
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET',
    path: ROUTES.enrollTokens,
    tag,
    summary: 'List enrollment tokens, never the tokens themselves',
    response: json('EnrollTokensResponse', enrollTokensResponse, {
      tokens: [exampleEnrollTokenInfo],
    }),
  },
  {
    method: 'DELETE',
    path: ROUTES.enrollToken,
    tag,
    summary: 'Revoke an enrollment token',
    response: json('EnrollTokenInfo', enrollTokenInfoSchema, {
      ...exampleEnrollTokenInfo,
      revokedAt: AT,
      state: 'revoked',
    }),
  },
  {
    method: 'POST',
    path: ROUTES.enroll,
    tag,
    summary: 'Enroll a device with an enrollment token and its public key (the agent calls it)',
    description:
      'Authenticated by the enrollment token in the body, not by an API token. A known key re-enrolls only with `proof`: its signature over the token and the key.',
    body: json('EnrollRequest', enrollRequest, {
      token: 'pe_2xUq0m7c9Vb1Kd8sYf3Lr6Tn4Ha5Jw0E',
      publicKey: 'a'.repeat(64),
      name: 'web-01',
      labels: { role: 'web' },
      inventory: exampleDevice.inventory,
    }),
    response: json('EnrollResponse', enrollResponse, {
      deviceId: 'dev_5f1c2a9e',
      outcome: 'enrolled',
    }),
    errors: ['ENROLL_TOKEN_INVALID', 'DEVICE_REVOKED', 'CONFLICT'],
  },
  {
    method: 'GET',
    path: AGENT_CHANNEL_PATH,
    tag,
    summary: 'The agent channel: a WebSocket (docs/protocol/agent-channel.md)',
    description:
      "Upgrade to a WebSocket; the device then authenticates by signing the server's challenge with its device key. Frames are JSON messages described in docs/protocol/agent-channel.md, not here.",
    status: 101,
    response: { description: 'Switching Protocols: the channel is open.' },
  },
];
