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

/** A preHandler admitting only bearer tokens whose role allows `needed`. */
export function requireRole(store: Store, needed: Role): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{8,128})$/.exec(header);
    if (match?.[1] === undefined) {
      throw new PatchcastError('UNAUTHENTICATED', 'an operator token is required', {
        hint: 'pass --token or set PATCHCAST_TOKEN (the first token is in <data>/initial-admin-token)',
      });
    }
    const token = await store.findApiToken(hashToken(match[1]));
    if (token === undefined)
      throw new PatchcastError('UNAUTHENTICATED', 'the operator token is not valid');
    if (!roleAllows(token.role, needed)) {
      throw new PatchcastError(
        'FORBIDDEN',
        `this action needs the ${needed} role; the token has ${token.role}`,
      );
    }
    request.principal = { tokenId: token.id, name: token.name, role: token.role };
  };
}
