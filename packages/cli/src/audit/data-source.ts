/**
 * `--data DIR [--db URL]`: the server's own database, opened read-only (ADR 0002, ADR 0006), and
 * its artifacts on disk: everything the log must describe, including the entries still pending.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '@patchcast/core';
import type { AuditData } from '@patchcast/server';
import type { AuditAssignment, AuditRecords, AuditSource, AuditTarget } from './audit-source.js';
import { announcingTransitions } from './key-rotations.js';
import { targetsInForce } from './targets-in-force.js';

export interface DataSourceOptions {
  readonly dataDir: string;
  /** A PostgreSQL URL; else the SQLite database in the data folder. */
  readonly db?: string | undefined;
  /** Where the artifacts are (default `<dataDir>/artifacts`, as the server's). */
  readonly artifactsDir?: string | undefined;
}

export async function dataSource(options: DataSourceOptions): Promise<AuditSource> {
  const { openAuditData } = await import('@patchcast/server');
  const data = await openAuditData(options);
  const notes = async () => (await data.checkpoints()).map((c) => c.note);
  const artifacts = options.artifactsDir ?? join(options.dataDir, 'artifacts');
  return {
    name: options.db === undefined ? options.dataDir : `${options.dataDir} (database ${data.db})`,
    announcedKey: () => Promise.resolve(data.verifierKey),
    keyTransitions: async () => announcingTransitions(await notes()),
    checkpoints: notes,
    storedSize: () => data.logSize(),
    entries: async (start, end) =>
      (await data.logEntries(start, end)).map((e) => ({
        index: e.index,
        leaf: e.leaf,
        storedHash: e.hash,
      })),
    pending: async () => (await data.pendingEntries()).map((p) => p.leaf),
    records: () => recordsOf(data, artifacts),
    close: () => data.close(),
  };
}

/** Targets are those in force: the newest top-level targets and each delegated role's newest. */
async function recordsOf(data: AuditData, artifactsDir: string): Promise<AuditRecords> {
  const metadata = await data.metadata();
  const newest = new Map(metadata.map((m) => [m.role, m.bytes])); // ordered by version
  const targets = await targetsInForce(newest.get('targets'), (name) =>
    Promise.resolve(newest.get(`delegated:${name}`)),
  );
  const decisions = await data.decisions();
  const byRollout = new Map<string, AuditAssignment[]>();
  for (const a of await data.assignments()) {
    const list = byRollout.get(a.rolloutId) ?? [];
    list.push({
      deviceId: a.deviceId,
      state: a.state,
      errorCode: a.error?.code ?? null,
      errorMessage: a.error?.message,
    });
    byRollout.set(a.rolloutId, list);
  }
  return {
    targets: await Promise.all(targets.map((t) => withArtifact(t, artifactsDir))),
    metadata: metadata.map((m) => ({
      role: m.role,
      version: m.version,
      sha256: sha256Hex(m.bytes),
    })),
    rollouts: (await data.rollouts()).map((r) => ({
      id: r.id,
      patch: r.patch,
      createdBy: r.createdBy,
      state: r.state,
      targetPath: r.targetPath,
      selector: r.selector,
      allowDowngrade: r.allowDowngrade === true,
      assignments: byRollout.get(r.id) ?? [],
      decisions: decisions.get(r.id) ?? [],
      completedAt: r.completedAt,
    })),
    devices: (await data.devices()).map((d) => ({
      id: d.id,
      publicKey: d.publicKey,
      name: d.name,
      labels: d.labels,
    })),
  };
}

/** The target with its artifact as found on disk (`<dir>/sha256/<hex>`), hashed. */
async function withArtifact(target: AuditTarget, dir: string): Promise<AuditTarget> {
  if (!/^[0-9a-f]{64}$/.test(target.sha256)) return { ...target, stored: null };
  const hash = createHash('sha256');
  let length = 0;
  try {
    for await (const chunk of createReadStream(join(dir, 'sha256', target.sha256))) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      length += bytes.length;
    }
  } catch {
    return { ...target, stored: null };
  }
  return { ...target, stored: { sha256: hash.digest('hex'), length } };
}
