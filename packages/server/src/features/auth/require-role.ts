import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { roleAllows } from '@patchcast/protocol';
import type { Role } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import { hashToken } from './api-tokens.js';

export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

const WHERE_TOKENS =
  '--token or PATCHCAST_TOKEN (the first token is in <data>/initial-admin-token)';

/**
 * A preHandler admitting only bearer tokens whose role allows `needed`. The three refusals say
 * which it is: no token (UNAUTHENTICATED), a token the server does not know (UNAUTHENTICATED),
 * a known token of a smaller role (FORBIDDEN, naming the role needed).
 */
export function requireRole(store: Store, needed: Role): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization?.trim();
    if (header === undefined || header === '') {
      throw new PatchcastError(
        'UNAUTHENTICATED',
        `an API token with the ${needed} role is required`,
        {
          hint: `pass ${WHERE_TOKENS}`,
        },
      );
    }
    const match = /^Bearer ([A-Za-z0-9_-]{8,128})$/.exec(header);
    const token =
      match?.[1] === undefined ? undefined : await store.findApiToken(hashToken(match[1]));
    if (token === undefined) {
      throw new PatchcastError(
        'UNAUTHENTICATED',
        'the API token is not valid (unknown or revoked)',
        {
          hint: `check ${WHERE_TOKENS}: it must be a whole token this server issued`,
        },
      );
    }
    if (!roleAllows(token.role, needed)) {
      throw new PatchcastError(
        'FORBIDDEN',
        `this action needs the ${needed} role; the token "${token.name}" has the ${token.role} role`,
        { hint: `use a token with the ${needed} role (or admin)` },
      );
    }
    request.principal = { tokenId: token.id, name: token.name, role: token.role };
  };
}
