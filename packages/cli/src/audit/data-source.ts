/** `--data DIR`: the server's SQLite database, opened read-only (ADR 0002, ADR 0006). */
import type { AuditData } from '@patchcast/server';
import type { AuditAssignment, AuditRecords, AuditSource } from './audit-source.js';
import { announcingTransitions } from './key-rotations.js';
import { targetsInForce } from './targets-in-force.js';

export async function dataSource(dataDir: string): Promise<AuditSource> {
  const { openAuditData } = await import('@patchcast/server');
  const data = await openAuditData(dataDir);
  return {
    name: dataDir,
    announcedKey: () => Promise.resolve(data.verifierKey),
    keyTransitions: () =>
      Promise.resolve(announcingTransitions(data.checkpoints().map((c) => c.note))),
    checkpoints: () => Promise.resolve(data.checkpoints().map((c) => c.note)),
    storedSize: () => data.logSize(),
    entries: async (start, end) =>
      (await data.logEntries(start, end)).map((e) => ({
        index: e.index,
        leaf: e.leaf,
        storedHash: e.hash,
      })),
    records: () => recordsOf(data),
    close: () => Promise.resolve(data.close()),
  };
}

/** Targets are those in force: the newest top-level targets and each delegated role's newest. */
async function recordsOf(data: AuditData): Promise<AuditRecords> {
  const targets = await targetsInForce(data.latestTargets(), (name) =>
    Promise.resolve(data.latestDelegated(name)),
  );
  const byRollout = new Map<string, AuditAssignment[]>();
  for (const a of data.assignments()) {
    const list = byRollout.get(a.rolloutId) ?? [];
    list.push({ deviceId: a.deviceId, state: a.state, errorCode: a.error?.code ?? null });
    byRollout.set(a.rolloutId, list);
  }
  return {
    targets,
    rollouts: data.rollouts().map((r) => ({
      id: r.id,
      patch: r.patch,
      createdBy: r.createdBy,
      state: r.state,
      targetPath: r.targetPath,
      selector: r.selector,
      allowDowngrade: r.allowDowngrade === true,
      assignments: byRollout.get(r.id) ?? [],
    })),
    devices: data.devices().map((d) => ({ id: d.id, publicKey: d.publicKey })),
  };
}
