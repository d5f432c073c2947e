/**
 * PostgreSQL and NATS for the multi-node tests: a fresh database on PATCHCAST_TEST_PG and a
 * unique JetStream stream on PATCHCAST_TEST_NATS, both removed afterwards. When either service is
 * unset or unreachable the caller gets the reason, to skip visibly.
 */
import { randomBytes } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import pg from 'pg';
import { connect } from 'nats';
import type { Harness, Proc } from '../harness.js';

export interface ClusterServices {
  readonly db: string;
  readonly nats: string;
  readonly stream: string;
  sql<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function clusterServices(): Promise<ClusterServices | string> {
  const base = process.env.PATCHCAST_TEST_PG;
  const nats = process.env.PATCHCAST_TEST_NATS;
  if (base === undefined || base === '') return 'PATCHCAST_TEST_PG is unset';
  if (nats === undefined || nats === '') return 'PATCHCAST_TEST_NATS is unset';
  const { hostname, port } = new URL(nats);
  if (!(await reachable(hostname, Number(port || 4222)))) return `NATS at ${nats} is unreachable`;
  const name = `pc_test_cluster_${randomBytes(6).toString('hex')}`;
  try {
    await query(base, `CREATE DATABASE "${name}"`);
  } catch (error) {
    return `PATCHCAST_TEST_PG is unreachable: ${(error as Error).message}`;
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = url.toString();
  const stream = `PCE2E_${randomBytes(5).toString('hex')}`;
  return {
    db,
    nats,
    stream,
    sql: (text, params) => query(db, text, params),
    drop: async () => {
      await query(base, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await deleteStream(nats, stream);
    },
  };
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 3000 });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export interface ClusterNode {
  readonly proc: Proc;
  readonly url: string;
}

/**
 * Starts `count` real `patchcast server` nodes on the services' database, NATS stream and one
 * shared artifacts folder; node 1 starts first (making the key set and the admin token, which the
 * harness then uses) and the others get a copy of its keys/, as an operator would give them.
 */
export async function startClusterNodes(
  harness: Harness,
  services: ClusterServices,
  count = 3,
): Promise<ClusterNode[]> {
  const dataDir = (n: number) => join(harness.dir, n === 1 ? 'server' : `node${n}`);
  const startNode = async (n: number): Promise<ClusterNode> => {
    const { proc, match } = await harness.start(
      [
        'server',
        ...['--data', dataDir(n), '--listen', '127.0.0.1:0', '--db', services.db],
        ...['--artifacts', join(harness.dir, 'artifacts'), '--bus', services.nats],
        ...['--bus-stream', services.stream, '--node-id', `node-${n}`, '--lease-seconds', '3'],
      ],
      /listening on (http:\/\/[^\s]+)/,
    );
    return { proc, url: match[1] ?? '' };
  };
  const nodes = [await startNode(1)];
  harness.token = (await readFile(join(dataDir(1), 'initial-admin-token'), 'utf8')).trim();
  for (let n = 2; n <= count; n++) {
    await cp(join(dataDir(1), 'keys'), join(dataDir(n), 'keys'), { recursive: true });
    nodes.push(await startNode(n));
  }
  return nodes;
}
