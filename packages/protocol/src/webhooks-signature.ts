/**
 * Standard Webhooks signatures (standardwebhooks.com, spec "Signature scheme"): the secret is
 * `whsec_` and base64 key bytes; the signed content is `<webhook-id>.<webhook-timestamp>.<body>`;
 * the header is `v1,` and the base64 HMAC-SHA256 of it. Timestamps are whole Unix seconds. The
 * server signs its deliveries with it, and `patchcast audit monitor` its alerts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { PatchcastError } from '@patchcast/core';
import { WEBHOOK_SECRET } from './webhooks-api.js';

const PREFIX = 'whsec_';

/** A new secret of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_` secret; WEBHOOK_SECRET_INVALID when it has another form. */
export function secretKey(secret: string): Buffer {
  const key = WEBHOOK_SECRET.test(secret)
    ? Buffer.from(secret.slice(PREFIX.length), 'base64')
    : Buffer.alloc(0);
  if (key.length < 24 || key.length > 64)
    throw new PatchcastError(
      'WEBHOOK_SECRET_INVALID',
      'a webhook secret is whsec_ followed by the base64 of 24 to 64 random bytes',
    );
  return key;
}

export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** The three Standard Webhooks headers for one attempt at sending `body`. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): SignedHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${mac}`,
  };
}
