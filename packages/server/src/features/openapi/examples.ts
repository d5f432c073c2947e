/**
 * Examples of the main resources for the API description. A test validates each example of the
 * document against its schema, closed to unnamed fields, so that they stay true.
 */
import type {
  Device,
  EnrollTokenInfo,
  RepositoryVersions,
  Rollout,
  RolloutProgress,
  TokenInfo,
  WebhookInfo,
} from '@patchcast/protocol';

export const AT = '2026-12-07T12:00:00.000Z';

export const exampleDevice: Device = {
  id: 'dev_5f1c2a9e',
  name: 'web-01',
  labels: { env: 'prod', role: 'web' },
  online: true,
  enrolledAt: AT,
  lastSeenAt: AT,
  inventory: {
    hostname: 'web-01',
    os: 'linux',
    arch: 'x64',
    agentVersion: '0.1.0',
    installed: [{ name: 'openssl-fix', version: '1.0.1', installedAt: AT }],
  },
  rebootRequired: false,
  recorded: [{ name: 'openssl-fix', version: '1.0.1', rolloutId: 'ro_8d2e41c0' }],
};

export const exampleVersions: RepositoryVersions = {
  root: 1,
  targets: 4,
  snapshot: 4,
  timestamp: 9,
};

const patch = { name: 'openssl-fix', version: '1.0.1' };

export const exampleRollout: Rollout = {
  id: 'ro_8d2e41c0',
  patch,
  state: 'in-progress',
  createdAt: AT,
  createdBy: 'ci-pipeline',
  completedAt: null,
  counts: { installed: 1, failed: 0, pending: 1, total: 2 },
  devices: [
    {
      id: 'dev_5f1c2a9e',
      name: 'web-01',
      state: 'installed',
      error: null,
      updatedAt: AT,
      rebootRequired: false,
      status: 'installed',
      statusDetail: 'installed',
      online: true,
    },
    {
      id: 'dev_77a0b3d1',
      name: 'web-02',
      state: 'pending',
      error: null,
      updatedAt: AT,
      status: 'offline',
      statusDetail: 'not connected',
      online: false,
    },
  ],
  outlook: {
    state: 'waiting',
    waitingFor: 'devices',
    message: 'waiting for 1 offline device: web-02',
    offline: ['web-02'],
    approvalWave: null,
    window: null,
  },
};

export const exampleProgress: RolloutProgress = {
  id: 'ro_8d2e41c0',
  patch,
  state: 'in-progress',
  phase: 'baking',
  wave: 1,
  expedited: false,
  allowed: ['pause', 'abort', 'rollback'],
  waves: [
    {
      name: 'canary',
      devices: 1,
      control: 0,
      controlReports: 0,
      notified: 1,
      succeeded: 1,
      failed: 0,
      startedAt: AT,
      bakeUntil: '2026-12-07T12:30:00.000Z',
      judgedAt: null,
      verdict: null,
    },
  ],
  rollback: null,
  decisions: [
    {
      seq: 1,
      at: AT,
      wave: 1,
      from: null,
      to: 'notifying',
      event: 'start',
      detail: 'wave canary: 1 device',
      by: 'ci-pipeline',
    },
  ],
  devices: [
    {
      id: 'dev_5f1c2a9e',
      name: 'web-01',
      wave: 1,
      state: 'installed',
      error: null,
      timings: { downloadMs: 120, installMs: 840, healthMs: 30 },
      health: { healthy: true, metrics: { latencyMs: 12 } },
      rebootRequired: false,
      status: 'installed',
      statusDetail: 'installed',
      online: true,
    },
  ],
  outlook: {
    state: 'running',
    waitingFor: null,
    message: 'baking wave canary until 2026-12-07T12:30:00.000Z',
    offline: [],
    approvalWave: null,
    window: null,
  },
};

export const exampleTokenInfo: TokenInfo = {
  id: 'tok_3b9f0e12',
  name: 'ci-pipeline',
  role: 'operator',
  createdAt: AT,
  createdBy: 'initial-admin',
  devices: { labels: { env: 'staging' } },
  state: 'active',
};

export const exampleEnrollTokenInfo: EnrollTokenInfo = {
  id: 'enr_1d4c7a20',
  createdBy: 'ci-pipeline',
  createdAt: AT,
  expiresAt: '2026-12-08T12:00:00.000Z',
  labels: { env: 'prod' },
  state: 'active',
};

export const exampleWebhook: WebhookInfo = {
  id: 'wh_6a1f9c33',
  url: 'https://hooks.example.com/patchcast',
  events: ['rollout.completed', 'device.install-failed'],
  allowPrivate: false,
  createdAt: AT,
  createdBy: 'initial-admin',
};
