/** Chooses the Store adapter from the configuration: SQLite in the data folder, or PostgreSQL. */
import { join } from 'node:path';
import type { ServerConfig } from '../config.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PgStore } from './postgres/pg-store.js';

export async function openStore(
  config: Pick<ServerConfig, 'dataDir' | 'db' | 'dbPoolSize'>,
  onError: (error: Error) => void,
): Promise<Store> {
  if (config.db === undefined)
    return new SqliteStore(join(config.dataDir, 'patchcast.db'), { groupCommit: true });
  return PgStore.open({ url: config.db, poolSize: config.dbPoolSize, onError });
}
