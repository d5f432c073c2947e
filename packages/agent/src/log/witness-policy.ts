import { PatchcastError } from '@patchcast/core/base';
import { parseCosignatureVerifierKey } from '@patchcast/core/tlog';
import type { WitnessPolicy } from '@patchcast/core/tlog';

/**
 * The agent's witness policy from `--witness` keys and `--witness-threshold` (default: every
 * given witness); undefined when no witness is required.
 */
export function witnessPolicy(
  config: { readonly keys: readonly string[]; readonly threshold?: number } | undefined,
): WitnessPolicy | undefined {
  if (config === undefined || (config.keys.length === 0 && !config.threshold)) return undefined;
  const witnesses = config.keys.map((key) => {
    try {
      return parseCosignatureVerifierKey(key);
    } catch (error) {
      throw new PatchcastError('CONFIG_INVALID', `"${key}" is not a witness verifier key`, {
        hint: 'use the FILE.vkey that `patchcast witness keygen` wrote',
        cause: error,
      });
    }
  });
  const names = new Set(witnesses.map((w) => `${w.name}+${w.keyId}`));
  const threshold = config.threshold ?? witnesses.length;
  if (
    names.size !== witnesses.length ||
    !Number.isInteger(threshold) ||
    threshold < 1 ||
    threshold > witnesses.length
  ) {
    throw new PatchcastError(
      'USAGE',
      `--witness-threshold ${threshold} needs at least that many distinct --witness keys (given ${names.size})`,
      { hint: 'give one --witness VKEYFILE per witness and a threshold from 1 to their number' },
    );
  }
  return { witnesses, threshold };
}
