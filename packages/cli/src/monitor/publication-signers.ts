/**
 * Who signed a publication: the keys whose signatures verify on the targets metadata that lists
 * its target path, found as a TUF client finds it (timestamp -> snapshot -> targets -> the
 * delegated role whose paths match, spec §5.4-§5.6.7). Nothing served is trusted: each key's id
 * is recomputed from the key (spec §4.2), so a server cannot lend an allowed id to another key.
 */
import {
  PatchcastError,
  isDelegatedPath,
  keyIdOf,
  parseEnvelope,
  verifySignature,
} from '@patchcast/core';
import type { ParsedEnvelope, Root, Snapshot, Targets, TufKey } from '@patchcast/core';

export interface PublicationSigners {
  /** `targets`, or the delegated role that lists the target. */
  readonly role: string;
  readonly keyids: readonly string[];
}

/** Reads one metadata file (`/tuf/metadata/<file>`); undefined when the server has none. */
export type MetadataReader = (file: string) => Promise<Uint8Array | undefined>;

const MAX_ROOTS = 1000;

/** The repository as it stands now, read once per monitor pass and asked per publication. */
export class RepositoryView {
  readonly #read: MetadataReader;
  #loaded:
    Promise<{ root: Root; snapshot: Snapshot; targets: ParsedEnvelope<Targets> }> | undefined;

  constructor(read: MetadataReader) {
    this.#read = read;
  }

  async signersOf(targetPath: string): Promise<PublicationSigners | undefined> {
    this.#loaded ??= this.#load();
    const { root, snapshot, targets } = await this.#loaded;
    if (Object.hasOwn(targets.signed.targets, targetPath)) {
      return { role: 'targets', keyids: validSigners(targets, root.keys) };
    }
    const delegations = targets.signed.delegations;
    for (const role of delegations?.roles ?? []) {
      if (delegations === undefined || !isDelegatedPath(role, targetPath)) continue;
      const version = snapshot.meta[`${role.name}.json`]?.version;
      if (version === undefined) continue;
      const bytes = await this.#need(`${version}.${encodeURIComponent(role.name)}.json`);
      const envelope = parseEnvelope('targets', bytes);
      if (Object.hasOwn(envelope.signed.targets, targetPath)) {
        return { role: role.name, keyids: validSigners(envelope, delegations.keys) };
      }
    }
    return undefined;
  }

  async #load() {
    const timestamp = parseEnvelope('timestamp', await this.#need('timestamp.json')).signed;
    const snapshotFile = `${timestamp.meta['snapshot.json'].version}.snapshot.json`;
    const snapshot = parseEnvelope('snapshot', await this.#need(snapshotFile)).signed;
    const targetsVersion = snapshot.meta['targets.json']?.version ?? 1;
    const targets = parseEnvelope('targets', await this.#need(`${targetsVersion}.targets.json`));
    return { root: await this.#latestRoot(), snapshot, targets };
  }

  /** The newest root: 1.root.json, 2.root.json, ... until the server has no next one. */
  async #latestRoot(): Promise<Root> {
    let root = parseEnvelope('root', await this.#need('1.root.json')).signed;
    for (let version = 2; version <= MAX_ROOTS; version += 1) {
      const bytes = await this.#read(`${version}.root.json`);
      if (bytes === undefined) break;
      root = parseEnvelope('root', bytes).signed;
    }
    return root;
  }

  async #need(file: string): Promise<Uint8Array> {
    const bytes = await this.#read(file);
    if (bytes === undefined) throw new PatchcastError('NOT_FOUND', `the server has no ${file}`);
    return bytes;
  }
}

/** The ids of the keys (their ids recomputed) whose signature on the envelope verifies. */
function validSigners(
  envelope: ParsedEnvelope<unknown>,
  keys: Readonly<Record<string, TufKey>>,
): string[] {
  const ids = new Set<string>();
  for (const { keyid, sig } of envelope.signatures) {
    const key = Object.hasOwn(keys, keyid) ? keys[keyid] : undefined;
    if (key === undefined || keyIdOf(key) !== keyid) continue;
    if (verifySignature(key, sig, envelope.signedBytes)) ids.add(keyid);
  }
  return [...ids].sort();
}
