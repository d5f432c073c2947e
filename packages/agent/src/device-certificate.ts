/**
 * The agent's device certificate (ADR 0030): issued by the server's device CA for this device's
 * own Ed25519 key at enrollment or on the channel, kept in `<data>/device-certificate.json` with
 * the URLs of the servers' agent ports, and presented (with the key from identity.json) to those
 * ports in every handshake. Renewed on the channel after two thirds of its life.
 */
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import {
  PatchcastError,
  SecurityError,
  ed25519PrivateKeyPem,
  ed25519PublicHex,
} from '@patchcast/core/base';
import { deviceCertificateGrantGuard, presentClientCertificate } from '@patchcast/protocol/agent';
import type { DeviceCertificateGrant } from '@patchcast/protocol/agent';
import { readJsonOptional, writeFileAtomic } from './files.js';
import { readIdentityFile } from './identity.js';
import type { IdentityFile } from './identity.js';

export function deviceCertificatePath(dataDir: string): string {
  return join(dataDir, 'device-certificate.json');
}

type Keys = Pick<IdentityFile, 'publicKey' | 'privateKey'>;

/** The certificate's Ed25519 key, hex (undefined for another kind of key). */
function keyOf(pem: string): string | undefined {
  return ed25519PublicHex(new X509Certificate(pem).publicKey);
}

export class DeviceCertificate {
  readonly #dataDir: string;
  readonly #keys: Keys;
  #grant: DeviceCertificateGrant | undefined;

  private constructor(dataDir: string, keys: Keys, grant: DeviceCertificateGrant | undefined) {
    this.#dataDir = dataDir;
    this.#keys = keys;
    this.#grant = grant;
  }

  /** The kept certificate, if it is for this host's key; presented from now on. */
  static async load(dataDir: string): Promise<DeviceCertificate> {
    const keys = await readIdentityFile(dataDir);
    if (keys === undefined) throw new PatchcastError('USAGE', 'this agent is not enrolled yet');
    const path = deviceCertificatePath(dataDir);
    // A damaged file is as good as none: the agent asks for a new certificate on the channel.
    const json = await readJsonOptional(path).catch(() => undefined);
    const parsed = json === undefined ? undefined : deviceCertificateGrantGuard.safeParse(json);
    const kept = new DeviceCertificate(dataDir, keys, undefined);
    if (parsed?.success === true && kept.#fits(parsed.data)) kept.#use(parsed.data);
    return kept;
  }

  /** The agent ports to dial (empty: none known, or no certificate for this key). */
  get agentUrls(): readonly string[] {
    return this.#grant?.agentUrls ?? [];
  }

  /** No certificate for this key yet, or it is past two thirds of its life: ask for one. */
  get wanted(): boolean {
    if (this.#grant === undefined) return true;
    const cert = new X509Certificate(this.#grant.certificate);
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    return Date.now() > from + ((to - from) * 2) / 3;
  }

  /** Keeps and presents a certificate the server issued; one for another key is refused. */
  async accept(grant: DeviceCertificateGrant): Promise<void> {
    if (!this.#fits(grant))
      throw new SecurityError(
        'SECURITY_AUTH_FAILED',
        'the server sent a device certificate for another key; it is not kept',
      );
    const path = deviceCertificatePath(this.#dataDir);
    await writeFileAtomic(path, `${JSON.stringify(grant, null, 2)}\n`, 0o600);
    this.#use(grant);
  }

  #fits(grant: DeviceCertificateGrant): boolean {
    try {
      return keyOf(grant.certificate) === this.#keys.publicKey;
    } catch {
      return false;
    }
  }

  #use(grant: DeviceCertificateGrant): void {
    this.#grant = grant;
    const { publicKey: publicHex, privateKey: seedHex } = this.#keys;
    const key = ed25519PrivateKeyPem({ publicHex, seedHex });
    presentClientCertificate(grant.agentUrls, grant.certificate, key);
  }
}
