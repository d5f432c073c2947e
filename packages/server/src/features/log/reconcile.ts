import type { RepositoryService } from '../repository/repository-service.js';
import {
  appendAll,
  patchPublished,
  patchSubject,
  patchWithdrawn,
  withdrawalSubject,
} from './log-events.js';
import type { TransparencyLog } from './transparency-log.js';

/** The `by` of publication entries made at start rather than at publish time. */
export const BACKFILL_BY = 'backfill';

/**
 * Gives every target of the current targets metadata a patch-published entry if it has none, and
 * every withdrawn one a patch-withdrawn entry: a server upgraded from before the log, or one that
 * crashed between a publish (or withdrawal) and its log batch. Agents refuse patches without a
 * publication entry; targets metadata is signed by publishers, so a backfilled entry still
 * describes only what a publisher signed.
 */
export async function logMissingPublications(
  repository: RepositoryService,
  log: TransparencyLog,
  at: string,
): Promise<number> {
  const targets = await repository.currentTargets();
  const missing = [];
  for (const [path, info] of Object.entries(targets.targets)) {
    const context = { by: BACKFILL_BY, at };
    const event = patchPublished(path, info, targets.version, context);
    if (event === undefined) continue;
    if ((await log.store.findBySubject(patchSubject(event))) === undefined) missing.push(event);
    const withdrawn = patchWithdrawn(path, info, targets.version, context);
    if (
      withdrawn !== undefined &&
      (await log.store.findBySubject(withdrawalSubject(event))) === undefined
    )
      missing.push(withdrawn);
  }
  await appendAll(log, missing);
  return missing.length;
}
