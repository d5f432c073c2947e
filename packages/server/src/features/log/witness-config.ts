import { PatchcastError, parseCosignatureVerifierKey } from '@patchcast/core';
import type { WitnessEndpoint } from './witness-client.js';

/** The configured witnesses: each URL with its verifier key (C2SP tlog-cosignature type 0x04). */
export function witnessEndpoints(
  witnesses: readonly { readonly url: string; readonly verifierKey: string }[],
): WitnessEndpoint[] {
  return witnesses.map(({ url, verifierKey }) => {
    try {
      return { url: url.replace(/\/+$/, ''), verifier: parseCosignatureVerifierKey(verifierKey) };
    } catch (error) {
      throw new PatchcastError('CONFIG_INVALID', `the key of witness ${url} is not a witness key`, {
        hint: 'use the FILE.vkey that `patchcast witness keygen` wrote',
        cause: error,
      });
    }
  });
}
