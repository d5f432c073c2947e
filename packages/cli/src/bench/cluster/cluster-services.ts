/**
 * The shared engines of one `bench cluster` run: a fresh PostgreSQL database (`bench_perf_...`)
 * on the server `--db` names, and a JetStream stream of its own on the NATS `--bus` names; both
 * removed afterwards, so runs never see each other's state.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from 'nats';

export interface ClusterServices {
  /** The fresh database's URL. */
  readonly db: string;
  readonly nats: string;
  readonly stream: string;
  drop(): Promise<void>;
}

export async function createServices(adminUrl: string, nats: string): Promise<ClusterServices> {
  const suffix = randomBytes(5).toString('hex');
  const name = `bench_perf_${suffix}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const stream = `BENCH_PERF_${suffix.toUpperCase()}`;
  return {
    db: url.toString(),
    nats,
    stream,
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await deleteStream(nats, stream);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 5000 });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}
