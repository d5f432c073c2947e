import type { Command } from '../command.js';
import { parseListen, stringFlag } from '../args.js';
import { PatchcastError } from '@patchcast/core';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'] as const;

export const serverCommand: Command = {
  name: 'server',
  summary: 'run the Patchcast server (embedded SQLite, in-process bus, local artifacts)',
  usage: 'patchcast server [--data DIR] [--listen HOST:PORT] [--log-level LEVEL] [--bus nats://HOST:PORT --node-id ID]',
  help: `Runs the control plane in one process. The first start creates DIR with a development key set
(keys/), the database (patchcast.db), artifact storage (artifacts/) and an initial admin token
(initial-admin-token, mode 0600), and prints that token.

Options:
  --data DIR          data folder (default: ./patchcast-data)
  --listen HOST:PORT  address to listen on (default: 127.0.0.1:8080)
  --log-level LEVEL   fatal, error, warn, info or debug (default: warn)
  --bus URL           memory (one node, the default) or nats://HOST:PORT[,...]: NATS JetStream
                      shared by several nodes (docs/operations-cluster.md)
  --node-id ID        this node's name among several: letters, digits, - and _ (default:
                      HOSTNAME-PORT); keep it stable so a restarted node catches up

Stops cleanly on SIGINT or SIGTERM.`,
  options: {
    data: { type: 'string' },
    listen: { type: 'string' },
    'log-level': { type: 'string' },
    bus: { type: 'string' },
    'node-id': { type: 'string' },
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
        bus: stringFlag(invocation, 'bus') ?? 'memory',
        nodeId: stringFlag(invocation, 'node-id'),
      },
      { print: (line) => invocation.io.err(`${line}\n`) },
    );
    await untilSignal();
    invocation.io.err('shutting down\n');
    await server.close();
    return 0;
  },
};

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
