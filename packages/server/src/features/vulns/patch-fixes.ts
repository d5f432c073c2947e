/**
 * What published patches fix: the `fixes` of each bundle manifest (docs/protocol/bundle.md),
 * found through the current targets metadata. A bundle is read once per content hash.
 */
import { readBundle } from '@patchcast/protocol';
import type { BundleFix } from '@patchcast/protocol';
import { splitEcosystem } from '@patchcast/core';
import type { TargetFile, VulnFinding } from '@patchcast/core';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import type { RepositoryView } from '../repository/repository-view.js';

/** Where the targets in force are read: the repository's view (current-view.ts). */
export interface TargetsSource {
  get(): Promise<Pick<RepositoryView, 'targetsInForce'> | undefined>;
}

export interface PatchFix extends BundleFix {
  /** `name@version` of the patch. */
  readonly patch: string;
  /** Its publisher withdrew it (ADR 0017): never recommended. */
  readonly withdrawn?: true;
}

/** `name@version` from the target's signed `custom.patchcast`, and whether it is withdrawn. */
function patchOf(info: TargetFile): Pick<PatchFix, 'patch' | 'withdrawn'> | undefined {
  const custom = info.custom?.patchcast as
    { name?: unknown; version?: unknown; withdrawn?: unknown } | null | undefined;
  const { name, version, withdrawn } = custom ?? {};
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  const patch = `${name}@${version}`;
  return withdrawn === undefined ? { patch } : { patch, withdrawn: true };
}

async function readAll(artifacts: ArtifactStore, sha256: string): Promise<Uint8Array | undefined> {
  const opened = await artifacts.open(sha256);
  if (opened === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class PatchFixes {
  readonly #view: TargetsSource;
  readonly #artifacts: ArtifactStore;
  readonly #bySha = new Map<string, readonly BundleFix[]>();

  constructor(view: TargetsSource, artifacts: ArtifactStore) {
    this.#view = view;
    this.#artifacts = artifacts;
  }

  /** Every fix declared by a patch in force, top-level or delegated (the repository's view). */
  async all(): Promise<PatchFix[]> {
    const out: PatchFix[] = [];
    for (const { info } of (await this.#view.get())?.targetsInForce.values() ?? []) {
      const patch = patchOf(info);
      if (patch !== undefined)
        for (const fix of await this.fixesOf(info.hashes.sha256)) out.push({ ...fix, ...patch });
    }
    return out;
  }

  /** The `fixes` of the bundle with this hash (read once; none if it is not a bundle). */
  async fixesOf(sha256: string): Promise<readonly BundleFix[]> {
    const cached = this.#bySha.get(sha256);
    if (cached !== undefined) return cached;
    const bytes = await readAll(this.#artifacts, sha256);
    let fixes: readonly BundleFix[] = [];
    try {
      fixes = bytes === undefined ? [] : (readBundle(bytes).manifest.fixes ?? []);
    } catch {
      fixes = []; // not a Patchcast bundle: it declares nothing
    }
    this.#bySha.set(sha256, fixes);
    return fixes;
  }
}

/** Does this fix close this finding? By advisory id, alias or CVE, or by package. */
export function fixCloses(fix: BundleFix, finding: VulnFinding): boolean {
  const ids = new Set([finding.advisoryId, ...finding.aliases, ...finding.cves]);
  if (fix.advisories.some((id) => ids.has(id))) return true;
  return (
    fix.package === finding.package &&
    splitEcosystem(fix.ecosystem).base === splitEcosystem(finding.ecosystem).base
  );
}

/** The published patches whose declared fixes close this finding, sorted. */
export function patchesFor(fixes: readonly PatchFix[], finding: VulnFinding): string[] {
  return [...new Set(fixes.filter((f) => fixCloses(f, finding)).map((f) => f.patch))].sort();
}
