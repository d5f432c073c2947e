/**
 * One immutable view of the repository as agents see it (ADR 0041): the metadata in force, each
 * file parsed once and kept with its bytes, and the index of targets in force. It is read from
 * the timestamp down, the way a client reads it (§5.3-5.6): the timestamp names the snapshot
 * version, the snapshot names the targets and delegated roles' versions, so one view never mixes
 * two commits even when another node commits while it is read.
 */
import { isDelegatedPath, parseEnvelope } from '@patchcast/core';
import type {
  ParsedEnvelope,
  Root,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from '@patchcast/core';
import type { RepositoryVersions } from '@patchcast/protocol';
import type { MetadataRecord, MetadataRole, Store } from '../../storage/store.js';

/** A metadata file as stored and as parsed, once. */
export interface StoredMetadata<T> {
  readonly version: number;
  readonly bytes: Uint8Array;
  readonly envelope: ParsedEnvelope<T>;
}

/** A target in force and the delegated role that lists it (absent: the top-level role). */
export interface TargetInForce {
  readonly path: string;
  readonly info: TargetFile;
  readonly role?: string;
}

export interface RepositoryView {
  readonly root: StoredMetadata<Root>;
  readonly targets: StoredMetadata<Targets>;
  readonly snapshot: StoredMetadata<Snapshot>;
  readonly timestamp: StoredMetadata<Timestamp>;
  /** Each delegated role the top-level targets name that has published metadata, by name. */
  readonly delegated: ReadonlyMap<string, StoredMetadata<Targets>>;
  readonly versions: RepositoryVersions;
  /** Every target in force, top-level first, by target path (see targetsInForce). */
  readonly targetsInForce: ReadonlyMap<string, TargetInForce>;
  /** The bytes of `/tuf/metadata/<file>` for the files of this view. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** The view of the store's newest timestamp, or undefined before the repository is initialized. */
export async function readView(store: Store): Promise<RepositoryView | undefined> {
  const timestamp = await store.latestMetadata('timestamp');
  if (timestamp === undefined) return undefined;
  const ts = parsed('timestamp', timestamp);
  const snapshotVersion = ts.envelope.signed.meta['snapshot.json'].version;
  const snapshot = parsed('snapshot', await exact(store, 'snapshot', snapshotVersion));
  const meta = snapshot.envelope.signed.meta;
  const targets = parsed('targets', await exact(store, 'targets', meta['targets.json']?.version));
  const root = await store.latestMetadata('root');
  if (root === undefined) throw new Error('repository is not initialized');
  const delegated = new Map<string, StoredMetadata<Targets>>();
  for (const role of targets.envelope.signed.delegations?.roles ?? []) {
    const version = meta[`${role.name}.json`]?.version;
    if (version !== undefined)
      delegated.set(
        role.name,
        parsed('targets', await exact(store, `delegated:${role.name}`, version)),
      );
  }
  return viewOf({
    root: parsed('root', root),
    targets,
    snapshot,
    timestamp: ts,
    delegated,
  });
}

type Parts = Omit<RepositoryView, 'versions' | 'targetsInForce' | 'files'>;

function viewOf(parts: Parts): RepositoryView {
  const { root, targets, snapshot, timestamp, delegated } = parts;
  const files = new Map<string, Uint8Array>([
    ['timestamp.json', timestamp.bytes],
    [`${root.version}.root.json`, root.bytes],
    [`${snapshot.version}.snapshot.json`, snapshot.bytes],
    [`${targets.version}.targets.json`, targets.bytes],
  ]);
  for (const [name, role] of delegated) files.set(`${role.version}.${name}.json`, role.bytes);
  const versions = {
    root: root.version,
    targets: targets.version,
    snapshot: snapshot.version,
    timestamp: timestamp.version,
  };
  return { ...parts, versions, targetsInForce: targetsInForce(parts), files };
}

/**
 * All targets in force, top-level and delegated. The server admits only one level of delegations
 * with non-overlapping paths, so this equals what the §5.6.7 search finds for each path: the
 * top-level role first, then the one role whose paths match.
 */
function targetsInForce(parts: Parts): Map<string, TargetInForce> {
  const top = parts.targets.envelope.signed;
  const found = new Map<string, TargetInForce>(
    Object.entries(top.targets).map(([path, info]) => [path, { path, info }]),
  );
  for (const role of top.delegations?.roles ?? []) {
    const targets = parts.delegated.get(role.name)?.envelope.signed.targets ?? {};
    for (const [path, info] of Object.entries(targets))
      if (!found.has(path) && isDelegatedPath(role, path))
        found.set(path, { path, info, role: role.name });
  }
  return found;
}

/** The targets in force as one targets document (the top-level role's, with every target). */
export function allTargets(view: RepositoryView): Targets {
  const targets = [...view.targetsInForce.values()].map((t) => [t.path, t.info] as const);
  return { ...view.targets.envelope.signed, targets: Object.fromEntries(targets) };
}

function parsed<R extends 'root' | 'timestamp' | 'snapshot' | 'targets'>(
  role: R,
  record: MetadataRecord,
) {
  return {
    version: record.version,
    bytes: record.bytes,
    envelope: parseEnvelope(role, record.bytes),
  };
}

/** Version `version` of the metadata stored as `role`: the snapshot or timestamp names it. */
async function exact(
  store: Store,
  role: MetadataRole,
  version: number | undefined,
): Promise<MetadataRecord> {
  const record = version === undefined ? undefined : await store.getMetadata(role, version);
  if (record === undefined)
    throw new Error(`the repository names ${role} version ${version} but does not hold it`);
  return record;
}
