/**
 * What published patches fix: the `fixes` of each bundle manifest (docs/protocol/bundle.md),
 * found through the current targets metadata. A bundle is read once per content hash.
 */
import { readBundle } from '@patchcast/protocol';
import type { BundleFix } from '@patchcast/protocol';
import { splitEcosystem } from '@patchcast/core';
import type { VulnFinding } from '@patchcast/core';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import type { MetadataRole, Store } from '../../storage/store.js';

export interface PatchFix extends BundleFix {
  /** `name@version` of the patch. */
  readonly patch: string;
  /** Its publisher withdrew it (ADR 0017): never recommended. */
  readonly withdrawn?: true;
}

interface TargetRef {
  readonly patch: string;
  readonly sha256: string;
  readonly withdrawn?: true;
}

interface TargetsDoc {
  readonly signed?: {
    readonly targets?: Record<string, unknown>;
    readonly delegations?: { readonly roles?: readonly { readonly name?: unknown }[] };
  };
}

/** Delegated roles are followed this deep (TUF's own clients stop at 32 roles visited). */
const MAX_DELEGATED_ROLES = 32;

function parseTargets(bytes: Uint8Array): TargetsDoc {
  return JSON.parse(new TextDecoder().decode(bytes)) as TargetsDoc;
}

function delegatedNames(doc: TargetsDoc): string[] {
  return (doc.signed?.delegations?.roles ?? []).flatMap((r) =>
    typeof r.name === 'string' ? [r.name] : [],
  );
}

function targetRefs(doc: TargetsDoc): TargetRef[] {
  return Object.values(doc.signed?.targets ?? {}).flatMap((value) => {
    const t = value as {
      hashes?: { sha256?: unknown };
      custom?: { patchcast?: { name?: unknown; version?: unknown; withdrawn?: unknown } };
    };
    const { name, version, withdrawn } = t.custom?.patchcast ?? {};
    const sha256 = t.hashes?.sha256;
    if (typeof name !== 'string' || typeof version !== 'string' || typeof sha256 !== 'string')
      return [];
    const ref = { patch: `${name}@${version}`, sha256 };
    return [withdrawn === undefined ? ref : { ...ref, withdrawn: true as const }];
  });
}

async function readAll(artifacts: ArtifactStore, sha256: string): Promise<Uint8Array | undefined> {
  const opened = await artifacts.open(sha256);
  if (opened === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class PatchFixes {
  readonly #store: Store;
  readonly #artifacts: ArtifactStore;
  readonly #bySha = new Map<string, readonly BundleFix[]>();

  constructor(store: Store, artifacts: ArtifactStore) {
    this.#store = store;
    this.#artifacts = artifacts;
  }

  /** Every fix declared by a currently published patch, top-level or delegated. */
  async all(): Promise<PatchFix[]> {
    const out: PatchFix[] = [];
    for (const ref of await this.#refs()) {
      for (const fix of await this.fixesOf(ref.sha256))
        out.push({
          ...fix,
          patch: ref.patch,
          ...(ref.withdrawn ? { withdrawn: ref.withdrawn } : {}),
        });
    }
    return out;
  }

  /** Targets of the top-level role and of the roles it delegates to, breadth first. */
  async #refs(): Promise<TargetRef[]> {
    const refs: TargetRef[] = [];
    const queue: MetadataRole[] = ['targets'];
    const seen = new Set<string>(queue);
    for (let role = queue.shift(); role !== undefined; role = queue.shift()) {
      const record = await this.#store.latestMetadata(role);
      if (record === undefined) continue;
      const doc = parseTargets(record.bytes);
      refs.push(...targetRefs(doc));
      for (const name of delegatedNames(doc)) {
        const next: MetadataRole = `delegated:${name}`;
        if (seen.has(next) || seen.size > MAX_DELEGATED_ROLES) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return refs;
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
