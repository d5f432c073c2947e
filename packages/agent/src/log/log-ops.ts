/** The agent's HTTP access to the server's transparency log: bounded reads, parsed once. */
import { SecurityError } from '@patchcast/core/base';
import {
  consistencyProofGuard,
  keyTransitionsGuard,
  publicationProofGuard,
} from '@patchcast/protocol/agent';
import type { PatchRef, PublicationProofResponse, guards } from '@patchcast/protocol/agent';
import { fetchBounded } from '../http-fetch.js';

/** I/O for the log checks, kept apart from the verification steps. */
export interface LogOps {
  /** The publication entry of `ref` with its tlog-proof, or null when the log has none. */
  publication(ref: PatchRef): Promise<PublicationProofResponse | null>;
  /** RFC 9162 §2.1.4.1 consistency proof hashes from `from` to `to` leaves. */
  consistency(from: number, to: number): Promise<Uint8Array[]>;
  /** The verifier key the server announces (trusted on first use only). */
  verifierKey(): Promise<string>;
  /** The log's key transition checkpoints, smallest first (ADR 0028); absent offline. */
  keyTransitions?(): Promise<string[]>;
}

const LIMITS = { proof: 512 * 1024, consistency: 64 * 1024, key: 4096, transitions: 1024 * 1024 };

export function httpLogOps(server: string): LogOps {
  return {
    async publication(ref) {
      const path = `/log/proof/patch/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
      const result = await fetchBounded(`${server}${path}`, LIMITS.proof);
      return result === null ? null : parseJson(result.bytes, publicationProofGuard);
    },
    async consistency(from, to) {
      const url = `${server}/log/proof/consistency/${from}/${to}`;
      const result = await fetchBounded(url, LIMITS.consistency);
      if (result === null) {
        throw new SecurityError(
          'SECURITY_PROOF_INVALID',
          `the log cannot prove that its tree of ${to} entries extends the one of ${from}`,
        );
      }
      const { hashes } = parseJson(result.bytes, consistencyProofGuard);
      return hashes.map((hash) => new Uint8Array(Buffer.from(hash, 'base64')));
    },
    async keyTransitions() {
      const result = await fetchBounded(`${server}/log/key-transitions`, LIMITS.transitions);
      return result === null ? [] : parseJson(result.bytes, keyTransitionsGuard).transitions;
    },
    async verifierKey() {
      const result = await fetchBounded(`${server}/log/key`, LIMITS.key);
      if (result === null) throw malformed('the server publishes no log key at /log/key');
      return new TextDecoder().decode(result.bytes).trim();
    },
  };
}

function parseJson<T>(bytes: Uint8Array, schema: guards.Guard<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw malformed('the log answered with invalid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw malformed('the log answered with an unexpected shape');
  return parsed.data;
}

function malformed(message: string): SecurityError {
  return new SecurityError('SECURITY_METADATA_MALFORMED', message);
}
