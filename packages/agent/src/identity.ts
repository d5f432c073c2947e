/** The device's own identity: an Ed25519 key made on this machine and the id the server gave it. */
import { join } from 'node:path';
import { PatchcastError, ed25519Signer, generateEd25519 } from '@patchcast/core/base';
import type { Signer } from '@patchcast/core/base';
import { guards as g } from '@patchcast/protocol/agent';
import { readJsonOptional, writeFileAtomic } from './files.js';

const hex32 = g.string({ pattern: /^[0-9a-f]{64}$/ });
export const identityGuard = g.strictObject({
  deviceId: g.string(),
  server: g.string(),
  publicKey: hex32,
  privateKey: hex32,
});
export type IdentityFile = g.Infer<typeof identityGuard>;

export interface Identity {
  readonly deviceId: string;
  readonly server: string;
  readonly signer: Signer;
  readonly publicKey: string;
}

export function identityPath(dataDir: string): string {
  return join(dataDir, 'identity.json');
}

/** The identity file as stored (with the private key), or undefined before enrollment. */
/** A damaged identity cannot be repaired by hand: the host takes its device over anew. */
const DAMAGED = {
  hint: 'restore the --data folder from a backup, or start with a new --data folder and take the device over (`patchcast enroll-token create --replace DEVICE`)',
};

export async function readIdentityFile(dataDir: string): Promise<IdentityFile | undefined> {
  const json = await readJsonOptional(identityPath(dataDir)).catch((error: unknown) => {
    throw new PatchcastError(
      'CONFIG_INVALID',
      `cannot read ${identityPath(dataDir)}: ${(error as Error).message}`,
      DAMAGED,
    );
  });
  if (json === undefined) return undefined;
  const parsed = identityGuard.safeParse(json);
  if (!parsed.success)
    throw new PatchcastError('CONFIG_INVALID', `${identityPath(dataDir)} is malformed`, DAMAGED);
  return parsed.data;
}

export async function loadIdentity(dataDir: string): Promise<Identity | undefined> {
  const file = await readIdentityFile(dataDir);
  if (file === undefined) return undefined;
  const { deviceId, server, publicKey, privateKey } = file;
  return {
    deviceId,
    server,
    publicKey,
    signer: ed25519Signer({ publicHex: publicKey, seedHex: privateKey }),
  };
}

export function newKeyPair(): { publicKey: string; privateKey: string } {
  const pair = generateEd25519();
  return { publicKey: pair.publicHex, privateKey: pair.seedHex };
}

export async function saveIdentity(dataDir: string, file: IdentityFile): Promise<Identity> {
  await writeFileAtomic(identityPath(dataDir), `${JSON.stringify(file, null, 2)}\n`, 0o600);
  const identity = await loadIdentity(dataDir);
  if (identity === undefined) throw new Error('identity vanished after writing it');
  return identity;
}
