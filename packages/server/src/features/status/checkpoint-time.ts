/**
 * When the log's latest checkpoint was made, as the `at` of the newest entry it covers: the
 * server signs a checkpoint only when it appends entries (ADR 0033), right after sequencing
 * them, so this is the time of the last event it commits to. The Overview shows its age.
 */
import type { LogStore } from '../../storage/store.js';

export async function checkpointTime(log: LogStore, size: number): Promise<string | undefined> {
  if (size === 0) return undefined;
  const [last] = await log.entries(size - 1, size);
  if (last === undefined) return undefined;
  try {
    const at = (JSON.parse(new TextDecoder().decode(last.leaf)) as { at?: unknown }).at;
    return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : undefined;
  } catch {
    return undefined; // an entry the server wrote is canonical JSON; a bad one shows no age
  }
}
