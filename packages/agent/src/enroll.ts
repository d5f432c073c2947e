/** First contact: enroll with a single-use token and pin the repository's root of trust. */
import { readFile } from 'node:fs/promises';
import { PatchcastError, parseEnvelope } from '@patchcast/core';
import { PatchcastClient } from '@patchcast/protocol';
import { newKeyPair, saveIdentity } from './identity.js';
import type { Identity } from './identity.js';
import { collectInventory } from './inventory.js';
import { fileTrustStore } from './tuf-ops.js';
import { fetchBounded } from './http-fetch.js';
import { httpLogOps } from './log/log-ops.js';
import { saveLogKey } from './log/log-trust-store.js';
import { obtainLogKey } from './log/pin-log-key.js';

export interface EnrollOptions {
  readonly server: string;
  readonly token: string;
  readonly dataDir: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** A root.json obtained out of band; without it the server's 1.root.json is trusted on first use. */
  readonly trustedRootFile?: string | undefined;
  /** The log's verifier key obtained out of band; without it /log/key is trusted on first use. */
  readonly logKey?: string | undefined;
  readonly log: (line: string) => void;
}

export async function enroll(options: EnrollOptions): Promise<Identity> {
  const client = new PatchcastClient({ server: options.server });
  const root = await initialRoot(client.server, options);
  const ops = httpLogOps(client.server);
  const logKey = await obtainLogKey({ ops, given: options.logKey, log: options.log });
  const keys = newKeyPair();
  const { deviceId } = await client.enroll({
    token: options.token,
    publicKey: keys.publicKey,
    name: options.name,
    labels: { ...options.labels },
    inventory: collectInventory([]),
  });
  await fileTrustStore(options.dataDir).save('root', root);
  await saveLogKey(options.dataDir, logKey);
  return saveIdentity(options.dataDir, { deviceId, server: client.server, ...keys });
}

async function initialRoot(server: string, options: EnrollOptions): Promise<Uint8Array> {
  let bytes: Uint8Array | null;
  if (options.trustedRootFile !== undefined) {
    bytes = new Uint8Array(await readFile(options.trustedRootFile));
  } else {
    options.log("WARNING: no --trusted-root given; trusting the server's 1.root.json on first use");
    bytes = (await fetchBounded(`${server}/tuf/metadata/1.root.json`, 512 * 1024))?.bytes ?? null;
    if (bytes === null) throw new PatchcastError('SERVER_ERROR', 'the server has no 1.root.json');
  }
  assertRootMetadata(bytes);
  return bytes;
}

/** A trusted root given out of band must at least be root metadata (CONFIG_INVALID). */
export function assertRootMetadata(bytes: Uint8Array): void {
  try {
    parseEnvelope('root', bytes);
  } catch (error) {
    throw new PatchcastError(
      'CONFIG_INVALID',
      `the trusted root is not valid root metadata: ${(error as Error).message}`,
    );
  }
}
