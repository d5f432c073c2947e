/**
 * A monitor's alert as a signed webhook (`audit monitor --webhook URL --webhook-secret-file F`):
 * the event `monitor.alert` in the body shape and with the Standard Webhooks signature the server
 * uses for its own events (docs/protocol/webhooks.md), sent before the monitor exits. A few quick
 * retries; a receiver that stays down is reported, and the monitor still exits with the alert's
 * code.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';
import { secretKey, signWebhook } from '@patchcast/protocol';
import type { MonitorAlert } from './run-monitor.js';

export interface AlertWebhook {
  readonly url: string;
  readonly secret: string;
}

const ATTEMPTS = 3;
const TIMEOUT_MS = 10_000;

/** `--webhook URL` and `--webhook-secret-file F` go together; the secret is checked now. */
export async function alertWebhook(
  url: string | undefined,
  secretFile: string | undefined,
): Promise<AlertWebhook | undefined> {
  if (url === undefined && secretFile === undefined) return undefined;
  if (url === undefined || secretFile === undefined)
    throw new PatchcastError('USAGE', '--webhook URL and --webhook-secret-file FILE go together', {
      hint: 'give both, e.g. --webhook https://hooks.example/pc --webhook-secret-file hook.secret',
    });
  if (!/^https?:\/\//.test(url) || !URL.canParse(url))
    throw new PatchcastError('USAGE', `--webhook "${url}" is not an http(s) URL`);
  let secret: string;
  try {
    secret = (await readFile(secretFile, 'utf8')).trim();
  } catch (error) {
    throw new PatchcastError(
      'USAGE',
      `--webhook-secret-file ${secretFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  secretKey(secret); // WEBHOOK_SECRET_INVALID now rather than when an alert is due
  return { url, secret };
}

/** Sends the alert; returns why it could not be delivered, or undefined once it was. */
export async function sendAlert(
  hook: AlertWebhook,
  alert: MonitorAlert,
  sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<string | undefined> {
  const body = JSON.stringify({ type: 'monitor.alert', timestamp: alert.at, data: alert });
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 32);
  const id = `msg_monitor_${digest}`; // the same alert keeps its id across retries
  let failure = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const headers = signWebhook(hook.secret, id, Date.now() / 1000, body);
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.status >= 200 && response.status < 300) return undefined;
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    if (attempt < ATTEMPTS) await sleep(1000 * 2 ** (attempt - 1));
  }
  return failure;
}
