/**
 * The TUF repository as the server keeps it: metadata in the Store, artifacts in the
 * ArtifactStore. The server signs only snapshot and timestamp (online roles); targets metadata
 * arrives signed by publishers, and is admitted only if a threshold of targets keys signed it.
 */
import {
  PatchcastError,
  declaresPostQuantum,
  buildTargets,
  serializeEnvelope,
  signEnvelope,
  verifyThreshold,
} from '@patchcast/core';
import type { Root, Signer, TargetFile, Targets } from '@patchcast/core';
import { targetPathOf } from '@patchcast/protocol';
import type {
  LogEventInput,
  PatchRef,
  PatchesResponse,
  RepositoryVersions,
} from '@patchcast/protocol';
import type { Store, MetadataRecord, PendingLogEntry } from '../../storage/store.js';
import { crashPoint } from '../../crash-point.js';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import type { ServerConfig } from '../../config.js';
import { checkTargetsUpdate, conflict, conflictWith, parseSubmitted } from './targets-policy.js';
import { checkOnlineKeys, signSnapshotAndTimestamp, signTimestamp } from './online-signing.js';
import type { OnlineSigning } from './online-signing.js';
import { admitRoot } from './root-admission.js';
import { genesisRoot } from './genesis.js';
import type { GenesisKeys } from './genesis.js';

export type { GenesisKeys } from './genesis.js';
import type { RootSubmission } from './root-admission.js';
import { admitDelegated } from './delegated-submission.js';
import { delegatedVersions } from './delegated-roles.js';
import { checkRolloutAllowed, installedVersions } from './rollout-guard.js';
import type { RolloutPermission } from './rollout-guard.js';
import { CurrentView } from './current-view.js';
import { allTargets } from './repository-view.js';
import type { RepositoryView } from './repository-view.js';
import { listPatches } from './patch-listing.js';
import { PatchFixes } from '../vulns/patch-fixes.js';
import type { EventLog } from '../log/log-events.js';
import { metadataSigned, pendingEntries, targetsChangeEvents } from '../log/log-events.js';

export interface RepositoryDeps {
  readonly store: Store;
  readonly artifacts: ArtifactStore;
  readonly now: () => Date;
  readonly expiry: ServerConfig['expiry'];
  readonly snapshotSigners: readonly Signer[];
  readonly timestampSigners: readonly Signer[];
  /** Every online key file the server holds now (main.ts: loadOnlineKeys); read at start and
   * before a root is admitted. Without it, only snapshotSigners and timestampSigners sign. */
  readonly onlineKeys?: () => Promise<readonly Signer[]>;
  readonly log: EventLog;
  /** A background check of the view failed (current-view.ts). */
  readonly onError?: (error: unknown) => void;
}

interface Current {
  readonly root: Root;
  readonly targets: Targets;
  readonly versions: RepositoryVersions;
}

function currentOf(view: RepositoryView): Current {
  return {
    root: view.root.envelope.signed,
    targets: view.targets.envelope.signed,
    versions: view.versions,
  };
}

export class RepositoryService {
  readonly #deps: RepositoryDeps;
  readonly #fixes: PatchFixes;
  /** The repository as this node serves it (ADR 0041). */
  readonly view: CurrentView;
  #pool: readonly Signer[];

  constructor(deps: RepositoryDeps) {
    this.#deps = deps;
    this.#pool = [...deps.snapshotSigners, ...deps.timestampSigners];
    this.view = new CurrentView(deps);
    this.#fixes = new PatchFixes(this.view, deps.artifacts);
  }

  async #reloadOnlineKeys(): Promise<readonly Signer[]> {
    const { onlineKeys, snapshotSigners, timestampSigners } = this.#deps;
    const ring = onlineKeys === undefined ? [] : await onlineKeys();
    return (this.#pool = [...snapshotSigners, ...timestampSigners, ...ring]);
  }

  #signing(root: Root): OnlineSigning {
    const { expiry, now } = this.#deps;
    const validity = { snapshot: expiry.snapshotSeconds, timestamp: expiry.timestampSeconds };
    return { root, pool: this.#pool, validity, now: now() };
  }

