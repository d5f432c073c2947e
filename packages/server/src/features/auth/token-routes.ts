/**
 * API tokens (admin): `POST /api/v1/tokens` makes one (the secret is answered once and stored
 * hashed), `GET` lists them without secrets, `DELETE /api/v1/tokens/:id` revokes one: the next
 * request with it is refused. Both changes are transparency-log entries naming the admin's token.
 */
import type { FastifyInstance } from 'fastify';
import { PatchcastError, describeSelector } from '@patchcast/core';
import { ROUTES, createTokenRequest } from '@patchcast/protocol';
import type { TokenInfo } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { ApiTokenRecord } from '../../storage/store.js';
import { createApiToken } from './api-tokens.js';
import { pendingEntries } from '../log/log-events.js';

export function tokenInfo(record: ApiTokenRecord, now: Date): TokenInfo {
  const expired = record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime();
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    createdAt: record.createdAt,
    ...(record.createdBy === undefined ? {} : { createdBy: record.createdBy }),
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt }),
    ...(record.devices === undefined ? {} : { devices: record.devices }),
    state: record.revokedAt !== undefined ? 'revoked' : expired ? 'expired' : 'active',
  };
}

export function tokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { store, log, now } = deps;

  app.post(ROUTES.tokens, async (request) => {
    const body = createTokenRequest.parse(request.body ?? {});
    const at = now();
    const live = (await store.listApiTokens()).find(
      (t) => t.name === body.name && t.revokedAt === undefined,
    );
    if (live !== undefined)
      throw new PatchcastError('CONFLICT', `a token named "${body.name}" exists (${live.id})`, {
        hint: 'pick another --name, or revoke the old token first (`patchcast token revoke ID`)',
      });
    const by = request.principal?.name ?? 'unknown';
    const options = {
      createdBy: by,
      expiresAt:
        body.expiresInSeconds === undefined
          ? undefined
          : new Date(at.getTime() + body.expiresInSeconds * 1000).toISOString(),
      devices: body.devices,
    };
    const logged = (record: ApiTokenRecord) =>
      pendingEntries([
        {
          type: 'operator-action',
          at: at.toISOString(),
          by,
          action: 'token-created',
          target: `${record.id} "${body.name}" ${body.role}${body.devices === undefined ? '' : ` on ${describeSelector(body.devices)}`}${record.expiresAt === undefined ? '' : ` until ${record.expiresAt}`}`,
        },
      ]);
    const created = await createApiToken(store, body.name, body.role, at, options, logged);
    await log.sequencePending();
    return { id: created.record.id, token: created.token, info: tokenInfo(created.record, at) };
  });

  app.get(ROUTES.tokens, async () => {
    const at = now();
    return { tokens: (await store.listApiTokens()).map((t) => tokenInfo(t, at)) };
  });

  app.delete<{ Params: { id: string } }>(ROUTES.token, async (request) => {
    const at = now();
    const logged = (token: ApiTokenRecord) =>
      pendingEntries([
        {
          type: 'operator-action',
          at: at.toISOString(),
          by: request.principal?.name ?? 'unknown',
          action: 'token-revoked',
          target: `${token.id} "${token.name}"`,
        },
      ]);
    const revoked = await store.revokeApiToken(request.params.id, at.toISOString(), logged);
    if (revoked === undefined)
      throw new PatchcastError('NOT_FOUND', `no API token ${request.params.id}`, {
        hint: 'list tokens with `patchcast token list`',
      });
    await log.sequencePending();
    return tokenInfo(revoked, at);
  });
}
