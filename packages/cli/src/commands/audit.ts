import { PatchcastError } from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';
import type { AuditSource } from '../audit/audit-source.js';
import { dataSource } from '../audit/data-source.js';
import { renderAudit } from '../audit/render.js';
import { runAudit } from '../audit/run-audit.js';
import { MONITOR_HELP, monitor } from './audit-monitor.js';
import { serverSource } from '../audit/server-source.js';

const PROGRESS_EVERY = 65_536;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the transparency log and the database against it; monitor a log continuously',
  usage:
    'patchcast audit verify [--server URL | --data DIR [--db URL] [--artifacts DIR]] [--log-key KEY] [--json] | monitor --server URL --state DIR [--allowed-signers FILE] [--interval 10s] [--webhook URL --webhook-secret-file F] [--once] [--json]',
  help: `Reads every entry and tile of the log, recomputes every hash, verifies every checkpoint's
signature and that all checkpoints describe one history, then checks the records against the log:
every published target, rollout, final device result and device has its entry, and every entry
points at an existing record that agrees with it. Exits 0 only if all holds; otherwise lists each
problem with what is wrong and where (entry index, tile, table and id) and exits 1.

Options:
  --server URL    audit a running server over HTTP (default: $PATCHCAST_SERVER); its records are
                  checked when a token is given
  --token TOKEN   a viewer token for the records (default: $PATCHCAST_TOKEN)
  --data DIR      audit a server's data folder directly: its database opened read-only, every
                  stored checkpoint, every stored metadata version against its metadata-signed
                  entry, the artifacts on disk against the signed hashes and lengths, and the
                  entries written with their records but not yet sequenced (a stopped server)
  --db URL        the server's PostgreSQL database, with --data (default: the SQLite database
                  in the data folder)
  --artifacts DIR the server's --artifacts folder, with --data (default: DIR/artifacts)
  --log-key KEY   the log's verifier key obtained out of band (default: the one the source
                  announces, which a swapped key would change)
  --json          print {"ok","source","log","checked","problems":[{"where","what"}]}

${MONITOR_HELP}`,
  options: {
    server: { type: 'string' },
    token: { type: 'string' },
    data: { type: 'string' },
    db: { type: 'string' },
    artifacts: { type: 'string' },
    'log-key': { type: 'string' },
    state: { type: 'string' },
    'allowed-signers': { type: 'string' },
    interval: { type: 'string' },
    once: { type: 'boolean' },
    webhook: { type: 'string' },
    'webhook-secret-file': { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    if (invocation.positionals[0] === 'monitor') return monitor(invocation);
    if (invocation.positionals[0] !== 'verify') {
      throw new PatchcastError('USAGE', `unknown audit action "${invocation.positionals[0]}"`, {
        hint: 'use: patchcast audit verify, or patchcast audit monitor',
      });
    }
    const source = await openSource(invocation);
    try {
      const report = await runAudit(source, {
        logKey: stringFlag(invocation, 'log-key'),
        progress: (done, total) => progress(invocation, done, total),
      });
      if (boolFlag(invocation, 'json')) printJson(invocation, report);
      else invocation.io.out(renderAudit(report));
      return report.ok ? 0 : 1;
    } finally {
      await source.close();
    }
  },
};

async function openSource(invocation: Invocation): Promise<AuditSource> {
  const data = stringFlag(invocation, 'data');
  const server = stringFlag(invocation, 'server');
  if (data !== undefined && server !== undefined) {
    throw new PatchcastError('USAGE', 'give either --server or --data, not both');
  }
  const db = stringFlag(invocation, 'db');
  const artifactsDir = stringFlag(invocation, 'artifacts');
  if (data === undefined && (db !== undefined || artifactsDir !== undefined)) {
    throw new PatchcastError('USAGE', '--db and --artifacts need --data DIR', {
      hint: 'pass the data folder of the server too: patchcast audit verify --data DIR --db URL',
    });
  }
  if (data !== undefined) return dataSource({ dataDir: data, db, artifactsDir });
  const { env } = invocation.io;
  const token = stringFlag(invocation, 'token') ?? env.PATCHCAST_TOKEN;
  const client = new PatchcastClient({
    server: server ?? env.PATCHCAST_SERVER ?? 'http://127.0.0.1:8080',
    token: token === '' ? undefined : token,
  });
  return serverSource(client, token !== undefined && token !== '');
}

function progress(invocation: Invocation, done: number, total: number): void {
  if (total >= PROGRESS_EVERY && (done % PROGRESS_EVERY === 0 || done === total)) {
    invocation.io.err(`audit: ${done} of ${total} entries read\n`);
  }
}
