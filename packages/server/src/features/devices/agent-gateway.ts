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
import type { AgentMessage, HealthMessage, Report, ServerMessage } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { Bus, BusEvents } from '../../bus/bus.js';
import type { RolloutService } from '../rollouts/rollout-service.js';
import type { TransparencyLog } from '../log/transparency-log.js';
import type { SecurityEvents } from '../log/security-events.js';
import { checkAgentCheckpoint } from '../log/agent-checkpoint.js';
import type { GatewayObserver } from '../metrics/gateway-observer.js';

export interface GatewayDeps {
  readonly store: Store;
  readonly bus: Bus;
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
  /** Hears of notices sent and reports taken (features/metrics). */
  readonly observer?: GatewayObserver;
}

const HELLO_TIMEOUT_MS = 10_000;

interface Connection {
  readonly socket: WebSocket;
  alive: boolean;
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

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    this.#startedAt = deps.now().getTime();
    this.#timer = setInterval(() => this.#heartbeat(), deps.heartbeatMs);
    this.#timer.unref();
    this.#unsubscribe = deps.bus.subscribe('notice', (event) => this.#deliver(event));
    this.#unsubscribeCommands = deps.bus.subscribe('device-command', (event) =>
      Promise.resolve(this.#command(event)),
    );
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

  /** Closes this node's connection of a device whose key was replaced; its next hello fails. */
  dropReplaced(deviceId: string): void {
    this.#connections.get(deviceId)?.socket.close(4401, 'device key replaced');
  }

  /**
   * The `host[:port]` forms of this server's public origins (`--public-url`, else the address it
   * listens on): an agent's answer counts only when signed for one of them, never for whatever
   * Host header a relay sent (docs/protocol/agent-channel.md).
   */
  audiences: readonly string[] = [];

