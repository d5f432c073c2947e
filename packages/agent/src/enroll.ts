/**
 * Enrollment with a single-use token: the first time with a new device key, pinning the
 * repository's root of trust; again with the key this host already holds (the same device, the
 * trust it pinned kept); or as the successor of a lost host (`replaces`, a replacement token).
 */
import { readFile } from 'node:fs/promises';
import { PatchcastError, ed25519Signer } from '@patchcast/core/base';
import { parseEnvelope } from '@patchcast/core/tuf-metadata';
import { enrollDevice, enrollStatement, normalizeServerUrl } from '@patchcast/protocol/agent';
import { newKeyPair, saveIdentity } from './identity.js';
import type { Identity, IdentityFile } from './identity.js';
import { collectInventory } from './inventory.js';
import { DeviceCertificate } from './device-certificate.js';
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
  /** The identity this host already has: enroll again with its key, keeping the pinned trust. */
  readonly existing?: IdentityFile | undefined;
  /** `--replace DEVICE`: take over that device's id (needs a replacement token for it). */
  readonly replaces?: string | undefined;
  readonly log: (line: string) => void;
}

export interface Enrolled {
  readonly identity: Identity;
  readonly outcome: 'enrolled' | 're-enrolled' | 'replaced';
}

export async function enroll(options: EnrollOptions): Promise<Enrolled> {
  const server = normalizeServerUrl(options.server);
  const pinned = options.existing === undefined ? await pinTrust(server, options) : undefined;
  const keys = options.existing ?? newKeyPair();
  const signer = ed25519Signer({ publicHex: keys.publicKey, seedHex: keys.privateKey });
  const { deviceId, outcome, deviceCertificate } = await enrollDevice(server, {
    token: options.token,
    publicKey: keys.publicKey,
    name: options.name,
    labels: { ...options.labels },
    inventory: collectInventory([]),
    proof: signer.sign(enrollStatement(options.token, keys.publicKey)),
    ...(options.replaces === undefined ? {} : { replaces: options.replaces }),
  });
  await pinned?.();
  const { publicKey, privateKey } = keys;
  const file = { deviceId, server, publicKey, privateKey };
  const identity = await saveIdentity(options.dataDir, file);
  if (deviceCertificate !== undefined)
    await (await DeviceCertificate.load(options.dataDir)).accept(deviceCertificate);
  return { identity, outcome: outcome ?? 'enrolled' };
}

/** Obtains the root and log key now; the returned function stores them once enrolled. */
async function pinTrust(server: string, options: EnrollOptions): Promise<() => Promise<void>> {
  const root = await initialRoot(server, options);
  const ops = httpLogOps(server);
  const logKey = await obtainLogKey({ ops, given: options.logKey, log: options.log });
  return async () => {
    await fileTrustStore(options.dataDir).save('root', root);
    await saveLogKey(options.dataDir, logKey);
  };
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
      { hint: "pass the root.json you trust with --trusted-root (the server's 1.root.json)" },
    );
  }
}