  /** Creates root, targets, snapshot and timestamp version 1 unless a root exists. */
  async initialize(genesis: () => Promise<GenesisKeys>): Promise<boolean> {
    const { store } = this.#deps;
    const pool = await this.#reloadOnlineKeys();
    if ((await store.latestMetadata('root')) !== undefined) {
      checkOnlineKeys((await this.#load()).root, pool); // refuse to start unable to sign
      return false;
    }
    const keys = await genesis();
    const root = genesisRoot(keys, this.#expires(this.#deps.expiry.rootSeconds));
    const targets = serializeEnvelope(
      signEnvelope(
        buildTargets(1, this.#expires(this.#deps.expiry.targetsSeconds), {}),
        keys.targetsSigners,
      ),
    );
    const records = [
      root.record,
      ...signSnapshotAndTimestamp(this.#signing(root.signed), {
        snapshot: 1,
        timestamp: 1,
        targets: 1,
      }),
    ];
    const all = [...records, { role: 'targets', version: 1, bytes: targets } as const];
    await store.commitMetadata(all, undefined, this.#logged(all));
    await this.view.rebuild();
    await this.#deps.log.sequencePending();
    return true;
  }

  /** The versions this node serves. */
  async versions(): Promise<RepositoryVersions> {
    return (await this.#view(false)).versions;
  }

  /** Every target in force: the top-level role's and each delegated role's (allTargets). */
  async currentTargets(): Promise<Targets> {
    return allTargets(await this.#view(true));
  }

  /**
   * The target in force at `path`, from the view in memory; a path it lacks is looked up again
   * after checking the store, so a patch another node just published is found.
   */
  async target(path: string): Promise<TargetFile | undefined> {
    const found = (await this.#view(false)).targetsInForce.get(path);
    return (found ?? (await this.#view(true)).targetsInForce.get(path))?.info;
  }

  /**
   * Throws unless a rollout of `patch` may start: published, not withdrawn, and not below a
   * targeted device's installed version unless allowed (rollout-guard.ts). Returns its target path.
   */
  async assertRolloutAllowed(patch: PatchRef, permission: RolloutPermission): Promise<string> {
    const info = (await this.#view(true)).targetsInForce.get(targetPathOf(patch))?.info;
    const installed = () => installedVersions(this.#deps.store, patch.name);
    return checkRolloutAllowed(patch, info, installed, permission);
  }

  /** Every patch in force, in every targets role, with its versions' state and fixes. */
  async patches(): Promise<PatchesResponse> {
    const found = (await this.#view(false)).targetsInForce.values();
    return listPatches([...found], { store: this.#deps.store, fixes: this.#fixes });
  }

  /**
   * Admits targets metadata version N+1 signed by publishers; re-signs snapshot and timestamp.
   * Resolves once the new targets and the metadata are in the transparency log.
   */
  async submitTargets(metadata: unknown, by: string, role?: string): Promise<RepositoryVersions> {
    if (role !== undefined) return this.#submitDelegated(metadata, role, by);
    const bytes = new TextEncoder().encode(JSON.stringify(metadata));
    const envelope = parseSubmitted(bytes);
    const current = await this.#load();
    try {
      verifyThreshold(envelope, current.root, 'targets');
    } catch (error) {
      throw new PatchcastError('METADATA_INVALID', (error as Error).message, {
        hint: 'sign with a targets key listed in the current root (patchcast publish --key FILE)',
      });
    }
    await checkTargetsUpdate(current.targets, envelope.signed, this.#deps, {
      top: current.targets,
      requirePq: declaresPostQuantum(current.root),
    });
    const { snapshot, timestamp } = current.versions;
    const records: MetadataRecord[] = [
      { role: 'targets', version: envelope.signed.version, bytes },
      ...signSnapshotAndTimestamp(this.#signing(current.root), {
        snapshot: snapshot + 1,
        timestamp: timestamp + 1,
        targets: envelope.signed.version,
        delegated: await delegatedVersions(this.#deps.store, envelope.signed),
      }),
    ];
    const at = this.#deps.now().toISOString();
    await this.#commit(records, current, {
      events: targetsChangeEvents(current.targets, envelope.signed, { by, at }),
    });
    return this.versions();
  }

  /** Admits delegated role `role`'s targets N+1 (delegated-submission.ts); re-signs snapshot. */
  async #submitDelegated(metadata: unknown, role: string, by: string): Promise<RepositoryVersions> {
    const view = await this.#view(true);
    const current = currentOf(view);
    const admitted = await admitDelegated(metadata, role, current.targets, this.#deps);
    const delegated = delegatedOf(view);
    const { snapshot, timestamp } = current.versions;
    const records: MetadataRecord[] = [
      admitted.record,
      ...signSnapshotAndTimestamp(this.#signing(current.root), {
        snapshot: snapshot + 1,
        timestamp: timestamp + 1,
        targets: current.targets.version,
        delegated: { ...delegated, [role]: admitted.record.version },
      }),
    ];
    const at = this.#deps.now().toISOString();
    await this.#commit(records, current, {
      events: targetsChangeEvents(admitted.current, admitted.next, { by, at, role }),
    });
    return this.versions();
  }

  /**
   * Commits atomically with its log entries unless targets or snapshot moved meanwhile (CONFLICT:
   * publish again); resolves once the entries are in the log, so that agents accept the
   * publications (`events`) when the publisher hears of success.
   */
  async #commit(
    records: readonly MetadataRecord[],
    current: Current,
    options: { readonly events: readonly LogEventInput[]; readonly conflict?: () => Error },
  ): Promise<void> {
    const { store } = this.#deps;
    const conflictError = options.conflict ?? (() => conflict(current.targets.version));
    const logged = this.#logged(records, options.events);
    let ok: boolean;
    try {
      ok = await store.commitMetadata(records, current.targets.version, logged);
    } catch (error) {
      // a concurrent publish or ceremony stored the same snapshot version first (primary key)
      const latest = await store.latestMetadata('snapshot');
      if (latest?.version === current.versions.snapshot) throw error;
      ok = false;
    }
    await this.view.rebuild();
    if (!ok) throw conflictError();
    if (options.events.length > 0) crashPoint('publication-stored');
    await this.#deps.log.sequencePending({ witnessed: options.events.length > 0 });
  }

  /**
   * Admits root N+1 (root-admission.ts lists the checks), optionally with targets N+1 re-signed
   * by the new root's targets keys; signs snapshot and timestamp N+1 with the new root's online
   * keys and commits everything at once.
   */
  async submitRoot(submission: RootSubmission): Promise<RepositoryVersions> {
    const view = await this.#view(true);
    const current = currentOf(view);
    const pool = await this.#reloadOnlineKeys();
    const targetsBytes = view.targets.bytes;
    const admitted = await admitRoot(submission, { ...current, targetsBytes, pool }, this.#deps);
    const { snapshot, timestamp } = current.versions;
    const records: MetadataRecord[] = [
      ...admitted.records,
      ...signSnapshotAndTimestamp(this.#signing(admitted.root), {
        snapshot: snapshot + 1,
        timestamp: timestamp + 1,
        targets: admitted.targetsVersion,
        delegated: delegatedOf(view),
      }),
    ];
    const at = this.#deps.now().toISOString();
    await this.#commit(records, current, {
      events: admitted.publications(at),
      conflict: () =>
        conflictWith('the repository changed while the root was being admitted', 'root publish'),
    });
    return this.versions();
  }

  /** Re-signs snapshot and/or timestamp when less than half of their validity is left. */
  async refreshExpiring(): Promise<boolean> {
    const { store, expiry } = this.#deps;
    const view = await this.#view(true);
    const { snapshot, timestamp } = view;
    const snapshotDue = this.#isDue(snapshot.envelope.signed.expires, expiry.snapshotSeconds);
    const timestampDue =
      snapshotDue || this.#isDue(timestamp.envelope.signed.expires, expiry.timestampSeconds);
    if (!timestampDue) return false;
    const signing = this.#signing(view.root.envelope.signed);
    const { targets } = view.versions;
    const records = snapshotDue
      ? signSnapshotAndTimestamp(signing, {
          snapshot: snapshot.version + 1,
          timestamp: timestamp.version + 1,
          targets,
          delegated: delegatedOf(view),
        })
      : [signTimestamp(signing, timestamp.version + 1, snapshot.version, snapshot.bytes)];
    const ok = await store.commitMetadata(records, targets, this.#logged(records));
    await this.view.rebuild();
    if (ok) await this.#deps.log.sequencePending();
    return ok;
  }

  /**
   * The log entries of a metadata commit, written in its transaction (ADR 0033): `before`
   * (publications, withdrawals), then one metadata-signed event per record.
   */
  #logged(
    records: readonly MetadataRecord[],
    before: readonly LogEventInput[] = [],
  ): PendingLogEntry[] {
    const at = this.#deps.now().toISOString();
    return pendingEntries([...before, ...records.map((r) => metadataSigned(r, at))]);
  }

  #isDue(expires: string, validity: number): boolean {
    return Date.parse(expires) - this.#deps.now().getTime() < (validity * 1000) / 2;
  }

  #expires(seconds: number): Date {
    return new Date(this.#deps.now().getTime() + seconds * 1000);
  }

  /** The view this node serves; `fresh`: checked against the store first (current-view.ts). */
  async #view(fresh: boolean): Promise<RepositoryView> {
    const view = await (fresh ? this.view.fresh() : this.view.get());
    if (view === undefined) throw new Error('repository is not initialized');
    return view;
  }

  async #load(): Promise<Current> {
    return currentOf(await this.#view(true));
  }
}

/** The version of each delegated role in force, as the snapshot lists them. */
function delegatedOf(view: RepositoryView): Record<string, number> {
  return Object.fromEntries([...view.delegated].map(([name, role]) => [name, role.version]));
}
