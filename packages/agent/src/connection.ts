/**
 * The agent end of the agent channel: dial, prove the device key, keep the link alive, and
 * redial with jittered exponential backoff. With several server URLs (nodes of one cluster) a
 * lost or refused link is redialled at the next URL; the backoff grows once every URL failed.
 * Messages are handed to the agent; the connection knows nothing about patches.
 */
import WebSocket from 'ws';
import {
  AGENT_CHANNEL_PATH,
  authStatement,
  frameText,
  clientTlsOptions,
  parseServerMessage,
  unknownServerMessageType,
} from '@patchcast/protocol/agent';
import type { AgentMessage, Inventory, ServerMessage } from '@patchcast/protocol';
import type { Identity } from './identity.js';

export interface ConnectionDeps {
  readonly identity: Identity;
  readonly server: string;
  /** Several nodes of one cluster, tried in turn; `server` is used when absent or empty. */
  readonly servers?: readonly string[];
  /** Told the URL of each server as it is dialled (HTTP requests follow the live node). */
  readonly onServer?: (server: string) => void;
  readonly inventory: () => Inventory;
  readonly lastTimestampVersion: () => number;
  /** The newest verified log checkpoint, if any (docs/protocol/log.md "Split views"). */
  readonly checkpoint: () => string | undefined;
  readonly onWelcome: (welcome: Extract<ServerMessage, { type: 'welcome' }>) => void;
  readonly onMessage: (message: Exclude<ServerMessage, { type: 'challenge' | 'welcome' }>) => void;
  readonly log: (line: string) => void;
  /** The server refused this device for good (DEVICE_REVOKED): the connection stops redialling. */
  readonly onRevoked?: (message: string) => void;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export class Connection {
  readonly #deps: ConnectionDeps;
  #servers: readonly string[];
  #index = 0;
  /** Set by `redirect`: the next dial starts at the new list's first URL. */
  #moved = false;
  #socket: WebSocket | undefined;
  #ready = false;
  readonly #ignoredTypes = new Set<string>();
  #attempt = 0;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #silenceMs = 30_000;

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
    this.#servers =
      deps.servers !== undefined && deps.servers.length > 0 ? deps.servers : [deps.server];
  }

  /** The server URL in use: the one connected to, or being dialled. */
  get server(): string {
    return this.#servers[this.#index] ?? this.#deps.server;
  }

  get ready(): boolean {
    return this.#ready;
  }

  start(): void {
    this.#dial();
  }

  /** Sends when the channel is authenticated; returns false otherwise (callers keep an outbox). */
  send(message: AgentMessage): boolean {
    if (!this.#ready || this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Dials `servers` from now on, starting with the first: an agent that received a device
   * certificate moves to the agent port (ADR 0030). A live link elsewhere is closed for it.
   */
  redirect(servers: readonly string[]): void {
    if (servers.length === 0) return;
    const before = this.server;
    this.#servers = servers;
    this.#index = 0;
    if (before === this.server) return;
    this.#attempt = 0;
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return; // the next dial starts there anyway
    this.#moved = true;
    socket.close(1000, 'moving to the agent port');
  }

  stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#watchdog);
    const socket = this.#socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000, 'agent stopping');
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  #dial(): void {
    this.#deps.onServer?.(this.server);
    const url = `${this.server.replace(/^http/, 'ws')}${AGENT_CHANNEL_PATH}`;
    const socket = new WebSocket(url, {
      handshakeTimeout: 10_000,
      maxPayload: 1024 * 1024,
      ...clientTlsOptions(url),
    });
    this.#socket = socket;
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : frameText(data);
      const unknown = unknownServerMessageType(text);
      if (unknown !== undefined) return this.#ignore(unknown);
      this.#onFrame(socket, isBinary ? undefined : parseServerMessage(text));
    });
    socket.on('ping', () => this.#kick());
    socket.on('error', (error) => this.#deps.log(`connection error: ${error.message}`));
    socket.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    this.#kick();
  }

  /** A message type of a newer server: ignored (must-ignore), said once per type. */
  #ignore(type: string): void {
    this.#kick();
    if (this.#ignoredTypes.has(type)) return;
    this.#ignoredTypes.add(type);
    this.#deps.log(`ignoring server messages of type "${type}" (a newer server?)`);
  }

  #onFrame(socket: WebSocket, message: ServerMessage | undefined): void {
    if (message === undefined) {
      this.#deps.log('server sent a malformed message; reconnecting');
      socket.terminate();
      return;
    }
    this.#kick();
    if (message.type === 'challenge') {
      const { identity } = this.#deps;
      const audience = new URL(this.server).host;
      const signature = identity.signer.sign(
        authStatement(identity.deviceId, message.nonce, audience),
      );
      const checkpoint = this.#deps.checkpoint();
      const hello: AgentMessage = {
        type: 'hello',
        deviceId: identity.deviceId,
        nonce: message.nonce,
        signature,
        lastTimestampVersion: this.#deps.lastTimestampVersion(),
        inventory: this.#deps.inventory(),
        ...(checkpoint === undefined ? {} : { checkpoint }),
      };
      socket.send(JSON.stringify(hello));
    } else if (message.type === 'welcome') {
      this.#ready = true;
      this.#attempt = 0;
      this.#silenceMs = message.heartbeatMs * 3;
      this.#kick();
      this.#deps.onWelcome(message);
    } else {
      if (message.type === 'error')
        this.#deps.log(`server refused: ${message.code}: ${message.message}`);
      if (message.type === 'error' && message.code === 'DEVICE_REVOKED') {
        this.#stopped = true; // redialling with a revoked key only knocks on a closed door
        clearTimeout(this.#watchdog);
        this.#deps.onRevoked?.(message.message);
        return;
      }
      this.#deps.onMessage(message);
    }
  }

  /** Resets the watchdog: a link that hears nothing for three heartbeats is presumed dead. */
  #kick(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#deps.log('no heartbeat from server; reconnecting');
      this.#socket?.terminate();
    }, this.#silenceMs);
    this.#watchdog.unref();
  }

  #onClose(code: number, reason: string): void {
    this.#ready = false;
    clearTimeout(this.#watchdog);
    if (this.#stopped) return;
    const delay = this.#nextDelay();
    const from = this.server;
    if (this.#moved) this.#moved = false;
    else this.#index = (this.#index + 1) % this.#servers.length;
    const where = this.server === from ? '' : ` at ${this.server}`;
    this.#deps.log(
      `disconnected from ${from} (${code}${reason ? ` ${reason}` : ''}); retrying${where} in ${delay} ms`,
    );
    this.#retry = setTimeout(() => this.#dial(), delay);
  }

  /** Jittered: between half and all of a ceiling that doubles after each full round of URLs. */
  #nextDelay(): number {
    const { baseMs, maxMs } = this.#deps.backoff ?? { baseMs: 500, maxMs: 30_000 };
    const rounds = Math.floor(this.#attempt / this.#servers.length);
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(rounds, 20));
    this.#attempt = Math.min(this.#attempt + 1, 20 * this.#servers.length);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
