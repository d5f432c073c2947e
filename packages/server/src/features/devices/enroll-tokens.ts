/**
 * Enrollment tokens (operator): `POST /api/v1/enroll-tokens` makes a single-use token (answered
 * once, stored hashed), optionally a replacement token for one device and with labels every
 * device enrolled with it gets; `GET` lists them without secrets; `DELETE .../:id` revokes one
 * not used yet. Each change is a transparency-log entry naming the operator's token (ADR 0029).
 */
import type { FastifyInstance } from 'fastify';
import { PatchcastError, randomToken } from '@patchcast/core';
import { ROUTES, createEnrollTokenRequest } from '@patchcast/protocol';
import type { EnrollTokenInfo, LogEventInput } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { EnrollTokenRecord } from '../../storage/store.js';
import { assertDevicesInScope, assertEnrollmentInScope } from '../auth/device-scope.js';
import { hashToken, newId } from '../auth/api-tokens.js';
import { pendingEntries } from '../log/log-events.js';

const DEFAULT_ENROLL_TTL_SECONDS = 24 * 3600;

export function enrollTokenInfo(t: EnrollTokenRecord, now: Date): EnrollTokenInfo {
  const expired = Date.parse(t.expiresAt) <= now.getTime();
  const used = t.usedAt !== undefined && t.usedAt !== null;
  return {
    id: t.id,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    ...(used ? { usedAt: t.usedAt ?? '' } : {}),
    ...(t.revokedAt === undefined ? {} : { revokedAt: t.revokedAt }),
    ...(t.replaces === undefined ? {} : { replaces: t.replaces }),
    labels: { ...t.labels },
    state: t.revokedAt !== undefined ? 'revoked' : used ? 'used' : expired ? 'expired' : 'active',
  };
}

export function enrollTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { store, now } = deps;

  app.post(ROUTES.enrollTokens, async (request) => {
    const body = createEnrollTokenRequest.parse(request.body ?? {});
    if (body.replaces !== undefined) {
      const replaced = await store.getDevice(body.replaces);
      if (replaced === undefined)
        throw new PatchcastError('NOT_FOUND', `no device ${body.replaces} to replace`, {
          hint: 'list devices with `patchcast devices`',
        });
      assertDevicesInScope(request.principal, [replaced], `replacing device ${body.replaces}`);
    } else assertEnrollmentInScope(request.principal, body.labels ?? {});
    const token = `pe_${randomToken(32)}`;
    const createdAt = now();
    const ttl = body.expiresInSeconds ?? DEFAULT_ENROLL_TTL_SECONDS;
    const record: EnrollTokenRecord = {
      id: newId('enr'),
      hash: hashToken(token),
      createdBy: request.principal?.name ?? 'unknown',
      createdAt: createdAt.toISOString(),
      expiresAt: new Date(createdAt.getTime() + ttl * 1000).toISOString(),
      replaces: body.replaces,
      labels: Object.fromEntries(
        Object.entries(body.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
    };
    const presets = Object.entries(record.labels ?? {}).map(([k, v]) => `${k}=${v}`);
    const created: LogEventInput = {
      type: 'operator-action',
      at: record.createdAt,
      by: record.createdBy,
      action: body.replaces === undefined ? 'enroll-token-created' : 'replacement-token-created',
      target: [
        record.id,
        ...(body.replaces === undefined ? [] : [`replaces ${body.replaces}`]),
        ...(presets.length === 0 ? [] : [`labels ${presets.join(',')}`]),
      ].join(' '),
    };
    await store.createEnrollToken(record, pendingEntries([created]));
    await deps.log.sequencePending();
    return {
      id: record.id,
      token,
      expiresAt: record.expiresAt,
      ...(body.replaces ? { replaces: body.replaces } : {}),
      ...(presets.length > 0 ? { labels: { ...record.labels } } : {}),
    };
  });

  app.get(ROUTES.enrollTokens, async () => {
    const at = now();
    return { tokens: (await store.listEnrollTokens()).map((t) => enrollTokenInfo(t, at)) };
  });

  app.delete<{ Params: { id: string } }>(ROUTES.enrollToken, async (request) => {
    const at = now();
    const logged = (token: EnrollTokenRecord) =>
      pendingEntries([
        {
          type: 'operator-action',
          at: at.toISOString(),
          by: request.principal?.name ?? 'unknown',
          action: 'enroll-token-revoked',
          target: token.id,
        },
      ]);
    const revoked = await store.revokeEnrollToken(request.params.id, at.toISOString(), logged);
    if (revoked === undefined)
      throw new PatchcastError('NOT_FOUND', `no enrollment token ${request.params.id}`, {
        hint: 'list enrollment tokens with `patchcast enroll-token list`',
      });
    await deps.log.sequencePending();
    return enrollTokenInfo(revoked, at);
  });
}
