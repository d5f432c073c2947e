/**
 * The server end of the agent channel (docs/protocol/agent-channel.md): challenge-response
 * authentication with the device key, notices pushed to live connections, reports acknowledged
 * once stored. One gateway per server node holds that node's connections.
 */
import { MessageBudget } from '../limits/limits.js';
import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { ed25519Key, randomToken, verifySignature } from '@patchcast/core';
import { authStatement, frameText, parseAgentMessage } from '@patchcast/protocol';
import type { AgentMessage, ServerMessage } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { Bus, BusEvents, DisconnectReason } from '../../bus/bus.js';
import type { RolloutService } from '../rollouts/rollout-service.js';
import type { TransparencyLog } from '../log/transparency-log.js';
import type { SecurityEvents } from '../log/security-events.js';
import { recordAgentCheckpoint } from '../log/agent-checkpoint.js';
import {
  announceHealth,
  announceResult,
  commandMessage,
  reject,
  revokedMessage,
  noticeMessage,
  send,
  sendToDevices,
} from './gateway-wire.js';
import type { GatewayObserver } from '../metrics/gateway-observer.js';
import { certifyOnChannel, refusedByCertificate } from './device-certificates.js';
import type { CurrentView } from '../repository/current-view.js';
import type { DeviceCertificates, PeerCertificate } from './device-certificates.js';

export interface GatewayDeps {
  readonly store: Store;
  readonly bus: Bus;
  /** The repository view: brought up to date before a notice, so the agent finds the patch. */
  readonly repository: { readonly view: Pick<CurrentView, 'fresh'> };
  readonly rollouts: RolloutService;
  readonly log: TransparencyLog;
  readonly security: SecurityEvents;
  readonly now: () => Date;
  readonly textLog: FastifyBaseLogger;
  readonly heartbeatMs: number;
  /** Messages per second one connection may send (averaged over ten seconds; limits.ts). */
  readonly messagesPerSecond: number;
  /** Receives package inventory updates (features/vulns); answers ack or resync. */
  readonly inventory?: {
    receiveInventory(deviceId: string, update: unknown): Promise<ServerMessage | undefined>;
  };
  /** Answers `peer` messages: the tracker (features/peers); absent: they are ignored. */
  readonly peers?: {
    receive(deviceId: string, body: unknown): Promise<ServerMessage | undefined>;
  };
  /** Hears of notices sent and reports taken (features/metrics). */
  readonly observer?: GatewayObserver;
  /** Issues device certificates and keeps the CRL (ADR 0030); absent: none are issued. */
  readonly certificates?: DeviceCertificates | undefined;
}

const HELLO_TIMEOUT_MS = 10_000;

interface Connection {
  readonly socket: WebSocket;
  /** The device key this connection authenticated with. */
  readonly publicKey: string;
  alive: boolean;
  /** One certificate per connection: a device cannot fill the store by asking again and again. */
  certified?: boolean;
}

