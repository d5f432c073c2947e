import type { FastifyRequest } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { roleAllows } from '@patchcast/protocol';
import type { DeviceSelector, Role } from '@patchcast/protocol';
import type { ApiTokenRecord, Store } from '../../storage/store.js';
import { hashToken } from './api-tokens.js';

/** Who is calling: the API token that authenticated the request. */
export interface Principal {
  readonly tokenId: string;
  /** Unique among live tokens: log entries name the caller by it. */
  readonly name: string;
  readonly role: Role;
  /** The devices this token may act on; absent: every device. */
  readonly devices?: DeviceSelector | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

const WHERE_TOKENS =
  '--token or PATCHCAST_TOKEN (the first token is in <data>/initial-admin-token)';

/**
 * Admits only a bearer token that is known, not revoked, not expired, and whose role allows
 * `needed`. Each refusal says which it is: no token, an unknown, revoked or expired token
 * (UNAUTHENTICATED), a token of a smaller role (FORBIDDEN, naming the role needed).
 */
export async function authenticate(
  request: FastifyRequest,
  store: Store,
  needed: Role,
  now: Date,
): Promise<Principal> {
  const header = request.headers.authorization?.trim();
  if (header === undefined || header === '')
    throw new PatchcastError(
      'UNAUTHENTICATED',
      `an API token with the ${needed} role is required`,
      {
        hint: `pass ${WHERE_TOKENS}`,
      },
    );
  const match = /^Bearer ([A-Za-z0-9_-]{8,128})$/.exec(header);
  return admitToken(
    match?.[1] === undefined ? undefined : await store.findApiToken(hashToken(match[1])),
    needed,
    now,
  );
}

/**
 * The checks every credential passes, a bearer token or a console session holding the token's
 * hash (features/console): known, not revoked, not expired, a role that allows `needed`.
 */
export function admitToken(token: ApiTokenRecord | undefined, needed: Role, now: Date): Principal {
  if (token === undefined)
    throw new PatchcastError(
      'UNAUTHENTICATED',
      'the API token is not valid (unknown to this server)',
      {
        hint: `check ${WHERE_TOKENS}: it must be a whole token this server issued`,
      },
    );
  if (token.revokedAt !== undefined)
    throw new PatchcastError(
      'UNAUTHENTICATED',
      `the API token "${token.name}" was revoked at ${token.revokedAt}`,
      { hint: 'ask an admin for a new token (`patchcast token create`)' },
    );
  if (token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now.getTime())
    throw new PatchcastError(
      'UNAUTHENTICATED',
      `the API token "${token.name}" expired at ${token.expiresAt}`,
      { hint: 'ask an admin for a new token (`patchcast token create --expires ...`)' },
    );
  if (!roleAllows(token.role, needed))
    throw new PatchcastError(
      'FORBIDDEN',
      `this action needs the ${needed} role; the token "${token.name}" has the ${token.role} role`,
      { hint: `use a token with the ${needed} role (or admin)` },
    );
  return { tokenId: token.id, name: token.name, role: token.role, devices: token.devices };
}
