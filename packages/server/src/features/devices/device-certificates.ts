/**
 * Device certificates (ADR 0030): issued by the device CA for a device's enrolled key at
 * enrollment and on the channel, recorded so the CRL can name those that no longer speak for
 * their device, and bound to the channel's device on the agent listener.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SecurityError, ed25519PublicHex } from '@patchcast/core';
import type { DeviceCertificateGrant } from '@patchcast/protocol';
import type { WebSocket } from 'ws';
import type { DeviceRecord, Store } from '../../storage/store.js';
import type { SecurityEvents } from '../log/security-events.js';
import { certRequiredMessage, reject, send } from './gateway-wire.js';
import {
  DEVICE_CERT_DAYS,
  deviceCrl,
  deviceIdOfUri,
  issueDeviceCertificate,
} from '../../pki/device-ca.js';
import type { DeviceCa } from '../../pki/device-ca.js';

/** A certificate in the first third of its life is handed out again rather than reissued. */
const YOUNG_MS = (DEVICE_CERT_DAYS * 24 * 3600 * 1000) / 3;

export interface DeviceCertificatesDeps {
  readonly ca: DeviceCa;
  readonly store: Store;
  readonly now: () => Date;
  /** The agent listeners' public URLs (`--agent-public-url`); empty without `--agent-listen`. */
  readonly agentUrls: () => readonly string[];
  /** The main port refuses the agent channel: agents must come through the agent listener. */
  readonly requireClientCert: boolean;
  /** Hears of a CRL that could not be rebuilt. */
  readonly onError: (error: unknown) => void;
}

const CRL_ATTEMPTS = 12;
const CRL_RETRY_MS = 5000;

/** Who the agent listener's handshake proved the peer to be. */
export interface PeerCertificate {
  readonly deviceId: string | undefined;
  /** The certificate's Ed25519 key, hex. */
  readonly publicKey: string;
}

const PEER = Symbol('patchcast.peer-certificate');
type MarkedRequest = IncomingMessage & { [PEER]?: PeerCertificate };

/** Marks a request of the agent listener with the device certificate its handshake verified. */
export function markPeer(request: IncomingMessage, peer: PeerCertificate): void {
  (request as MarkedRequest)[PEER] = peer;
}

/** The device certificate of a request that came through the agent listener. */
export function peerOf(request: IncomingMessage): PeerCertificate | undefined {
  return (request as MarkedRequest)[PEER];
}

export class DeviceCertificates {
  readonly #deps: DeviceCertificatesDeps;
  readonly #watchers = new Set<(crl: string) => void>();
  #refreshing: Promise<void> = Promise.resolve();

  constructor(deps: DeviceCertificatesDeps) {
    this.#deps = deps;
  }

  get requireClientCert(): boolean {
    return this.#deps.requireClientCert;
  }

  /**
   * A certificate for the device's key: the newest one again while it is in the first third of
   * its life (asking again and again does not fill the store), else a new one, recorded before
   * it is handed out.
   */
  async issue(deviceId: string, publicKey: string): Promise<DeviceCertificateGrant> {
    const { ca, store, now, agentUrls } = this.#deps;
    const at = now();
    const grant = (certificate: string) => ({
      certificate,
      deviceCa: ca.certificate,
      agentUrls: [...agentUrls()],
    });
    const latest = await store.deviceCertificates.latest(deviceId, publicKey);
    if (latest !== undefined && at.getTime() - Date.parse(latest.issuedAt) < YOUNG_MS)
      return grant(latest.certificate);
    const issued = await issueDeviceCertificate(ca, deviceId, publicKey, at);
    await store.deviceCertificates.record({
      serial: issued.serial,
      deviceId,
      publicKey,
      issuedAt: at.toISOString(),
      notAfter: issued.notAfter,
      certificate: issued.certificate,
    });
    return grant(issued.certificate);
  }

