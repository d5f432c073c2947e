/** `patchcast audit monitor`: the flags, the output, and stopping on SIGINT or SIGTERM. */
import { PatchcastError } from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import type { Invocation } from '../command.js';
import { boolFlag, parseDuration, stringFlag } from '../args.js';
import { readAllowedSigners } from '../monitor/allowed-signers.js';
import { alertWebhook, sendAlert } from '../monitor/alert-webhook.js';
import { runMonitor } from '../monitor/run-monitor.js';
import type { MonitorAlert, PassReport } from '../monitor/run-monitor.js';

export const MONITOR_HELP = `monitor follows a log continuously: every --interval it reads the checkpoint, verifies it with
the key in force (following signed key transitions), checks a consistency proof from the last
checkpoint it verified and re-hashes the new entries onto its stored tree, then checks every new
publication's signers against --allowed-signers. It keeps its state in --state DIR (written
atomically), so append-only is verified across its own restarts. A fork or rewritten log
(SECURITY_LOG_FORKED), a forged key transition (SECURITY_KEY_ROTATION_INVALID) or an unexpected
signer (SECURITY_UNEXPECTED_SIGNER) is printed on stderr and ends it with exit 1; the state is
not advanced, so a restart reports it again. An unreachable server is retried.

Monitor options:
  --server URL            the server to follow (default: $PATCHCAST_SERVER)
  --state DIR             where the monitor keeps what it verified (required)
  --log-key KEY           the log's verifier key, out of band (default: the server's on the
                          first run, with a warning; then the one in the state)
  --allowed-signers FILE  which keys may sign which patch names (format: docs/protocol/log.md
                          "Monitor"); without it signers are not checked
  --interval DURATION     time between passes (default 10s)
  --webhook URL           also send each alert there as a signed webhook (event monitor.alert,
                          Standard Webhooks; docs/protocol/webhooks.md), before exiting
  --webhook-secret-file F the whsec_ secret to sign it with (the receiver holds the same)
  --once                  one pass, then exit 0 if all is well
  --json                  one JSON line per pass on stdout: {"ok","server","size","newEntries",
                          "publications","keyTransitions"}, or {"ok":false,"code","message"}`;

export async function monitor(invocation: Invocation): Promise<number> {
  const stateDir = stringFlag(invocation, 'state');
  if (stateDir === undefined) {
    throw new PatchcastError('USAGE', 'audit monitor needs --state DIR', {
      hint: 'give a folder the monitor keeps across restarts: --state DIR',
    });
  }
  const { io } = invocation;
  const json = boolFlag(invocation, 'json');
  const allowedFile = stringFlag(invocation, 'allowed-signers');
  const hook = await alertWebhook(
    stringFlag(invocation, 'webhook'),
    stringFlag(invocation, 'webhook-secret-file'),
  );
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runMonitor({
      client: new PatchcastClient({
        server:
          stringFlag(invocation, 'server') ?? io.env.PATCHCAST_SERVER ?? 'http://127.0.0.1:8080',
      }),
      stateDir,
      logKey: stringFlag(invocation, 'log-key'),
      allowed: allowedFile === undefined ? undefined : await readAllowedSigners(allowedFile),
      intervalMs: parseDuration(stringFlag(invocation, 'interval') ?? '10s') * 1000,
      once: boolFlag(invocation, 'once'),
      signal: controller.signal,
      print: (line) => io.err(`${line}\n`),
      onPass: (report) => io.out(json ? `${JSON.stringify(report)}\n` : passLine(report)),
      onAlert: async (alert: MonitorAlert) => {
        if (json)
          io.out(`${JSON.stringify({ ok: false, code: alert.code, message: alert.message })}\n`);
        const failed = hook === undefined ? undefined : await sendAlert(hook, alert);
        if (failed !== undefined)
          io.err(`WARNING: the alert webhook to ${hook?.url ?? ''} was not delivered: ${failed}\n`);
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

function passLine(r: PassReport): string {
  return `ok: ${r.server} size ${r.size}, ${r.newEntries} new entries, ${r.publications} publications checked, ${r.keyTransitions} key transitions\n`;
}