export class AgentGateway {
  readonly #deps: GatewayDeps;
  readonly #connections = new Map<string, Connection>();
  /** When each device's last connection here ended; devices not seen since start: #startedAt. */
  readonly #goneAt = new Map<string, number>();
  readonly #startedAt: number;
  readonly #timer: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  readonly #unsubscribeCommands: () => void;
  readonly #unsubscribeDisconnects: () => void;
  /** Per device, the #epoch its key was last refused at: a hello that read it earlier re-reads. */
  readonly #barred = new Map<string, number>();
  #epoch = 0;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    this.#startedAt = deps.now().getTime();
    this.#timer = setInterval(() => this.#heartbeat(), deps.heartbeatMs);
    this.#timer.unref();
    this.#unsubscribe = deps.bus.subscribe('notice', (event) => this.#deliver(event));
    this.#unsubscribeCommands = deps.bus.subscribe('device-command', (event) =>
      Promise.resolve(this.#command(event)),
    );
    this.#unsubscribeDisconnects = deps.bus.subscribe('device-disconnect', async (event) => {
      this.#close(event.deviceId, event.publicKey, event.reason);
      await deps.certificates?.refreshCrl();
    });
  }

  get onlineCount(): number {
    return this.#connections.size;
  }

  isOnline(deviceId: string): boolean {
    return this.#connections.has(deviceId);
  }

  /** Not connected, but for less than `graceMs`: it may well reconnect by itself (ADR 0016). */
  isReconnecting(deviceId: string, graceMs: number): boolean {
    if (this.#connections.has(deviceId)) return false;
    const gone = this.#goneAt.get(deviceId) ?? this.#startedAt;
    return this.#deps.now().getTime() - gone < graceMs;
  }

  /**
   * Closes the device's connections made with `publicKey`, here at once and on every other node
   * through the bus: the device was revoked or removed, or that key was replaced (ADR 0029).
   */
  async disconnect(deviceId: string, publicKey: string, reason: DisconnectReason): Promise<void> {
    this.#close(deviceId, publicKey, reason);
    const { bus, textLog, certificates } = this.#deps;
    await certificates?.refreshCrl(); // this node refuses the handshake before the answer
    const id = `${deviceId}:${reason}:${this.#deps.now().toISOString()}`;
    await bus
      .publish('device-disconnect', { id, deviceId, publicKey, reason, node: bus.nodeId })
      .catch((error: unknown) => textLog.error({ err: error }, 'disconnect not announced'));
  }

  #close(deviceId: string, publicKey: string, reason: DisconnectReason): void {
    this.#barred.set(deviceId, ++this.#epoch);
    const connection = this.#connections.get(deviceId);
    if (connection === undefined || connection.publicKey !== publicKey) return;
    this.#deps.textLog.info({ deviceId, reason }, 'closing the device connection');
    if (reason === 'key-replaced') connection.socket.close(4401, 'device key replaced');
    else reject(connection.socket, 'DEVICE_REVOKED', revokedMessage(deviceId));
  }

  /**
   * The `host[:port]` forms of this server's public origins (`--public-url`, else the address it
   * listens on): an agent's answer counts only when signed for one of them, never for whatever
   * Host header a relay sent (docs/protocol/agent-channel.md).
   */
  audiences: readonly string[] = [];

  /**
   * Handles one new WebSocket; `peer`: the device certificate the agent listener's handshake
   * verified (ADR 0030), undefined on the main port.
   */
  accept(socket: WebSocket, peer?: PeerCertificate): void {
    const nonce = randomToken(32);
    let deviceId: string | undefined;
    const helloTimer = setTimeout(() => socket.close(4408, 'hello timeout'), HELLO_TIMEOUT_MS);
    send(socket, { type: 'challenge', nonce, serverTime: this.#deps.now().toISOString() });
    // One socket's messages are handled one after the other, in the order they came: the agent
    // sends (outbox reports, boot) as soon as it reads welcome, while #hello is still finishing.
    let previous: Promise<void> = Promise.resolve();
    const budget = new MessageBudget(this.#deps.messagesPerSecond);
    socket.on('message', (data, isBinary) => {
      if (!budget.take()) {
        send(socket, { type: 'error', code: 'RATE_LIMITED', message: 'too many messages' });
        socket.close(4429, 'too many messages');
        return;
      }
      const message = isBinary ? undefined : parseAgentMessage(frameText(data));
      if (message === undefined) return reject(socket, 'INVALID_INPUT', 'malformed agent message');
      previous = previous
        .then(() =>
          deviceId === undefined
            ? this.#hello(socket, message, nonce, peer)
            : this.#handle(deviceId, socket, message),
        )
        .then((id) => {
          if (id !== undefined && deviceId === undefined) {
            deviceId = id;
            clearTimeout(helloTimer);
          }
        })
        .catch((error: unknown) => {
          this.#deps.textLog.error({ err: error }, 'agent message failed');
          socket.close(1011, 'internal error');
        });
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (deviceId !== undefined && this.#connections.get(deviceId)?.socket === socket) {
        this.#connections.delete(deviceId);
        this.#goneAt.set(deviceId, this.#deps.now().getTime());
        this.#deps.observer?.presence?.(deviceId, false);
      }
    });
    socket.on('pong', () => {
      const connection = deviceId === undefined ? undefined : this.#connections.get(deviceId);
      if (connection !== undefined) connection.alive = true;
    });
  }

  async #hello(
    socket: WebSocket,
    message: AgentMessage,
    nonce: string,
    peer: PeerCertificate | undefined,
  ): Promise<string | undefined> {
    if (message.type !== 'hello')
      return reject(socket, 'SECURITY_AUTH_FAILED', 'the first message must be hello');
    const readAt = this.#epoch;
    const device = await this.#deps.store.getDevice(message.deviceId);
    const signedFor = (audience: string) =>
      device !== undefined &&
      verifySignature(
        ed25519Key(device.publicKey),
        message.signature,
        authStatement(message.deviceId, nonce, audience),
      );
    if (device === undefined || message.nonce !== nonce || !this.audiences.some(signedFor)) {
      this.#deps.textLog.warn({ deviceId: message.deviceId }, 'agent authentication failed');
      if (device !== undefined) {
        void this.#deps.security.record('agent-auth-failed', device.id, 'bad signature or nonce');
      }
      return reject(socket, 'SECURITY_AUTH_FAILED', 'device authentication failed');
    }
    if (device.revokedAt !== undefined) return this.#refuseRevoked(socket, device.id);
    if (await refusedByCertificate(this.#deps, socket, device, peer)) return undefined;
    this.#connections.get(device.id)?.socket.close(4409, 'replaced by a newer connection');
    this.#connections.set(device.id, { socket, publicKey: device.publicKey, alive: true });
    this.#deps.observer?.presence?.(device.id, true);
    if ((this.#barred.get(device.id) ?? 0) > readAt) {
      // Revoked or re-keyed while this hello was being checked: decide on the record as it is now.
      const now = await this.#deps.store.getDevice(device.id);
      if (now === undefined || now.revokedAt !== undefined)
        return this.#refuseRevoked(socket, device.id);
      if (now.publicKey !== device.publicKey)
        return reject(socket, 'SECURITY_AUTH_FAILED', 'device authentication failed');
    }
    const { heartbeatMs } = this.#deps;
    send(socket, {
      type: 'welcome',
      deviceId: device.id,
      heartbeatMs,
      labels: { ...device.labels },
      ...(this.#deps.certificates === undefined ? {} : { deviceCertificates: true }),
    });
    await this.#deps.store.touchDevice(device.id, this.#deps.now().toISOString(), {
      inventory: message.inventory,
      lastTimestampVersion: message.lastTimestampVersion,
    });
    if (message.checkpoint !== undefined) {
      await this.#deps.log.sync();
      recordAgentCheckpoint(this.#deps, device.id, message.checkpoint);
    }
    await this.#resendOpen(device.id);
    return device.id;
  }

  #refuseRevoked(socket: WebSocket, deviceId: string): undefined {
    this.#deps.textLog.warn({ deviceId }, 'revoked device refused');
    return reject(socket, 'DEVICE_REVOKED', revokedMessage(deviceId));
  }

  /** Every assignment not yet final is sent again: a notice missed while offline is never lost. */
  async #resendOpen(deviceId: string): Promise<void> {
    const pending = await this.#deps.rollouts.pendingFor(deviceId);
    for (const notice of pending.notices) await this.#deliver(notice);
    for (const command of pending.commands) this.#command(command);
  }

  /** A planned rollout's health request or rollback command, to the devices connected here. */
  #command(event: BusEvents['device-command']): void {
    sendToDevices(this.#socketOf, event.deviceIds, commandMessage(event));
  }

  async #handle(deviceId: string, socket: WebSocket, message: AgentMessage): Promise<undefined> {
    const at = this.#deps.now().toISOString();
    if (message.type === 'report') {
      const outcome = await this.#deps.rollouts.report(deviceId, message);
      this.#deps.observer?.reportReceived(deviceId, message, outcome);
      if (outcome === 'unknown-assignment')
        this.#deps.textLog.warn(
          { deviceId, rolloutId: message.rolloutId },
          'report for unknown assignment',
        );
      send(socket, { type: 'ack', reportId: message.reportId });
      if (outcome === 'applied') announceResult(this.#deps, deviceId, message);
      await this.#deps.store.touchDevice(deviceId, at, {});
    } else if (message.type === 'health') {
      await this.#deps.rollouts.health(deviceId, message);
      announceHealth(this.#deps, deviceId, message);
    } else if (message.type === 'inventory') {
      await this.#deps.store.touchDevice(deviceId, at, { inventory: message.inventory });
    } else if (message.type === 'boot') {
      await this.#deps.store.deviceResults.booted(deviceId, message.bootId);
    } else if (message.type === 'certificate-request') {
      await certifyOnChannel(
        this.#deps.certificates,
        this.#connections.get(deviceId),
        socket,
        deviceId,
      );
    } else if (message.type === 'package-inventory') {
      const answer = await this.#deps.inventory?.receiveInventory(deviceId, message.update);
      if (answer !== undefined) send(socket, answer);
    } else if (message.type === 'peer') {
      const answer = await this.#deps.peers?.receive(deviceId, message.body);
      if (answer !== undefined) send(socket, answer);
    } else {
      reject(socket, 'INVALID_INPUT', 'hello was already accepted');
    }
    return undefined;
  }

  async #deliver(event: BusEvents['notice']): Promise<void> {
    const timestamp = (await this.#deps.repository.view.fresh())?.versions.timestamp ?? 0;
    const notice = noticeMessage(event, timestamp);
    const delivered = sendToDevices(this.#socketOf, event.deviceIds, notice);
    this.#deps.observer?.noticeSent(event.rolloutId, delivered);
    const at = this.#deps.now().toISOString();
    if (delivered.length > 0) await this.#deps.store.markNotified(event.rolloutId, delivered, at);
  }

  readonly #socketOf = (deviceId: string) => this.#connections.get(deviceId)?.socket;

  #heartbeat(): void {
    for (const [deviceId, connection] of this.#connections) {
      if (!connection.alive) {
        this.#deps.textLog.info({ deviceId }, 'agent missed heartbeats; closing');
        connection.socket.terminate();
        this.#connections.delete(deviceId);
        this.#goneAt.set(deviceId, this.#deps.now().getTime());
        this.#deps.observer?.presence?.(deviceId, false);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
    this.#unsubscribeCommands();
    this.#unsubscribeDisconnects();
    for (const { socket } of this.#connections.values()) socket.close(1001, 'server shutting down');
    this.#connections.clear();
  }
}
