/**
 * A light simulated agent: its own Ed25519 device key, enrolled for real, the real challenge-response
 * hello, and on a notice a real TUF refresh and a length- and hash-checked download, then the same
 * reports a real agent sends. It writes no files: the install step is the download and its checks.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ed25519Signer, errorCodeOf, Updater } from '@patchcast/core';
import type { Signer } from '@patchcast/core';
import {
  AGENT_CHANNEL_PATH,
  PatchcastClient,
  authStatement,
  frameText,
  parseServerMessage,
  readBundle,
  targetPathOf,
} from '@patchcast/protocol';
import type {
  AgentMessage,
  DeviceState,
  Inventory,
  Notice,
  PatchRef,
  Report,
} from '@patchcast/protocol';
import { sharedNowMs } from '../clock.js';
import { newDeviceKey } from './device-key.js';
import { httpRepositoryOps, memoryTrustStore } from './sim-repository.js';
import type { HttpPool } from './sim-repository.js';

export interface SimAgentDeps {
  readonly server: string;
  readonly root: Uint8Array;
  readonly pool: HttpPool;
  readonly name: string;
}

export class SimAgent {
  readonly #deps: SimAgentDeps;
  readonly #pair = newDeviceKey();
  readonly #signer: Signer = ed25519Signer(this.#pair);
  #deviceId = '';
  /** The server (node) the agent channel runs to: the one it enrolled with unless told. */
  #channel = '';
  #socket: WebSocket | undefined;
  #finalReportId: string | undefined;
  #notice: Notice | undefined;
  #installing = false;
  noticeAt: number | null = null;
  noticeBytes = 0;
  installedAt: number | null = null;
  failure: string | undefined;
  connected = false;

  constructor(deps: SimAgentDeps) {
    this.#deps = deps;
  }

  async enroll(token: string): Promise<void> {
    const client = new PatchcastClient({ server: this.#deps.server, timeoutMs: 120_000 });
    const answer = await client.enroll({
      token,
      publicKey: this.#pair.publicHex,
      name: this.#deps.name,
      labels: { bench: 'fanout' },
      inventory: this.#inventory([]),
    });
    this.#deviceId = answer.deviceId;
  }

  get enrolled(): boolean {
    return this.#deviceId !== '';
  }

  /**
   * Resolves on `welcome`; rejects when the handshake fails or the server closes first. `server`:
   * another node of the same cluster (the channel only; TUF and downloads stay on the first).
   */
  connect(server = this.#deps.server): Promise<void> {
    this.#channel = server;
    const url = `${server.replace(/^http/, 'ws')}${AGENT_CHANNEL_PATH}`;
    const socket = new WebSocket(url, {
      localAddress: this.#deps.pool.localAddress,
      handshakeTimeout: 60_000,
      maxPayload: 1024 * 1024,
    });
    this.#socket = socket;
    return new Promise((resolve, reject) => {
      socket.on('message', (data, isBinary) => {
        const at = sharedNowMs();
        const text = isBinary ? '' : frameText(data);
        setImmediate(() => this.#onFrame(text, at, resolve));
      });
      socket.on('error', reject);
      socket.on('close', (code) => {
        const dropped = this.connected && this.#socket === socket;
        this.connected = false;
        reject(new Error(`closed (${code}) before welcome`));
        // Dropped by the server (a heartbeat answered late on a loaded machine): dial again, as
        // a real agent does; the server sends the open notices again on the new connection.
        if (dropped) setTimeout(() => void this.connect(server).catch(() => undefined), 1000);
      });
    });
  }

  close(): void {
    const socket = this.#socket;
    this.#socket = undefined; // closed here: not dialled again
    socket?.terminate();
  }

  #onFrame(text: string, at: number, welcomed: () => void): void {
    const message = parseServerMessage(text);
    if (message === undefined) return this.#fail('MALFORMED_SERVER_MESSAGE');
    if (message.type === 'challenge') this.#send(this.#hello(message.nonce));
    else if (message.type === 'welcome') {
      this.connected = true;
      welcomed();
    } else if (message.type === 'notice') this.#onNotice(message, at, Buffer.byteLength(text));
    else if (message.type === 'ack' && message.reportId === this.#finalReportId)
      this.installedAt = sharedNowMs();
    else if (message.type === 'error') this.#fail(message.code);
  }

  #hello(nonce: string): AgentMessage {
    const audience = new URL(this.#channel).host;
    return {
      type: 'hello',
      deviceId: this.#deviceId,
      nonce,
      signature: this.#signer.sign(authStatement(this.#deviceId, nonce, audience)),
      lastTimestampVersion: 0,
      inventory: this.#inventory([]),
    };
  }

  #onNotice(notice: Notice, at: number, bytes: number): void {
    if (this.noticeAt !== null) return;
    this.noticeAt = at;
    this.noticeBytes = bytes;
    this.#notice = notice;
  }

  /** Forgets a warm-up notice: the next notice is the one measured and installed. */
  forgetNotice(): void {
    if (this.#installing) return;
    this.noticeAt = null;
    this.noticeBytes = 0;
    this.#notice = undefined;
  }

  /**
   * Installs the noticed patch. The benchmark releases installs once every agent has its notice:
   * on a real fleet this work runs on other machines, here it would take CPU from the server
   * while it is still delivering.
   */
  install(): void {
    const notice = this.#notice;
    if (notice === undefined || this.#installing) return;
    this.#installing = true;
    this.#install(notice).catch((error: unknown) => {
      const code = errorCodeOf(error);
      this.#fail(code);
      this.#report(notice, 'failed', { error: { code, message: String(error).slice(0, 512) } });
    });
  }

  async #install(notice: Notice): Promise<void> {
    const started = sharedNowMs();
    this.#report(notice, 'downloading');
    const updater = new Updater({
      repository: httpRepositoryOps(this.#deps.server, this.#deps.pool),
      store: memoryTrustStore(this.#deps.root),
      now: () => new Date(),
    });
    await updater.refresh();
    const { bytes } = await updater.download(targetPathOf(notice.patch));
    const { manifest } = readBundle(bytes);
    if (manifest.name !== notice.patch.name || manifest.version !== notice.patch.version)
      throw new Error('bundle names another patch');
    const downloadMs = sharedNowMs() - started;
    this.#report(notice, 'installing');
    this.#send({ type: 'inventory', inventory: this.#inventory([notice.patch]) });
    this.#finalReportId = this.#report(notice, 'installed', {
      timings: { downloadMs, totalMs: downloadMs },
    });
  }

  #report(notice: Notice, state: DeviceState, extra: Partial<Report> = {}): string {
    const reportId = randomUUID();
    const { rolloutId, patch } = notice;
    this.#send({ ...extra, type: 'report', reportId, rolloutId, patch, state });
    return reportId;
  }

  #send(message: AgentMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #fail(code: string): void {
    this.failure ??= code;
  }

  #inventory(installed: readonly PatchRef[]): Inventory {
    return {
      hostname: this.#deps.name,
      os: 'linux',
      arch: process.arch,
      agentVersion: 'bench-sim',
      installed: installed.map((p) => ({ ...p, installedAt: new Date().toISOString() })),
    };
  }
}
