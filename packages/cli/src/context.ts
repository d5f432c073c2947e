import { PatchcastClient } from '@patchcast/protocol';
import { PatchcastError } from '@patchcast/core';
import type { Invocation, Options } from './command.js';
import { stringFlag } from './args.js';

export const CLIENT_OPTIONS: Options = {
  server: { type: 'string' },
  token: { type: 'string' },
  ca: { type: 'string' },
};

export const JSON_OPTION: Options = { json: { type: 'boolean' } };

export const CLIENT_HELP = `  --server URL   server to talk to (default: $PATCHCAST_SERVER or http://127.0.0.1:8080)
  --token TOKEN  operator API token (default: $PATCHCAST_TOKEN)
  --ca FILE      also trust this CA's certificates (PEM) for an https:// server, besides the
                 system's (default: $PATCHCAST_CA)`;

export function clientFor(invocation: Invocation): PatchcastClient {
  const env = invocation.io.env;
  const server = serverOf(invocation);
  const token = stringFlag(invocation, 'token') ?? env.PATCHCAST_TOKEN;
  if (token === undefined || token === '') {
    throw new PatchcastError('UNAUTHENTICATED', 'no operator token given', {
      hint: 'pass --token or set PATCHCAST_TOKEN (the first one is in <data>/initial-admin-token)',
    });
  }
  return new PatchcastClient({ server, token });
}

/** --server, else $PATCHCAST_SERVER, else the local default. */
export function serverOf(invocation: Invocation): string {
  return (
    stringFlag(invocation, 'server') ??
    invocation.io.env.PATCHCAST_SERVER ??
    'http://127.0.0.1:8080'
  );
}

export { printJson } from './print-json.js';
export { trustFor } from './trust-flag.js';
