/**
 * What the server checks before it publishes a new root (docs/protocol/repository.md, "Root
 * ceremonies"). Nothing changes unless every check passes:
 *   1. it parses as root metadata (METADATA_INVALID);
 *   2. it is version N+1, signed by a threshold and post-quantum threshold of root N's root keys
 *      and of its own, not expired, every role satisfiable (checkRootSuccessor: ROOT_*);
 *   3. the server holds enough of the snapshot and timestamp keys it names
 *      (ROOT_ONLINE_KEYS_MISSING);
 *   4. the targets metadata in force verifies under it, or the submission carries targets N+1
 *      re-signed by its targets keys and changing nothing published (ROOT_TARGETS_UNSIGNED,
 *      METADATA_INVALID, CONFLICT).
 * Once all pass, the online keys this node signs with under root N+1 are recorded as the key set
 * every node must hold (keys/keyset.ts, KEYSET_MISMATCH), keyed by the root's bytes so that a
 * root that is then not committed blocks nothing.
 */
import {
  PatchcastError,
  checkRootSuccessor,
  parseEnvelope,
  verifyThreshold,
} from '@patchcast/core';
import type { ParsedEnvelope, Root, RoleName, Signer, Targets } from '@patchcast/core';
import type { LogEventInput } from '@patchcast/protocol';
import type { MetadataRecord, Store } from '../../storage/store.js';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { checkOnlineKeys } from './online-signing.js';
import { checkTargetsUpdate } from './targets-policy.js';
import { targetsChangeEvents } from '../log/log-events.js';
import { recordAdmittedKeyset } from '../../keys/keyset.js';

export interface RootSubmission {
  readonly root: unknown;
  readonly targets?: unknown;
  readonly by: string;
}

export interface RootContext {
  readonly root: Root;
  readonly targets: Targets;
  readonly targetsBytes: Uint8Array;
  readonly pool: readonly Signer[];
}

export interface AdmissionDeps {
  readonly store: Store;
  readonly artifacts: ArtifactStore;
  readonly now: () => Date;
}

export interface AdmittedRoot {
  readonly root: Root;
  /** The new root and, when re-signed, the new targets. */
  readonly records: readonly MetadataRecord[];
  readonly targetsVersion: number;
  readonly publications: (at: string) => LogEventInput[];
}

export async function admitRoot(
  submission: RootSubmission,
  current: RootContext,
  deps: AdmissionDeps,
): Promise<AdmittedRoot> {
  const rootBytes = jsonBytes(submission.root);
  const next = parseSubmitted('root', rootBytes);
  checkRootSuccessor(current.root, next, deps.now());
  checkOnlineKeys(next.signed, current.pool);
  const rootRecord = { role: 'root', version: next.signed.version, bytes: rootBytes } as const;
  if (submission.targets === undefined) {
    requireTargetsSigned(parseEnvelope('targets', current.targetsBytes), next.signed);
    await recordAdmittedKeyset(deps.store, { root: next.signed, bytes: rootBytes }, current.pool);
    return {
      root: next.signed,
      records: [rootRecord],
      targetsVersion: current.targets.version,
      publications: () => [],
    };
  }
  const targetsBytes = jsonBytes(submission.targets);
  const targets = parseSubmitted('targets', targetsBytes);
  try {
    verifyThreshold(targets, next.signed, 'targets');
  } catch (error) {
    throw new PatchcastError('METADATA_INVALID', (error as Error).message, {
      hint: "re-sign targets with the new root's targets key (patchcast root publish --targets-key FILE)",
    });
  }
  await checkTargetsUpdate(current.targets, targets.signed, deps);
  await recordAdmittedKeyset(deps.store, { root: next.signed, bytes: rootBytes }, current.pool);
  const version = targets.signed.version;
  return {
    root: next.signed,
    records: [rootRecord, { role: 'targets', version, bytes: targetsBytes }],
    targetsVersion: version,
    publications: (at) =>
      targetsChangeEvents(current.targets, targets.signed, { by: submission.by, at }),
  };
}

function requireTargetsSigned(targets: ParsedEnvelope<Targets>, root: Root): void {
  try {
    verifyThreshold(targets, root, 'targets');
  } catch (error) {
    throw new PatchcastError(
      'ROOT_TARGETS_UNSIGNED',
      `targets v${targets.signed.version} would not verify under root v${root.version}: ${(error as Error).message}`,
      {
        hint: 'the new root changes the targets keys: publish it with --targets-key NEW.key to re-sign targets',
      },
    );
  }
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function parseSubmitted<R extends RoleName>(role: R, bytes: Uint8Array) {
  try {
    return parseEnvelope(role, bytes);
  } catch (error) {
    throw new PatchcastError(
      'METADATA_INVALID',
      `${role} metadata is malformed: ${(error as Error).message}`,
    );
  }
}