  /** Handles one new WebSocket. */
  accept(socket: WebSocket): void {
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
            ? this.#hello(socket, message, nonce)
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
  ): Promise<string | undefined> {
    if (message.type !== 'hello')
      return reject(socket, 'SECURITY_AUTH_FAILED', 'the first message must be hello');
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
    this.#connections.get(device.id)?.socket.close(4409, 'replaced by a newer connection');
    this.#connections.set(device.id, { socket, alive: true });
    const { heartbeatMs } = this.#deps;
    send(socket, {
      type: 'welcome',
      deviceId: device.id,
      heartbeatMs,
      labels: { ...device.labels },
    });
    await this.#deps.store.touchDevice(device.id, this.#deps.now().toISOString(), {
      inventory: message.inventory,
      lastTimestampVersion: message.lastTimestampVersion,
    });
    if (message.checkpoint !== undefined) {
      await this.#deps.log.sync();
      this.#checkCheckpoint(device.id, message.checkpoint);
    }
    await this.#resendOpen(device.id);
    return device.id;
  }

  /** Split-view detection: the agent's last checkpoint must be a prefix of this log. */
  #checkCheckpoint(deviceId: string, note: string): void {
    const finding = checkAgentCheckpoint(this.#deps.log, note);
    if (finding === undefined) return;
    this.#deps.textLog.error({ deviceId, finding }, 'agent checkpoint does not match the log');
    void this.#deps.security.record(finding.kind, deviceId, finding.detail);
  }

  /** Every assignment not yet final is sent again: a notice missed while offline is never lost. */
  async #resendOpen(deviceId: string): Promise<void> {
    const pending = await this.#deps.rollouts.pendingFor(deviceId);
    for (const notice of pending.notices) await this.#deliver(notice);
    for (const command of pending.commands) this.#command(command);
  }

  /** A planned rollout's health request or rollback command, to the devices connected here. */
  #command(event: BusEvents['device-command']): void {
    const { rolloutId, patch } = event;
    const message: ServerMessage =
      event.kind === 'rollback'
        ? { type: 'rollback', rolloutId, patch }
        : {
            type: 'health-request',
            rolloutId,
            wave: event.wave,
            patch,
            targetPath: event.targetPath,
          };
    const frame = Buffer.from(JSON.stringify(message));
    for (const deviceId of event.deviceIds) {
      const connection = this.#connections.get(deviceId);
      if (connection !== undefined) sendFrame(connection.socket, frame);
    }
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
      if (outcome === 'applied') this.#announce(deviceId, message);
      await this.#deps.store.touchDevice(deviceId, at, {});
    } else if (message.type === 'health') {
      await this.#deps.rollouts.health(deviceId, message);
      this.#announceHealth(deviceId, message);
    } else if (message.type === 'inventory') {
      await this.#deps.store.touchDevice(deviceId, at, { inventory: message.inventory });
    } else if (message.type === 'boot') {
      await this.#deps.store.deviceResults.booted(deviceId, message.bootId);
    } else if (message.type === 'package-inventory') {
      const answer = await this.#deps.inventory?.receiveInventory(deviceId, message.update);
      if (answer !== undefined) send(socket, answer);
    } else {
      reject(socket, 'INVALID_INPUT', 'hello was already accepted');
    }
    return undefined;
  }

  async #deliver(event: BusEvents['notice']): Promise<void> {
    const { timestamp } = await this.#versions();
    const delivered: string[] = [];
    const notice: ServerMessage = {
      type: 'notice',
      rolloutId: event.rolloutId,
      patch: event.patch,
      targetPath: event.targetPath,
      timestampVersion: timestamp,
      ...(event.allowDowngrade === true ? { allowDowngrade: true } : {}),
    };
    const frame = Buffer.from(JSON.stringify(notice)); // serialised once for every socket
    for (const deviceId of event.deviceIds) {
      const connection = this.#connections.get(deviceId);
      if (connection === undefined) continue;
      sendFrame(connection.socket, frame);
      delivered.push(deviceId);
    }
    this.#deps.observer?.noticeSent(event.rolloutId, delivered);
    if (delivered.length > 0)
      await this.#deps.store.markNotified(
        event.rolloutId,
        delivered,
        this.#deps.now().toISOString(),
      );
  }

  /** Tells the other nodes (the one driving the rollout) that a report was applied here. */
  #announce(deviceId: string, report: Report) {
    const { bus, textLog } = this.#deps;
    const event = {
      id: report.reportId,
      rolloutId: report.rolloutId,
      deviceId,
      state: report.state,
    };
    bus
      .publish('device-result', { ...event, node: bus.nodeId })
      .catch((error: unknown) => textLog.error({ err: error }, 'device result not announced'));
  }

  /** Tells the node driving a planned rollout that a control device's health was taken here. */
  #announceHealth(deviceId: string, message: HealthMessage) {
    const { bus, textLog } = this.#deps;
    const id = `${message.rolloutId}:${deviceId}:${message.wave}`;
    bus
      .publish('device-health', {
        id,
        rolloutId: message.rolloutId,
        deviceId,
        node: bus.nodeId,
        wave: message.wave,
      })
      .catch((error: unknown) => textLog.error({ err: error }, 'device health not announced'));
  }

  async #versions(): Promise<{ timestamp: number }> {
    return { timestamp: (await this.#deps.store.latestMetadata('timestamp'))?.version ?? 0 };
  }

  #heartbeat(): void {
    for (const [deviceId, connection] of this.#connections) {
      if (!connection.alive) {
        this.#deps.textLog.info({ deviceId }, 'agent missed heartbeats; closing');
        connection.socket.terminate();
        this.#connections.delete(deviceId);
        this.#goneAt.set(deviceId, this.#deps.now().getTime());
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
    for (const { socket } of this.#connections.values()) socket.close(1001, 'server shutting down');
    this.#connections.clear();
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Sends prepared bytes as a text frame; one buffer may go to many sockets. */
function sendFrame(socket: WebSocket, frame: Buffer): void {
  if (socket.readyState === socket.OPEN) socket.send(frame, { binary: false });
}

function reject(socket: WebSocket, code: string, message: string): undefined {
  send(socket, { type: 'error', code, message });
  socket.close(4401, code);
  return undefined;
}
