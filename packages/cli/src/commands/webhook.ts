import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';
import { WEBHOOK_EVENTS, WEBHOOK_SECRET } from '@patchcast/protocol';
import type { Delivery, WebhookEventType, WebhookInfo } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { table } from '../table.js';

export const webhookCommand: Command = {
  name: 'webhook',
  summary: 'send signed events to other systems (Standard Webhooks): add, list, remove, deliveries',
  usage:
    'patchcast webhook add URL --events LIST --secret-file FILE [--allow-private] [--json] | webhook list [--json] | webhook remove ID [--json] | webhook deliveries ID [--limit N] [--json]',
  help: `The server POSTs each event a webhook subscribes to as JSON {"type","timestamp","data"},
signed per the Standard Webhooks specification: headers webhook-id (the same on every retry of
one event), webhook-timestamp and webhook-signature (v1,<base64 HMAC-SHA256 of
"id.timestamp.body"> with the secret). Verify with any Standard Webhooks library. Delivery is
at least once and survives restarts (an outbox in the database); a receiver that does not
answer 2xx within the timeout is tried again with exponential backoff and jitter (12 attempts
by default, \`patchcast server --webhook NAME=VALUE\`). Redirects are not followed.

  patchcast webhook add URL --events LIST --secret-file FILE [--allow-private]     (admin)
      subscribes URL to the events in LIST (comma-separated, or "all"). FILE holds the secret:
      whsec_ and the base64 of 24 to 64 random bytes, e.g.
        echo "whsec_$(openssl rand -base64 32)" > FILE
      The server keeps it to sign with and never shows it again. Private, loopback and
      link-local destinations are refused (WEBHOOK_DESTINATION_REFUSED), when added and at
      every delivery, unless --allow-private.
  patchcast webhook list                                                           (operator)
      every webhook with its events; never a secret.
  patchcast webhook remove ID                                                      (admin)
      stops sending to it and drops its queued events and delivery log.
  patchcast webhook deliveries ID [--limit N]                                      (operator)
      the newest N events (default 50) with their state (pending, delivered, failed) and
      every attempt: time, HTTP status or error, duration.

Events (payloads: docs/protocol/webhooks.md):
  ${WEBHOOK_EVENTS.join('\n  ')}

Options:
  --events LIST        comma-separated event types, or all
  --secret-file FILE   the file holding the whsec_ secret
  --allow-private      allow private, loopback and link-local destinations
  --limit N            deliveries: how many events (1 to 500)
${CLIENT_HELP}
  --json               add, remove: the webhook; list: {"webhooks":[...]};
                       deliveries: {"webhook","deliveries":[...]}`,
  options: {
    events: { type: 'string' },
    'secret-file': { type: 'string' },
    'allow-private': { type: 'boolean' },
    limit: { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 2 },
  async run(invocation) {
    const [action, arg] = invocation.positionals;
    if (action === 'add' && arg !== undefined) return add(invocation, arg);
    if (action === 'list' && arg === undefined) return list(invocation);
    if (action === 'remove' && arg !== undefined) return remove(invocation, arg);
    if (action === 'deliveries' && arg !== undefined) return deliveries(invocation, arg);
    throw new PatchcastError(
      'USAGE',
      `"webhook ${invocation.positionals.join(' ')}" is not a webhook action`,
      {
        hint: 'use: patchcast webhook add URL --events LIST --secret-file FILE | webhook list | webhook remove ID | webhook deliveries ID',
      },
    );
  },
};

function eventsOf(text: string): WebhookEventType[] {
  if (text.trim() === 'all') return [...WEBHOOK_EVENTS];
  const names = text.split(',').map((e) => e.trim());
  return names.map((name) => {
    const event = WEBHOOK_EVENTS.find((e) => e === name);
    if (event === undefined)
      throw new PatchcastError('USAGE', `--events: "${name}" is not an event`, {
        hint: `use all, or some of ${WEBHOOK_EVENTS.join(', ')}`,
      });
    return event;
  });
}

async function secretFrom(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new PatchcastError('USAGE', `cannot read --secret-file ${path}: ${String(error)}`, {
      hint: 'make one with `echo "whsec_$(openssl rand -base64 32)" > FILE`',
    });
  });
  const secret = text.trim();
  if (!WEBHOOK_SECRET.test(secret))
    throw new PatchcastError('WEBHOOK_SECRET_INVALID', `${path} does not hold a whsec_ secret`);
  return secret;
}

async function add(invocation: Invocation, url: string): Promise<number> {
  const events = eventsOf(requiredFlag(invocation, 'events', 'e.g. --events rollout.completed'));
  const secret = await secretFrom(requiredFlag(invocation, 'secret-file', 'a whsec_ secret file'));
  const allowPrivate = boolFlag(invocation, 'allow-private');
  const info = await clientFor(invocation).createWebhook({
    url,
    events,
    secret,
    ...(allowPrivate ? { allowPrivate } : {}),
  });
  if (boolFlag(invocation, 'json')) printJson(invocation, info);
  else invocation.io.out(`added webhook ${info.id} -> ${info.url} (${info.events.join(', ')})\n`);
  return 0;
}

async function list(invocation: Invocation): Promise<number> {
  const { webhooks } = await clientFor(invocation).webhooks();
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, { webhooks });
    return 0;
  }
  const rows = webhooks.map((w: WebhookInfo) => [
    w.id,
    w.url,
    w.events.length === WEBHOOK_EVENTS.length ? 'all' : w.events.join(','),
    w.allowPrivate ? 'yes' : 'no',
    w.createdBy,
  ]);
  invocation.io.out(table(['ID', 'URL', 'EVENTS', 'PRIVATE', 'CREATED BY'], rows));
  return 0;
}

async function remove(invocation: Invocation, id: string): Promise<number> {
  const info = await clientFor(invocation).removeWebhook(id);
  if (boolFlag(invocation, 'json')) printJson(invocation, info);
  else invocation.io.out(`removed webhook ${info.id} (${info.url})\n`);
  return 0;
}

async function deliveries(invocation: Invocation, id: string): Promise<number> {
  const text = stringFlag(invocation, 'limit');
  if (text !== undefined && (!/^[1-9][0-9]{0,2}$/.test(text) || Number(text) > 500))
    throw new PatchcastError('USAGE', '--limit must be a whole number from 1 to 500');
  const result = await clientFor(invocation).webhookDeliveries(
    id,
    text === undefined ? undefined : Number(text),
  );
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  const rows = result.deliveries.map((d: Delivery) => {
    const last = d.log[d.log.length - 1];
    const outcome = last === undefined ? '' : (last.error ?? `HTTP ${last.statusCode ?? ''}`);
    return [d.eventId, d.type, d.state, String(d.attempts), outcome, d.nextAttemptAt ?? ''];
  });
  invocation.io.out(table(['EVENT', 'TYPE', 'STATE', 'ATTEMPTS', 'LAST', 'NEXT'], rows));
  return 0;
}
