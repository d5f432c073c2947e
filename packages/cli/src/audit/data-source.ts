/** `--data DIR`: the server's SQLite database, opened read-only (ADR 0002, ADR 0006). */
import { parseEnvelope } from '@patchcast/core';
import type { AuditData } from '@patchcast/server';
import type { AuditAssignment, AuditRecords, AuditSource } from './audit-source.js';

export async function dataSource(dataDir: string): Promise<AuditSource> {
  const { openAuditData } = await import('@patchcast/server');
  const data = await openAuditData(dataDir);
  return {
    name: dataDir,
    announcedKey: () => Promise.resolve(data.verifierKey),
    checkpoints: () => Promise.resolve(data.checkpoints().map((c) => c.note)),
    storedSize: () => data.logSize(),
    entries: async (start, end) =>
      (await data.logEntries(start, end)).map((e) => ({
        index: e.index,
        leaf: e.leaf,
        storedHash: e.hash,
      })),
    records: () => Promise.resolve(recordsOf(data)),
    close: () => Promise.resolve(data.close()),
  };
}

function recordsOf(data: AuditData): AuditRecords {
  const bytes = data.latestTargets();
  const targets = bytes === undefined ? {} : parseEnvelope('targets', bytes).signed.targets;
  const byRollout = new Map<string, AuditAssignment[]>();
  for (const a of data.assignments()) {
    const list = byRollout.get(a.rolloutId) ?? [];
    list.push({ deviceId: a.deviceId, state: a.state, errorCode: a.error?.code ?? null });
    byRollout.set(a.rolloutId, list);
  }
  return {
    targets: Object.entries(targets).map(([path, info]) => ({
      path,
      sha256: info.hashes.sha256,
      length: info.length,
    })),
    rollouts: data.rollouts().map((r) => ({
      id: r.id,
      patch: r.patch,
      createdBy: r.createdBy,
      state: r.state,
      targetPath: r.targetPath,
      selector: r.selector,
      assignments: byRollout.get(r.id) ?? [],
    })),
    devices: data.devices().map((d) => ({ id: d.id, publicKey: d.publicKey })),
  };
}
