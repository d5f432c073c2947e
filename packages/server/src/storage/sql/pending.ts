/** Pending log entries (ADR 0033), written inside the transaction of the change they record. */
import type { PendingLogEntry } from '../store.js';
import { valuesList } from './sql-db.js';
import type { SqlQueries } from './sql-db.js';

/** Writes `logged` as pending log entries; call it inside the transaction of their change. */
export async function insertPending(
  tx: SqlQueries,
  logged: readonly PendingLogEntry[],
): Promise<void> {
  if (logged.length === 0) return;
  await tx.run(
    `INSERT INTO log_pending (subject, entry) VALUES ${valuesList(logged.length, 2)}`,
    logged.flatMap((e) => [e.subject, Buffer.from(e.leaf)]),
  );
}
