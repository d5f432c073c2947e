/** A transparency log in memory, served through the agent's LogOps port (fakes over mocks). */
import {
  MerkleTree,
  addSignatures,
  formatTlogProof,
  generateNoteKeys,
  parseNote,
  parseSignerKey,
  sha256Hex,
  signCheckpoint,
} from '@patchcast/core';
import type { Cosigner, Ed25519NoteSigner, TargetFile } from '@patchcast/core';
import { encodeLogEntry, targetPathOf } from '@patchcast/protocol';
import type { LogEventInput, PatchRef, PublicationProofResponse } from '@patchcast/protocol';
import type { LogOps } from '../../src/log/log-ops.js';

export const AT = '2026-01-01T00:00:00.000Z';

export function target(content: string): TargetFile {
  const bytes = new TextEncoder().encode(content);
  return { length: bytes.length, hashes: { sha256: sha256Hex(bytes) } };
}

export function published(ref: PatchRef, file: TargetFile): LogEventInput {
  return {
    type: 'patch-published',
    at: AT,
    ...ref,
    targetPath: targetPathOf(ref),
    sha256: file.hashes.sha256,
    length: file.length,
    targetsVersion: 2,
    by: 'publisher',
  };
}

export function filler(n: number): LogEventInput {
  return { type: 'operator-action', at: AT, by: 'op', action: 'test', target: `t${n}` };
}

export class FakeLog implements LogOps {
  readonly signer: Ed25519NoteSigner;
  tree = new MerkleTree();
  entries: Uint8Array[] = [];
  keyRequests = 0;
  /** Witnesses whose cosignatures the served checkpoints carry. */
  cosigners: Cosigner[] = [];

  constructor(signer = parseSignerKey(generateNoteKeys('patchcast/fake').signerKey)) {
    this.signer = signer;
  }

  get verifierKeyText(): string {
    return this.signer.verifierKey;
  }

  add(...events: readonly LogEventInput[]): this {
    for (const event of events) this.addRaw(encodeLogEntry(event));
    return this;
  }

  addRaw(entry: Uint8Array): this {
    this.entries.push(entry);
    this.tree.append(entry);
    return this;
  }

  /** The tlog-proof of entry `index` against a checkpoint of the whole tree. */
  proofOf(index: number, entry = this.entries[index] as Uint8Array): PublicationProofResponse {
    const size = this.tree.size;
    const signed = signCheckpoint(
      { origin: this.signer.name, size, rootHash: this.tree.root(), extensions: [] },
      [this.signer],
    );
    const text = parseNote(signed).text;
    const checkpoint = addSignatures(
      signed,
      this.cosigners.map((c) => c.cosign(text, 1_800_000_000)),
    );
    const hashes = this.tree.inclusionProof(index, size);
    return {
      entry: Buffer.from(entry).toString('base64'),
      proof: formatTlogProof({ index, hashes, checkpoint }),
    };
  }

  publication(ref: PatchRef): Promise<PublicationProofResponse | null> {
    const wanted = `"name":"${ref.name}"`;
    const index = this.entries.findIndex((e) => {
      const text = new TextDecoder().decode(e);
      return text.includes('"type":"patch-published"') && text.includes(wanted);
    });
    return Promise.resolve(index < 0 ? null : this.proofOf(index));
  }

  consistency(from: number, to: number): Promise<Uint8Array[]> {
    return Promise.resolve(this.tree.consistencyProof(from, to));
  }

  verifierKey(): Promise<string> {
    this.keyRequests += 1;
    return Promise.resolve(this.verifierKeyText);
  }
}