  /** The CRL of every unexpired certificate of a revoked or removed device, or of a replaced key. */
  async crl(): Promise<string> {
    const at = this.#deps.now();
    const serials = await this.#deps.store.deviceCertificates.refusedSerials(at.toISOString());
    return deviceCrl(this.#deps.ca, serials, at);
  }

  /** Hands each new CRL to `watcher` (the agent listener installs it); returns the unwatch. */
  watchCrl(watcher: (crl: string) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /**
   * Rebuilds the CRL from the store and hands it to the watchers, one rebuild at a time: called
   * when a device is revoked, removed or re-keyed here, and when another node says so (bus).
   * Never rejects: a failed rebuild is reported and tried again (every 5 s, 12 times at most);
   * meanwhile the channel still refuses the revoked key, as the hello reads the stored device.
   */
  refreshCrl(attempt = 1): Promise<void> {
    this.#refreshing = this.#refreshing
      .then(async () => {
        if (this.#watchers.size === 0) return;
        const crl = await this.crl();
        for (const watcher of this.#watchers) watcher(crl);
      })
      .catch((error: unknown) => {
        this.#deps.onError(error);
        if (attempt < CRL_ATTEMPTS)
          setTimeout(() => void this.refreshCrl(attempt + 1), CRL_RETRY_MS).unref();
      });
    return this.#refreshing;
  }
}

/** Why the peer's certificate may not speak for `device`; undefined when it may. */
export function peerMismatch(
  peer: PeerCertificate,
  device: { readonly id: string; readonly publicKey: string },
): string | undefined {
  if (peer.publicKey !== device.publicKey)
    return `the client certificate holds another key than device ${device.id}'s`;
  if (peer.deviceId !== device.id)
    return `the client certificate names device ${peer.deviceId ?? '(none)'}, not ${device.id}`;
  return undefined;
}

/**
 * The device and key of a peer certificate the handshake verified (DER bytes). A certificate
 * whose key is not Ed25519 was not issued by us for a device: it is refused.
 */
export function peerCertificateOf(raw: Buffer): PeerCertificate {
  const cert = new X509Certificate(raw);
  const publicKey = ed25519PublicHex(cert.publicKey);
  if (publicKey === undefined)
    throw new SecurityError('SECURITY_AUTH_FAILED', 'the client certificate holds no device key');
  const uri = (cert.subjectAltName ?? '')
    .split(', ')
    .find((name) => name.startsWith('URI:'))
    ?.slice('URI:'.length);
  return {
    deviceId: uri === undefined ? undefined : deviceIdOfUri(uri),
    publicKey,
  };
}

/**
 * The hello-time rules of ADR 0030, after the device key answered the challenge: on the agent
 * listener the certificate must be this device's; on the main port under `--require-client-cert`
 * the agent gets a certificate and is sent to the agent port. True when the socket was refused.
 */
export async function refusedByCertificate(
  deps: {
    readonly certificates?: DeviceCertificates | undefined;
    readonly security: SecurityEvents;
  },
  socket: WebSocket,
  device: DeviceRecord,
  peer: PeerCertificate | undefined,
): Promise<boolean> {
  const { certificates, security } = deps;
  const mismatch = peer === undefined ? undefined : peerMismatch(peer, device);
  if (mismatch !== undefined) {
    void security.record('agent-auth-failed', device.id, mismatch);
    reject(socket, 'SECURITY_AUTH_FAILED', mismatch);
    return true;
  }
  if (peer !== undefined || certificates?.requireClientCert !== true) return false;
  // Agents enrolled before certificates get theirs here, then come back on the agent port.
  send(socket, { type: 'certificate', ...(await certificates.issue(device.id, device.publicKey)) });
  reject(socket, 'DEVICE_CERT_REQUIRED', certRequiredMessage());
  return true;
}

/** Answers a `certificate-request`: one certificate per connection, for the key it proved. */
export async function certifyOnChannel(
  certificates: DeviceCertificates | undefined,
  connection: { readonly publicKey: string; certified?: boolean } | undefined,
  socket: WebSocket,
  deviceId: string,
): Promise<void> {
  if (certificates === undefined || connection === undefined || connection.certified === true)
    return void reject(socket, 'INVALID_INPUT', 'no certificate to issue on this connection');
  connection.certified = true;
  send(socket, {
    type: 'certificate',
    ...(await certificates.issue(deviceId, connection.publicKey)),
  });
}
