import { resolve } from 'node:path';
import type { Command, Invocation } from '../command.js';
import { boolFlag, listFlag, parseListen, stringFlag } from '../args.js';
import { witnessFlags } from '../witness/witness-config.js';
import { webhookFlags } from './webhook-flags.js';
import { PatchcastError } from '@patchcast/core';
import { untilSignal } from '../until-signal.js';
import type { LimitsConfig } from '@patchcast/server';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'] as const;

export const serverCommand: Command = {
  name: 'server',
  summary: 'run the Patchcast server (embedded SQLite, or a node of a PostgreSQL cluster)',
  usage:
    'patchcast server [--data DIR] [--listen HOST:PORT] [--log-level LEVEL] [--db URL] [--db-pool N] [--artifacts DIR] [--bus nats://HOST:PORT --node-id ID] [--lease-seconds N] [--bus-stream NAME] [--witness URL=VKEYFILE]... [--rotate-log-key] [--tls-cert FILE --tls-key FILE | --insecure-plain-http] [--public-url URL]... [--limit NAME=VALUE]... [--metrics-listen HOST:PORT] [--agent-listen HOST:PORT [--agent-public-url URL]... [--require-client-cert]] [--webhook NAME=VALUE]...',
  help: `Runs the control plane in one process. The first start creates DIR with a development key set
(keys/), the database (patchcast.db), artifact storage (artifacts/) and an initial admin token
(initial-admin-token, mode 0600), and prints that token. A --listen address that another process
holds fails the start (ADDRESS_IN_USE) before anything is created or printed.

Options:
  --data DIR          data folder (default: ./patchcast-data)
  --listen HOST:PORT  address to listen on (default: 127.0.0.1:8080)
  --log-level LEVEL   fatal, error, warn, info or debug (default: warn); logs are JSON lines
                      on stdout (pino), one per event, each request's with its reqId (also
                      sent back as the x-request-id header)
  --metrics-listen HOST:PORT
                      also serve GET /metrics (Prometheus text format) on this address, without
                      a token; the main port serves it to viewer tokens. Plain HTTP only on
                      loopback, like --listen: elsewhere it needs --tls-cert (the same
                      certificate) or --insecure-plain-http (docs/operations.md "Metrics")
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
  --tls-cert FILE      serve HTTPS and WSS (API, TUF repository, log and agent channel, one
                      port) with this PEM certificate chain; re-read with --tls-key on SIGHUP
                      without dropping connected agents (a lab pair: \`patchcast tls init\`)
  --tls-key FILE      the certificate's PEM private key
  --public-url URL     a URL agents dial to reach this server (repeatable; default: the
                      --listen address). An agent's answer to the channel challenge counts only
                      when signed for one of these, so a server or proxy it dialled cannot
                      relay it here. Needed with --listen 0.0.0.0 or [::]
  --agent-listen HOST:PORT
                      a second, agent-only HTTPS port (needs --tls-cert) that takes only
                      clients with a valid, unrevoked device certificate, checked in the TLS
                      handshake. The device CA (keys/device-ca.key, made at the first start)
                      issues each device a certificate for its own key at enrollment; agents
                      then dial this port (ADR 0030, docs/security.md "Device certificates")
  --agent-public-url URL
                      a URL agents dial to reach the agent port (repeatable, one per node of a
                      cluster; default: the --agent-listen address)
  --require-client-cert
                      agents only through the agent port: the main port refuses the agent
                      channel (DEVICE_CERT_REQUIRED), after handing an agent enrolled before
                      certificates its own, so it moves over by itself
  --limit NAME=VALUE   change an abuse limit (repeatable; docs/security.md "Limits"):
                        api=6000            API requests a minute per token (or address)
                        auth-failures=20    refused tokens a minute per address, then 429
                        enroll=60           enrollments a minute per address
                        agent-connects=1200 agent connections a minute per address
                        agent-messages=50   messages a second per agent connection
                        json-depth=64       deepest nesting of a JSON request body
                        headers-timeout=30  seconds to send request headers
                        request-timeout=600 seconds to send a whole request
                        idle-timeout=75     seconds an idle keep-alive connection stays
  --webhook NAME=VALUE webhook delivery (repeatable; \`patchcast webhook --help\`):
                        timeout=10          seconds a receiver has to answer
                        attempts=12         attempts per event before it fails for good
                        retry-base=10       seconds before the 2nd attempt, doubling after
                        retry-max=3600      longest wait between attempts (jitter: 50-100%)
  --insecure-plain-http
                      allow plain HTTP on a non-loopback --listen address (e.g. behind a TLS
                      proxy); without it such a start is refused (TLS_REQUIRED)
  --witness URL=VKEYFILE
                      a witness (\`patchcast witness\`) to submit every checkpoint to, with its
                      verifier key file; repeatable. Cosignatures are served with the checkpoint;
                      a witness that is down never blocks publishing (docs/protocol/log.md)
  --rotate-log-key    replace the transparency log's key once, at this start: a transition
                      checkpoint signed by the old and the new key lets agents, witnesses,
                      monitors and audits that trust the old key follow (ADR 0028). Give it once,
                      with the other nodes of a cluster stopped; then copy keys/ to them

Several nodes on one database must share the key set: copy keys/ from the first node's data
folder to the others. A node whose keys differ refuses to start (KEYSET_MISMATCH); an
unreachable database fails the start with DB_UNAVAILABLE. The initial admin token is made once
per database, by the first node, in that node's data folder.

Stops cleanly on SIGINT or SIGTERM; SIGHUP reloads the TLS certificate.`,
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
    'rotate-log-key': { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'insecure-plain-http': { type: 'boolean' },
    'public-url': { type: 'string', multiple: true },
    limit: { type: 'string', multiple: true },
    'metrics-listen': { type: 'string' },
    'agent-listen': { type: 'string' },
    'agent-public-url': { type: 'string', multiple: true },
    'require-client-cert': { type: 'boolean' },
    webhook: { type: 'string', multiple: true },
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
        rotateLogKey: boolFlag(invocation, 'rotate-log-key'),
        ...tlsFlags(invocation),
        publicUrls: listFlag(invocation, 'public-url'),
        limits: limitFlags(listFlag(invocation, 'limit')),
        ...metricsFlag(stringFlag(invocation, 'metrics-listen')),
        ...agentPortFlags(invocation),
        webhooks: webhookFlags(listFlag(invocation, 'webhook')),
      },
      { print: (line) => invocation.io.err(`${line}\n`) },
    );
    const reload = () =>
      void server.reloadTls().then(
        () => invocation.io.err('SIGHUP: reloaded the TLS certificate and key\n'),
        (error: unknown) =>
          invocation.io.err(
            `SIGHUP: kept the old TLS certificate: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      );
    process.on('SIGHUP', reload);
    await untilSignal();
    process.off('SIGHUP', reload);
    invocation.io.err('shutting down\n');
    await server.close();
    return 0;
  },
};

function metricsFlag(value: string | undefined) {
  return value === undefined ? {} : { metricsListen: parseListen(value, '--metrics-listen') };
}

function agentPortFlags(invocation: Invocation) {
  const listen = stringFlag(invocation, 'agent-listen');
  return {
    ...(listen === undefined ? {} : { agentListen: parseListen(listen, '--agent-listen') }),
    agentPublicUrls: listFlag(invocation, 'agent-public-url'),
    requireClientCert: boolFlag(invocation, 'require-client-cert'),
  };
}

const LIMIT_FLAGS = {
  api: 'apiPerMinute',
  'auth-failures': 'authFailuresPerMinute',
  enroll: 'enrollPerMinute',
  'agent-connects': 'agentConnectsPerMinute',
  'agent-messages': 'agentMessagesPerSecond',
  'json-depth': 'maxJsonDepth',
  'headers-timeout': 'headersTimeoutSeconds',
  'request-timeout': 'requestTimeoutSeconds',
  'idle-timeout': 'idleTimeoutSeconds',
} as const satisfies Record<string, keyof LimitsConfig>;

/** --limit NAME=VALUE...: whole numbers from 1 to 1,000,000; the others keep their defaults. */
function limitFlags(values: readonly string[]): Partial<LimitsConfig> {
  const limits: Record<string, number> = {};
  for (const value of values) {
    const [name = '', number = ''] = value.split('=', 2);
    const field = (LIMIT_FLAGS as Record<string, keyof LimitsConfig>)[name];
    if (field === undefined)
      throw new PatchcastError('USAGE', `--limit ${value}: no limit named "${name}"`, {
        hint: `limits: ${Object.keys(LIMIT_FLAGS).join(', ')}`,
      });
    if (!/^[1-9][0-9]{0,6}$/.test(number) || Number(number) > 1_000_000)
      throw new PatchcastError(
        'USAGE',
        `--limit ${value}: the value must be a whole number from 1 to 1000000`,
      );
    limits[field] = Number(number);
  }
  return limits;
}

/** --tls-cert and --tls-key (both or neither) and --insecure-plain-http. */
function tlsFlags(invocation: Invocation) {
  const certFile = stringFlag(invocation, 'tls-cert');
  const keyFile = stringFlag(invocation, 'tls-key');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new PatchcastError('USAGE', '--tls-cert and --tls-key go together', {
      hint: 'give both, e.g. --tls-cert tls/server.pem --tls-key tls/server.key',
    });
  return {
    ...(certFile === undefined || keyFile === undefined
      ? {}
      : { tls: { certFile: resolve(certFile), keyFile: resolve(keyFile) } }),
    insecurePlainHttp: boolFlag(invocation, 'insecure-plain-http'),
  };
}

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
