/** The route table's rows for rollouts and the published patches they install. */
import { z } from 'zod';
import {
  ROLLOUT_ACTIONS,
  ROLLOUT_ROUTES,
  ROUTES,
  createPlannedRolloutRequest,
  createRolloutRequest,
  patchesResponse,
  rolloutActionRequest,
  rolloutProgressSchema,
  rolloutSchema,
  rolloutsResponse,
} from '@patchcast/protocol';
import { AT, exampleProgress, exampleRollout } from './examples.js';
import { json } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

const tag = 'rollouts';
const listed = Object.fromEntries(
  Object.entries(exampleRollout).filter(([key]) => key !== 'devices' && key !== 'outlook'),
);

export const ROLLOUT_TABLE: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: ROUTES.rollouts,
    tag,
    summary: 'Start a rollout: to selected devices, or by a rollout plan (docs/rollouts.md)',
    description:
      'A body with `plan` starts a planned rollout and answers its progress; one with `devices` starts a plain rollout and answers the rollout. A token limited to some devices may only select among them.',
    body: json(
      'StartRolloutRequest',
      z.union([createRolloutRequest, createPlannedRolloutRequest]),
      {
        patch: { name: 'openssl-fix', version: '1.0.1' },
        plan: 'version: 1\ntarget: { labels: { env: prod } }\nwaves:\n  - { name: canary, count: 1, bake: 30m }\n  - { name: rest, rest: true }\n',
        planName: 'prod.yaml',
      },
    ),
    response: json(
      'StartRolloutResponse',
      z.union([rolloutSchema, rolloutProgressSchema]),
      exampleProgress,
    ),
    errors: [
      'NOT_FOUND',
      'PLAN_INVALID',
      'WAVE_EMPTY',
      'PATCH_WITHDRAWN',
      'PATCH_DOWNGRADE_REFUSED',
    ],
  },
  {
    method: 'GET',
    path: ROUTES.rollouts,
    tag,
    summary: 'List rollouts, without their devices',
    response: json('RolloutsResponse', rolloutsResponse, { rollouts: [listed] }),
  },
  {
    method: 'GET',
    path: ROUTES.rollout,
    tag,
    summary: 'A rollout, its devices with their status, and its outlook',
    response: json('Rollout', rolloutSchema, exampleRollout),
  },
  {
    method: 'GET',
    path: ROLLOUT_ROUTES.progress,
    tag,
    summary: "A rollout's waves, verdicts, decisions and per-device timings",
    response: json('RolloutProgress', rolloutProgressSchema, exampleProgress),
  },
  {
    method: 'POST',
    path: ROLLOUT_ROUTES.action,
    tag,
    summary: 'Approve, pause, resume, abort or roll back a rollout',
    description:
      '`wave` goes with `approve` (default: the wave waiting); `cascade` with `rollback`: later rollouts of the patch are rolled back first, and the progress answered may be of another rollout.',
    params: { action: z.enum(ROLLOUT_ACTIONS) },
    body: json('RolloutActionRequest', rolloutActionRequest, { wave: 2 }),
    response: json('RolloutProgress', rolloutProgressSchema, exampleProgress),
    errors: ['ROLLOUT_TRANSITION_REFUSED', 'ROLLOUT_NEWER_INSTALLED'],
  },
  {
    method: 'GET',
    path: ROUTES.patches,
    tag: 'repository',
    summary: 'Every published patch version, its state and what it fixes',
    response: json('PatchesResponse', patchesResponse, {
      patches: [
        {
          name: 'openssl-fix',
          versions: [
            {
              version: '1.0.1',
              state: 'published',
              withdrawn: null,
              role: null,
              sha256: 'b'.repeat(64),
              length: 48213,
              publishedAt: AT,
              fixes: [
                {
                  advisories: ['DSA-5678-1'],
                  package: 'openssl',
                  ecosystem: 'Debian:12',
                  fixedVersion: '3.0.15-1~deb12u1',
                },
              ],
            },
          ],
        },
      ],
    }),
  },
];
