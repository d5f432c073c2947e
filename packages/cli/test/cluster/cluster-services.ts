/**
 * PostgreSQL and NATS for the multi-node tests: a fresh database on PATCHCAST_TEST_PG and a
 * unique JetStream stream on PATCHCAST_TEST_NATS, both removed afterwards. When either service is
 * unset or unreachable the caller gets the reason, to skip visibly.
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import pg from 'pg';
import { connect } from 'nats';

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
