import { PatchcastError } from '@patchcast/core/base';
import type { LogIdentity } from '@patchcast/core/tlog';
import type { LogOps } from './log-ops.js';
import { identityOfKey, logKeyFile, readText, saveLogKey } from './log-trust-store.js';

export interface KeySource {
  readonly ops: LogOps;
  /** A verifier key obtained out of band (`--log-key`). */
  readonly given?: string | undefined;
  readonly log: (line: string) => void;
}

/**
 * The log key to pin, like the TUF root: the key given out of band, else the server's /log/key
 * on first use, with a warning. Checked to be a verifier key; not saved.
 */
export async function obtainLogKey(source: KeySource): Promise<string> {
  const key = source.given ?? (await keyOnFirstUse(source));
  identityOfKey(key, source.given === undefined ? "the server's /log/key" : '--log-key');
  return key.trim();
}

/** The pinned key's identity, pinning one first if there is none. A pinned key never changes. */
export async function pinLogKey(dataDir: string, source: KeySource): Promise<LogIdentity> {
  const pinned = await readText(logKeyFile(dataDir));
  if (pinned === undefined) {
    const key = await obtainLogKey(source);
    await saveLogKey(dataDir, key);
    return identityOfKey(key, logKeyFile(dataDir));
  }
  if (source.given !== undefined && source.given.trim() !== pinned.trim()) {
    throw new PatchcastError(
      'CONFIG_INVALID',
      `another log key is pinned in ${logKeyFile(dataDir)}`,
      {
        hint: 'a pinned log key never changes; re-enroll the agent to trust another log',
      },
    );
  }
  return identityOfKey(pinned, logKeyFile(dataDir));
}

async function keyOnFirstUse(source: KeySource): Promise<string> {
  source.log("WARNING: no --log-key given; trusting the server's /log/key on first use");
  return source.ops.verifierKey();
}
