/**
 * Signed metadata and artifacts against the log: every stored version of every role (timestamp
 * included) has its metadata-signed entry with the same hash, every such entry names a stored
 * version, and each target's artifact on disk has the signed hash and length.
 */
import type { AuditMetadata, AuditTarget, ReportProblem } from './audit-source.js';
import type { LogIndex } from './log-index.js';
import { metadataKey } from './log-index.js';

export function checkMetadata(
  metadata: readonly AuditMetadata[] | undefined,
  index: LogIndex,
  report: ReportProblem,
): void {
  if (metadata === undefined) return;
  const stored = new Set<string>();
  for (const m of metadata) {
    const key = metadataKey(m.role, m.version);
    stored.add(key);
    const where = `table metadata, ${m.role} version ${m.version}`;
    const logged = index.metadata.get(key);
    if (logged === undefined) report(where, 'has no metadata-signed entry in the log');
    else if (logged.event.sha256 !== m.sha256)
      report(
        where,
        `has sha256 ${m.sha256}; log entry ${logged.index} says ${logged.event.sha256} (the stored bytes differ from those signed and logged)`,
      );
  }
  for (const [key, { index: at }] of index.metadata) {
    if (!stored.has(key))
      report(`entry ${at}`, `records metadata ${key}, which table metadata lacks`);
  }
}

/** The artifact of a target in force, as found on disk, against the signed hash and length. */
export function checkArtifact(where: string, target: AuditTarget, report: ReportProblem): void {
  const { stored } = target;
  if (stored === undefined) return;
  if (stored === null) return report(where, `its artifact sha256/${target.sha256} is missing`);
  if (stored.sha256 !== target.sha256 || stored.length !== target.length)
    report(
      where,
      `its artifact on disk is ${stored.length} bytes with sha256 ${stored.sha256}; signed metadata says ${target.length} bytes with sha256 ${target.sha256}`,
    );
}
