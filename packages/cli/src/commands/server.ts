import { resolve } from 'node:path';
import type { Command, Invocation } from '../command.js';
import { listFlag, parseListen, stringFlag } from '../args.js';
import { witnessFlags } from '../witness/witness-config.js';
import { PatchcastError } from '@patchcast/core';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'] as const;

export const serverCommand: Command = {
  name: 'server',
  summary: 'run the Patchcast server (embedded SQLite, or a node of a PostgreSQL cluster)',
  usage:
    'patchcast server [--data DIR] [--listen HOST:PORT] [--log-level LEVEL] [--db URL] [--db-pool N] [--artifacts DIR] [--bus nats://HOST:PORT --node-id ID] [--lease-seconds N] [--bus-stream NAME] [--witness URL=VKEYFILE]...',
  help: `Runs the control plane in one process. The first start creates DIR with a development key set
(keys/), the database (patchcast.db), artifact storage (artifacts/) and an initial admin token
(initial-admin-token, mode 0600), and prints that token. A --listen address that another process
holds fails the start (ADDRESS_IN_USE) before anything is created or printed.

Options:
  --data DIR          data folder (default: ./patchcast-data)
  --listen HOST:PORT  address to listen on (default: 127.0.0.1:8080)
  --log-level LEVEL   fatal, error, warn, info or debug (default: warn)
  --db URL            PostgreSQL instead of SQLite: postgres://USER:PASSWORD@HOST:5432/DB
                      (or set PATCHCAST_DB, which keeps the password out of the process
                      list); every node of one cluster uses the same database
  --db-pool N         connections this node keeps to PostgreSQL (default: 10)
  --artifacts DIR     artifact folder, shared by every node (default: DIR/artifacts)
  --bus URL           memory (one node, the default) or nats://HOST:PORT[,...]: NATS JetStream
                      shared by several nodes (docs/operations-cluster.md)
  --node-id ID        this node's name among several: letters, digits, - and _ (default with
                      --bus nats: HOSTNAME-<random>, made once and kept in DIR/node-id, so a
                      restarted node keeps it and catches up)
  --lease-seconds N   with --bus nats: how long a node's lease on a rollout lasts unrenewed,
                      i.e. how soon another node takes over a dead node's rollouts (default: 15)
  --bus-stream NAME   with --bus nats: the JetStream stream (and, in lower case, subject prefix)
                      of this cluster, so that clusters can share one NATS (default: PATCHCAST)
  --witness URL=VKEYFILE
                      a witness (\`patchcast witness\`) to submit every checkpoint to, with its
                      verifier key file; repeatable. Cosignatures are served with the checkpoint;
                      a witness that is down never blocks publishing (docs/protocol/log.md)

Several nodes on one database must share the key set: copy keys/ from the first node's data
folder to the others. A node whose keys differ refuses to start (KEYSET_MISMATCH); an
unreachable database fails the start with DB_UNAVAILABLE. The initial admin token is made once
per database, by the first node, in that node's data folder.

Stops cleanly on SIGINT or SIGTERM.`,
  options: {
    data: { type: 'string' },
    listen: { type: 'string' },
    'log-level': { type: 'string' },
    db: { type: 'string' },
    'db-pool': { type: 'string' },
    artifacts: { type: 'string' },
    bus: { type: 'string' },
    'node-id': { type: 'string' },
    'lease-seconds': { type: 'string' },
    'bus-stream': { type: 'string' },
    witness: { type: 'string', multiple: true },
  },
  positionals: { min: 0, max: 0 },
  async run(invocation) {
    const { startServer } = await import('@patchcast/server');
    const listen = parseListen(stringFlag(invocation, 'listen') ?? '127.0.0.1:8080');
    const level = stringFlag(invocation, 'log-level') ?? 'warn';
    if (!(LEVELS as readonly string[]).includes(level)) {
      throw new PatchcastError('USAGE', `--log-level must be one of ${LEVELS.join(', ')}`);
    }
    const server = await startServer(
      {
        dataDir: stringFlag(invocation, 'data') ?? 'patchcast-data',
        ...listen,
        logLevel: level as (typeof LEVELS)[number],
        ...storageFlags(invocation),
        bus: stringFlag(invocation, 'bus') ?? 'memory',
        nodeId: stringFlag(invocation, 'node-id'),
        ...leaseFlag(invocation),
        ...offlineGrace(invocation),
        busStream: stringFlag(invocation, 'bus-stream'),
        witnesses: await witnessFlags(listFlag(invocation, 'witness')),
      },
      { print: (line) => invocation.io.err(`${line}\n`) },
    );
    await untilSignal();
    invocation.io.err('shutting down\n');
    await server.close();
    return 0;
  },
};

/**
 * PATCHCAST_OFFLINE_GRACE (seconds, default 30): a device disconnected for less is taken to be
 * reconnecting, so `rollout status --wait` does not end for it yet (docs/rollouts.md).
 */
function offlineGrace(invocation: Invocation): { offlineGraceSeconds?: number } {
  const value = invocation.io.env.PATCHCAST_OFFLINE_GRACE;
  if (value === undefined || value === '') return {};
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600)
    throw new PatchcastError(
      'USAGE',
      'PATCHCAST_OFFLINE_GRACE must be whole seconds from 0 to 3600',
    );
  return { offlineGraceSeconds: seconds };
}

/** --lease-seconds: 2 to 3600. */
function leaseFlag(invocation: Invocation): { leaseSeconds?: number } {
  const value = stringFlag(invocation, 'lease-seconds');
  if (value === undefined) return {};
  const seconds = Number(value);
  if (!/^[0-9]+$/.test(value) || seconds < 2 || seconds > 3600)
    throw new PatchcastError('USAGE', '--lease-seconds must be a whole number from 2 to 3600');
  return { leaseSeconds: seconds };
}

/** --db (or $PATCHCAST_DB), --db-pool and --artifacts; absent flags keep the defaults. */
function storageFlags(invocation: Invocation) {
  const db = stringFlag(invocation, 'db') ?? invocation.io.env.PATCHCAST_DB;
  const pool = stringFlag(invocation, 'db-pool');
  const artifacts = stringFlag(invocation, 'artifacts');
  if (pool !== undefined && !/^[1-9][0-9]{0,3}$/.test(pool)) {
    throw new PatchcastError('USAGE', '--db-pool must be a whole number from 1 to 9999');
  }
  if (db !== undefined && db !== '' && !/^postgres(ql)?:\/\//i.test(db)) {
    throw new PatchcastError('USAGE', '--db must be a postgres:// URL', {
      hint: 'use --db postgres://USER:PASSWORD@HOST:5432/DATABASE, or leave it out for SQLite',
    });
  }
  return {
    ...(db === undefined || db === '' ? {} : { db }),
    ...(pool === undefined ? {} : { dbPoolSize: Number(pool) }),
    ...(artifacts === undefined ? {} : { artifactsDir: resolve(artifacts) }),
  };
}

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
